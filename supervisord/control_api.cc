#include "supervisord/control_api.h"

#include "common/process_info_json.h"
#include "supervisord/event_loop.h"
#include "supervisord/logtail_routes.h"
#include "supervisord/main_log.h"
#include "supervisord/metrics_route.h"
#include "supervisord/supervisor.h"
#include "supervisord/web_routes.h"
#include "supervisord/xmlrpc_route.h"

namespace sup {

ControlApi::ControlApi(EventLoop& loop, MainLog& log, Supervisor& supervisor,
                       std::function<Result<Config>()> load_config)
    : loop_(loop), log_(log) {
  registerAllMethods(registry_);
  services_.loop = &loop;
  services_.supervisor = &supervisor;
  services_.load_config = std::move(load_config);
  services_.log_info = [this](const std::string& line) { log_.info(line); };
  addXmlRpcRoute(router_, registry_, services_,
                 [this](LogLevel level, const std::string& message) { log_.log(level, message); });
  addLogTailRoutes(router_, services_);
  services_.client_count = [this] {
    std::size_t n = 0;
    for (const auto& server : servers_) n += server->connectionCount();
    return n;
  };
  addWebRoutes(router_, registry_, services_);
  addMetricsRoute(router_, services_);
}

ControlApi::~ControlApi() {
  close();
}

Status ControlApi::open(const Config& config) {
  auto handler = [this](ControlConnection& conn, const proto::Request& req) { handle(conn, req); };
  auto log = [this](LogLevel level, const std::string& message) { log_.log(level, message); };
  // Supervisor's order: [inet_http_server] first, then [unix_http_server].
  for (const auto& section : config.servers) {
    auto options = controlServerOptions(section);
    if (!options) return options.error();
    auto server = std::make_unique<ControlServer>(loop_, std::move(*options), handler, log);
    server->setHttpRouter(&router_);
    if (auto st = server->open(); !st) {
      close();
      return st;
    }
    servers_.push_back(std::move(server));
    // Supervisor's http.py says this per server: one line per configured
    // [rpcinterface:x], then a warning when no username guards it.
    for (const auto& rpc : config.rpcinterfaces) {
      log_.info("RPC interface '" + rpc.name + "' initialized");
    }
    if (!section.username) {
      log_.critical("Server '" + section.section +
                    "' running without any HTTP authentication checking");
    }
  }
  return okStatus();
}

void ControlApi::close() {
  for (auto& server : servers_) server->close();
  servers_.clear();
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
    } else if (outcome.process_infos) {
      c->replyEncoded(id, proto::processInfoListJson(*outcome.process_infos));
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
