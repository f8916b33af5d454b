#include "supervisord/metrics_route.h"

#include "supervisord/event_loop.h"
#include "supervisord/http_router.h"
#include "supervisord/proc_stats.h"
#include "supervisord/rpc_methods.h"
#include "supervisord/rpc_support.h"
#include "supervisord/supervisor.h"

namespace sup {

MetricsSnapshot collectMetrics(const RpcServices& services) {
  MetricsSnapshot s;
  Supervisor& sup = *services.supervisor;
  ProcDir proc;
  s.processes = sup.processMetrics([&proc](int pid) { return proc.read(pid); });
  s.daemon.proc = proc.read(0, false);
  s.daemon.loop_iterations = services.loop->iterations();
  s.daemon.clients = services.client_count ? services.client_count() : 0;
  s.daemon.events_delivered = sup.events().delivered();
  s.daemon.events_dropped = sup.events().dropped();
  return s;
}

std::string metricsText(const RpcServices& services) {
  return formatMetrics(collectMetrics(services));
}

void addMetricsRoute(HttpRouter& router, const RpcServices& services) {
  router.add("GET", "/metrics",
             [&services](const http::Request&, const PeerCredentials&, HttpExchange exchange) {
               http::Response r;
               r.status = 200;
               r.headers.push_back({"Content-Type", std::string(kMetricsContentType)});
               r.body = metricsText(services);
               exchange.respond(std::move(r));
             });
}

void registerMetricsMethod(RpcRegistry& r) {
  r.add(
      std::string(proto::method::kGetMetrics),
      [](const RpcContext& ctx, const rpc::json& params, RpcReply reply) {
        if (!rpc::arity(params, 0, 0, reply)) return;
        reply.ok(metricsText(*ctx.services));
      },
      {{"string"},
       "Return the daemon's and its processes' metrics in Prometheus' text\n"
       "format, as GET /metrics serves them\n\n"
       "@return string text"},
      /*allowed_when_stopping=*/true);
}

}  // namespace sup
