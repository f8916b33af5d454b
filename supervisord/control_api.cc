#include "supervisord/control_api.h"

#include "supervisord/event_loop.h"
#include "supervisord/main_log.h"
#include "supervisord/supervisor.h"

namespace sup {

ControlApi::ControlApi(EventLoop& loop, MainLog& log, Supervisor& supervisor,
                       std::function<Result<Config>()> load_config)
    : loop_(loop), log_(log) {
  registerAllMethods(registry_);
  services_.loop = &loop;
  services_.supervisor = &supervisor;
  services_.load_config = std::move(load_config);
  services_.log_info = [this](const std::string& line) { log_.info(line); };
}

ControlApi::~ControlApi() {
  close();
}

Status ControlApi::open(const Config& config) {
  const ServerConfig* unix_server = nullptr;
  for (const auto& s : config.servers) {
    if (s.type == ServerConfig::Type::Unix) {
      unix_server = &s;
      break;
    }
  }
  if (unix_server == nullptr) return okStatus();
  auto options = controlServerOptions(*unix_server);
  if (!options) return options.error();
  auto handler = [this](ControlConnection& conn, const proto::Request& req) { handle(conn, req); };
  auto log = [this](LogLevel level, const std::string& message) { log_.log(level, message); };
  server_ = std::make_unique<ControlServer>(loop_, std::move(*options), handler, log);
  if (auto st = server_->open(); !st) {
    server_.reset();
    return st;
  }
  // Supervisor's http.py says this per server: one line per configured
  // [rpcinterface:x], then a warning when no username guards the socket.
  for (const auto& rpc : config.rpcinterfaces) {
    log_.info("RPC interface '" + rpc.name + "' initialized");
  }
  if (!unix_server->username) {
    log_.critical("Server '" + unix_server->section +
                  "' running without any HTTP authentication checking");
  }
  return okStatus();
}

void ControlApi::close() {
  if (!server_) return;
  server_->close();
  server_.reset();
}

void ControlApi::handle(ControlConnection& conn, const proto::Request& req) {
  RpcContext ctx;
  ctx.services = &services_;
  ctx.peer_uid = conn.peer().uid;
  ctx.peer_pid = conn.peer().pid;
  ctx.connection = conn.shared_from_this();
  // The answer may come long after this returns (start/stop with wait); by
  // then the client may be gone, so only a weak reference is kept. A
  // notification (no id) runs but is never answered.
  std::weak_ptr<ControlConnection> weak = ctx.connection;
  bool has_id = req.has_id;
  proto::json id = req.id;
  RpcReply reply([weak, has_id, id](RpcOutcome outcome) {
    if (!has_id) return;
    auto c = weak.lock();
    if (!c || c->closed()) return;
    if (outcome.isError()) {
      c->replyError(id, outcome.code, outcome.message);
    } else if (outcome.encoded_result) {
      c->replyEncoded(id, std::move(*outcome.encoded_result));
    } else {
      c->reply(id, std::move(*outcome.result));
    }
  });
  registry_.call(ctx, req.method, req.params, reply);
}

ServiceFactory controlApiFactory(ConfigLoader load) {
  return [load](EventLoop& loop, Supervisor& supervisor, const Config& config,
                MainLog& log) -> Result<std::shared_ptr<void>> {
    auto api = std::make_shared<ControlApi>(loop, log, supervisor, load);
    if (auto st = api->open(config); !st) return st.error();
    return std::shared_ptr<void>(api);
  };
}

}  // namespace sup
