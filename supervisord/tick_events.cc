#include "supervisord/tick_events.h"

#include <algorithm>
#include <chrono>

namespace sup {
namespace {

// Python's timeslice(period, when) = int(when - when % period), in seconds;
// floor division keeps it right before 1970 too.
long long timeslice(long long period, long long now_ms) {
  long long ms = period * 1000;
  long long q = now_ms / ms;
  if (now_ms % ms < 0) --q;
  return q * period;
}

}  // namespace

std::vector<std::pair<EventType, long long>> TickSchedule::due(long long now_ms,
                                                               const std::array<bool, 3>& wanted) {
  std::vector<std::pair<EventType, long long>> out;
  for (std::size_t i = 0; i < kTicks.size(); ++i) {
    if (!wanted[i]) {
      last_[i].reset();
      continue;
    }
    long long slice = timeslice(tickPeriod(kTicks[i]), now_ms);
    if (!last_[i]) {
      last_[i] = slice;  // just started counting
    } else if (*last_[i] != slice) {
      last_[i] = slice;
      out.emplace_back(kTicks[i], slice);
    }
  }
  return out;
}

void TickSchedule::want(long long now_ms, const std::array<bool, 3>& wanted) {
  for (std::size_t i = 0; i < kTicks.size(); ++i) {
    if (!wanted[i]) {
      last_[i].reset();
    } else if (!last_[i]) {
      last_[i] = timeslice(tickPeriod(kTicks[i]), now_ms);
    }
  }
}

std::optional<long long> TickSchedule::nextBoundaryMs(long long now_ms,
                                                      const std::array<bool, 3>& wanted) {
  std::optional<long long> next;
  for (std::size_t i = 0; i < kTicks.size(); ++i) {
    if (!wanted[i]) continue;
    long long period = tickPeriod(kTicks[i]);
    long long boundary = (timeslice(period, now_ms) + period) * 1000;
    next = next ? std::min(*next, boundary) : boundary;
  }
  return next;
}

TickTimer::TickTimer(EventLoop& loop, EventBus& bus) : loop_(loop), bus_(bus) {}

TickTimer::~TickTimer() {
  if (timer_) loop_.cancel(timer_);
}

std::array<bool, 3> TickTimer::wanted() const {
  std::array<bool, 3> w{};
  for (std::size_t i = 0; i < w.size(); ++i) w[i] = bus_.wanted(TickSchedule::kTicks[i]);
  return w;
}

long long TickTimer::nowMs() const {
  using namespace std::chrono;
  return duration_cast<milliseconds>(loop_.wallNow().time_since_epoch()).count();
}

void TickTimer::update() {
  auto w = wanted();
  schedule_.want(nowMs(), w);
  if (timer_) loop_.cancel(timer_);
  timer_ = 0;
  arm(w);
}

void TickTimer::arm(const std::array<bool, 3>& wanted) {
  long long now = nowMs();
  auto next = TickSchedule::nextBoundaryMs(now, wanted);
  if (!next) return;
  // The loop's timers run on the monotonic clock: aim at the wall-clock
  // boundary from here; a wake-up a hair early finds nothing due and waits
  // for the same boundary again.
  auto delay = std::chrono::milliseconds(std::max(1LL, *next - now));
  timer_ = loop_.after(delay, [this] {
    timer_ = 0;
    fire();
  });
}

void TickTimer::fire() {
  long long now = nowMs();
  auto w = wanted();
  double seconds = static_cast<double>(now) / 1000.0;
  for (auto [type, when] : schedule_.due(now, w)) {
    Event e = tickEvent(type, when);
    e.time = seconds;
    bus_.publish(std::move(e));
  }
  if (!timer_) arm(wanted());  // publishing may have re-armed it (a subscriber changed)
}

}  // namespace sup
