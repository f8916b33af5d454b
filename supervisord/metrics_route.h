// GET /metrics (Prometheus' text format, docs/metrics.md) and the method
// supervisor.getMetrics that `supervisorctl metrics` calls: the same text,
// built when asked. Collecting is the thin part: the Supervisor's counters
// (supervisor_metrics.cc), /proc for each live child and for the daemon
// (proc_stats.h), the loop's and the event bus's counters; the text is the
// pure formatMetrics(). Nothing is read unless someone asks.
#pragma once

#include <string>

#include "supervisord/metrics_format.h"

namespace sup {

class HttpRouter;
struct RpcServices;

/// Everything /metrics reports, read now.
MetricsSnapshot collectMetrics(const RpcServices& services);
/// collectMetrics() as exposition text.
std::string metricsText(const RpcServices& services);

/// Add GET /metrics. `services` must outlive the router's use.
void addMetricsRoute(HttpRouter& router, const RpcServices& services);

}  // namespace sup
