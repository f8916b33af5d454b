// A clock that moves only when a test says so, and a driver that turns an
// EventLoop on it: time jumps from one timer deadline to the next, so a test
// of startsecs, backoff or stopwaitsecs covers seconds of daemon time in
// microseconds of real time and is exact to the millisecond.
#pragma once

#include <chrono>
#include <functional>

#include "supervisord/clock.h"
#include "supervisord/event_loop.h"

namespace sup::test {

class FakeClock final : public Clock {
 public:
  Monotonic::time_point now() const override { return mono_; }
  Wall::time_point wallNow() const override { return wall_; }
  void advance(Monotonic::duration d) {
    mono_ += d;
    wall_ += std::chrono::duration_cast<Wall::duration>(d);
  }
  /// Milliseconds since the clock was made: what a test compares with.
  long long elapsedMs() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(mono_ - start_).count();
  }

 private:
  // Any fixed instants do; these keep traces readable (2026-01-01 00:00 UTC).
  Monotonic::time_point start_{std::chrono::hours(1000)};
  Monotonic::time_point mono_ = start_;
  Wall::time_point wall_{std::chrono::seconds(1767225600)};
};

/// Turns `loop` until `pred` holds: runs what is ready, then moves the clock
/// to the next timer's deadline and fires it, never sleeping. False when no
/// timer is left or `limit` of fake time has passed with `pred` still false.
inline bool runUntil(EventLoop& loop, FakeClock& clock, const std::function<bool()>& pred,
                     std::chrono::milliseconds limit = std::chrono::hours(1)) {
  auto end = clock.now() + limit;
  loop.poll();
  while (!pred()) {
    auto next = loop.nextDeadline();
    if (!next || *next > end) return false;
    if (*next > clock.now()) clock.advance(*next - clock.now());
    loop.poll();
  }
  return true;
}

/// Moves the clock forward by `d`, firing every timer due on the way, in
/// deadline order, each at its own instant.
inline void advance(EventLoop& loop, FakeClock& clock, std::chrono::milliseconds d) {
  auto end = clock.now() + d;
  runUntil(
      loop, clock, [] { return false; }, d);
  if (end > clock.now()) clock.advance(end - clock.now());
  loop.poll();
}

}  // namespace sup::test
