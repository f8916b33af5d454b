#include "supervisord/web_routes.h"

#include <sys/random.h>

#include <array>
#include <chrono>
#include <memory>

#include "supervisord/event_bus.h"
#include "supervisord/http_router.h"
#include "supervisord/rpc_methods.h"
#include "supervisord/stream_keepalive.h"
#include "supervisord/supervisor.h"
#include "supervisord/web_actions.h"
#include "supervisord/web_csrf.h"
#include "supervisord/web_grep.h"
#include "supervisord/web_page.h"
#include "supervisord/web_text.h"

namespace sup {
namespace {

// One token per daemon process: a page loaded before a reload (HUP) still
// works after it.
const std::string& daemonToken() {
  static const std::string token = [] {
    std::array<unsigned char, 32> bytes{};
    std::size_t got = 0;
    while (got < bytes.size()) {
      ssize_t n = ::getrandom(bytes.data() + got, bytes.size() - got, 0);
      if (n > 0) got += static_cast<std::size_t>(n);
    }
    return web::csrfToken(bytes);
  }();
  return token;
}

http::Response textResponse(int status, std::string body) {
  http::Response r;
  r.status = status;
  r.headers = {{"Content-Type", "text/plain;charset=utf-8"},
               {"X-Content-Type-Options", "nosniff"},
               {"Cache-Control", "no-store"}};
  r.body = std::move(body);
  return r;
}

void page(const RpcServices& services, const http::Request& request, const HttpExchange& ex) {
  const Supervisor& sup = *services.supervisor;
  web::Form query = web::Form::parse(request.query);
  web::PageOptions o;
  o.token = daemonToken();
  o.message = query.get("message");
  o.filter = query.get("filter");
  o.state = query.get("state");
  o.identification = sup.config().supervisord.identifier;
  http::Response r;
  r.headers = {
      {"Content-Type", "text/html;charset=utf-8"},
      {"Cache-Control", "no-store"},
      {"X-Content-Type-Options", "nosniff"},
      // The buttons must not be clickable from inside another site's frame.
      {"X-Frame-Options", "DENY"},
      {"Content-Security-Policy",
       "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
       "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"},
  };
  r.body = web::renderPage(sup.allProcessInfo(), o);
  ex.respond(std::move(r));
}

void action(const RpcRegistry& registry, const RpcServices& services, const http::Request& request,
            const PeerCredentials& peer, const HttpExchange& ex) {
  web::Form form = web::Form::parse(request.body);
  auto verdict = web::checkCsrf(request, form.get("token"), daemonToken());
  if (verdict != web::CsrfVerdict::kOk) {
    services.log_info("control: web action from " + describePeer(peer) +
                      " refused: no valid token or another site's page");
    return ex.respond(textResponse(403, "Forbidden: reload the page and try again\n"));
  }
  // The page's script sends the token in a header and shows the text; a
  // plain form gets redirected back to the page, which shows the message.
  bool from_script = request.header(web::kTokenHeader) != nullptr;
  auto answer = [ex, from_script](const std::string& text) {
    if (from_script) return ex.respond(textResponse(200, text + "\n"));
    http::Response r;
    r.status = 303;
    r.headers = {{"Location", "/?message=" + web::urlEncode(text)},
                 {"Content-Type", "text/plain;charset=utf-8"}};
    r.body = text + "\n";
    ex.respond(std::move(r));
  };
  auto parsed = web::parseAction(form);
  if (!parsed) return answer(parsed.error().message);
  RpcContext ctx;
  ctx.services = &services;
  ctx.registry = &registry;
  ctx.peer_uid = peer.uid;
  ctx.peer_pid = peer.pid;
  ctx.peer_address = peer.address;
  web::runAction(registry, ctx, *parsed, [answer](std::vector<std::string> lines) {
    std::string text;
    for (const auto& l : lines) text += (text.empty() ? "" : "\n") + l;
    answer(text);
  });
}

// One Server-Sent Event.
std::string sse(std::string_view event, const std::string& data) {
  return "event: " + std::string(event) + "\ndata: " + data + "\n\n";
}

// A page watching quiet programs can go minutes without an event, and
// proxies close a silent response (stream_keepalive.h).
constexpr std::chrono::seconds kSseHeartbeat{25};

void events(const RpcServices& services, const HttpExchange& ex) {
  Supervisor* sup = services.supervisor;
  ex.startStream({{"Content-Type", "text/event-stream"},
                  {"Cache-Control", "no-store"},
                  {"X-Accel-Buffering", "no"}});
  // A client reconnects after a restart of the daemon's run (the stream
  // ends then) and gets a fresh snapshot.
  ex.streamData("retry: 1000\n" + sse("snapshot", web::rowsJson(sup->allProcessInfo())));
  // No queue of our own: a page that stops reading fills the connection's
  // bounded write queue, which closes it; its reconnect starts afresh.
  auto sub = std::make_shared<EventBus::Subscription>(sup->events().observe(
      {EventType::kProcessState, EventType::kProcessGroup},
      [sup, ex](const std::shared_ptr<const Event>& e) {
        if (e->type == EventType::kProcessGroupAdded ||
            e->type == EventType::kProcessGroupRemoved) {
          return ex.streamData(sse("snapshot", web::rowsJson(sup->allProcessInfo())));
        }
        if (auto info = sup->processInfo(ProcessId{e->group, e->process}))
          ex.streamData(sse("process", web::rowJson(*info)));
      },
      [ex] { ex.endStream(); }));
  ex.onClose([sub] { sub->reset(); });
  // A comment line: EventSource ignores it.
  keepStreamAlive(*services.loop, ex, kSseHeartbeat, ": keep-alive\n\n");
}

// The log files of the process the query names (none for an unknown name:
// supervisorctl grep then says "no such process").
std::vector<web::GrepFileSet> fileSets(const Supervisor& sup, const std::string& name) {
  std::vector<web::GrepFileSet> sets;
  for (const proto::ProcessInfo& info : sup.allProcessInfo()) {
    std::string ns = proto::makeNamespec(info.group, info.name);
    if (ns != name) continue;
    const ProcessConfig* cfg = sup.processConfig(ProcessId{info.group, info.name});
    sets.push_back({ns, "stdout", info.stdout_logfile, cfg ? cfg->stdout_log.logfile_backups : 0});
    sets.push_back({ns, "stderr", info.stderr_logfile, cfg ? cfg->stderr_log.logfile_backups : 0});
  }
  return sets;
}

void grep(const RpcServices& services, const http::Request& request, const HttpExchange& ex) {
  web::GrepLimits limits;
  auto req = web::grepRequest(web::Form::parse(request.query));
  if (!req) return ex.respond(textResponse(400, req.error().message + "\n"));
  // supervisorctl is found once: beside this binary.
  static const std::string ctl = web::supervisorctlPath();
  web::runGrepChild(*services.loop, ctl, web::grepArgs(*req, limits),
                    web::fileSetList(fileSets(*services.supervisor, req->name)), limits,
                    [ex](std::string text) { ex.respond(textResponse(200, std::move(text))); });
}

}  // namespace

void addWebRoutes(HttpRouter& router, const RpcRegistry& registry, const RpcServices& services) {
  router.add("GET", "/",
             [&services](const http::Request& request, const PeerCredentials&, HttpExchange ex) {
               page(services, request, ex);
             });
  router.add(
      "POST", "/",
      [&registry, &services](const http::Request& request, const PeerCredentials& peer,
                             HttpExchange ex) { action(registry, services, request, peer, ex); });
  router.add("GET", "/events",
             [&services](const http::Request&, const PeerCredentials&, HttpExchange ex) {
               events(services, ex);
             });
  router.add("GET", "/grep",
             [&services](const http::Request& request, const PeerCredentials&, HttpExchange ex) {
               grep(services, request, ex);
             });
}

}  // namespace sup
