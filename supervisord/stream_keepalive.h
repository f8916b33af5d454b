// A heartbeat for a long-lived HTTP stream. Proxies and load balancers close
// a response that stays silent (nginx's proxy_read_timeout and an AWS ALB's
// idle timeout are both 60 s by default), and a stream of state changes can
// go minutes without one. The timer exists only while the stream does, so a
// daemon with no stream open still sleeps without any timer.
#pragma once

#include <chrono>
#include <string>

#include "supervisord/event_loop.h"
#include "supervisord/http_session.h"

namespace sup {

/// Send `beat` on `ex` every `period` until its connection closes.
void keepStreamAlive(EventLoop& loop, const HttpExchange& ex, std::chrono::milliseconds period,
                     std::string beat);

}  // namespace sup
