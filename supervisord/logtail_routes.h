// GET /logtail/NAME[/stdout|/stderr] and GET /mainlogtail: the log streams
// Python's supervisorctl reads for `tail -f`, `maintail -f` and `fg`, as
// Supervisor's http.py serves them: 404 when there is no such process or
// log file yet, else a 200 whose body is the file's last 1024 bytes and
// then every byte written to it, chunked for HTTP/1.1 and until close for
// HTTP/1.0, with Last-Modified and "X-Accel-Buffering: no" (so a reverse
// proxy does not hold the stream back). New output arrives through
// LogFollowers the moment the daemon writes it, never by polling the file;
// the stream ends (and the connection closes) when the process's group is
// removed or the daemon stops.
#pragma once

namespace sup {

class HttpRouter;
struct RpcServices;

/// `services` (the run's Supervisor) must outlive the router's use.
void addLogTailRoutes(HttpRouter& router, const RpcServices& services);

}  // namespace sup
