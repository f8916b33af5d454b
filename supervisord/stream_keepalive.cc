#include "supervisord/stream_keepalive.h"

#include <functional>
#include <memory>

namespace sup {

void keepStreamAlive(EventLoop& loop, const HttpExchange& ex, std::chrono::milliseconds period,
                     std::string beat) {
  struct Beat {
    EventLoop::TimerId timer = 0;
    std::function<void()> fire;
  };
  auto state = std::make_shared<Beat>();
  EventLoop* l = &loop;
  // The timer's copy of `fire` holds the state weakly: the close callback
  // holds the only strong reference, so closing ends the cycle.
  state->fire = [l, ex, period, beat = std::move(beat), weak = std::weak_ptr<Beat>(state)] {
    ex.streamData(beat);
    if (auto s = weak.lock()) s->timer = l->after(period, s->fire);
  };
  state->timer = l->after(period, state->fire);
  ex.onClose([l, state] { l->cancel(state->timer); });
}

}  // namespace sup
