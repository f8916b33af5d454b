#include "supervisord/logtail_routes.h"

#include <sys/stat.h>

#include "supervisord/http_router.h"
#include "supervisord/log_registry.h"
#include "supervisord/rpc_methods.h"
#include "supervisord/rpc_support.h"
#include "supervisord/supervisor.h"

namespace sup {
namespace {

// Supervisor's tail_f_producer starts this far back from the end.
constexpr std::int64_t kBacklog = 1024;

// Stream `path` to the client: its last bytes, then what the daemon writes.
void streamFile(LogFollowers& followers, const HttpExchange& exchange, const std::string& path,
                bool accel_header) {
  struct stat st {};
  if (path.empty() || ::stat(path.c_str(), &st) != 0) return exchange.respondError(404);
  std::vector<http::Header> headers{{"Last-Modified", http::httpDate(st.st_mtime)},
                                    {"Content-Type", "text/plain;charset=utf-8"}};
  if (accel_header) headers.push_back({"X-Accel-Buffering", "no"});
  exchange.startStream(std::move(headers));
  exchange.streamData(rpc::lastBytes(path, kBacklog));
  auto id = followers.subscribe(
      path, [exchange](std::string_view data, bool /*truncated*/, bool eof) {
        // A rotation or clear needs no marker: Supervisor's stream too just
        // goes on with the new file's bytes.
        exchange.streamData(data);
        if (eof) exchange.endStream();
      });
  exchange.onClose([&followers, id] { followers.unsubscribe(id); });
}

void logTail(const RpcServices& services, const http::Request& request,
             const HttpExchange& exchange) {
  // "/logtail/NAME" or "/logtail/NAME/CHANNEL" (stdout by default).
  std::string_view rest = request.path;
  rest.remove_prefix(std::string_view("/logtail").size());
  while (!rest.empty() && rest.front() == '/') rest.remove_prefix(1);
  std::size_t slash = rest.find('/');
  std::string name(rest.substr(0, slash));
  std::string channel =
      slash == std::string_view::npos ? "stdout" : std::string(rest.substr(slash + 1));
  if (name.empty() || (channel != "stdout" && channel != "stderr")) {
    return exchange.respondError(404);
  }
  const Supervisor& sup = *services.supervisor;
  auto [group, process] = proto::splitNamespec(name);
  if (!process) return exchange.respondError(404);
  auto info = sup.processInfo(ProcessId{group, *process});
  if (!info) return exchange.respondError(404);
  streamFile(services.supervisor->logRegistry().followers, exchange,
             channel == "stdout" ? info->stdout_logfile : info->stderr_logfile, true);
}

}  // namespace

void addLogTailRoutes(HttpRouter& router, const RpcServices& services) {
  router.add(
      "GET", "/logtail",
      [&services](const http::Request& request, const PeerCredentials&, HttpExchange exchange) {
        logTail(services, request, exchange);
      },
      HttpRouter::Match::kPrefix);
  router.add(
      "GET", "/mainlogtail",
      [&services](const http::Request&, const PeerCredentials&, HttpExchange exchange) {
        streamFile(services.supervisor->logRegistry().followers, exchange,
                   services.supervisor->mainLogPath(), false);
      },
      HttpRouter::Match::kPrefix);
}

}  // namespace sup
