// The live web status page on the control socket and [inet_http_server]
// (docs/web.md), behind the same Basic auth as /RPC2:
//   GET  /         the page: the process table, its forms and script
//   POST /         an action (start, stop, restart, clear, startall,
//                  stopall, restartall) guarded by the CSRF token; a form
//                  gets a 303 back to / with the message, the page's fetch
//                  (token in a header) gets the message as text
//   GET  /events   Server-Sent Events from the event bus: a snapshot, then
//                  one "process" event per state change
//   GET  /grep     supervisorctl's grep over one process's log, bounded
// The log tail is the existing GET /logtail/NAME stream. Nothing runs
// while no page is open: the routes answer requests and the event stream
// exists only while a page holds it.
#pragma once

namespace sup {

class HttpRouter;
class RpcRegistry;
struct RpcServices;

/// `registry` and `services` must outlive the router's use.
void addWebRoutes(HttpRouter& router, const RpcRegistry& registry, const RpcServices& services);

}  // namespace sup
