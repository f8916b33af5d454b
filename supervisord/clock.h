// Where the daemon reads the time: a monotonic clock for durations and
// timers, and the wall clock for the start/stop stamps clients see. The
// event loop owns one, so the state machine's timing (startsecs, backoff,
// stopwaitsecs, shutdown order) runs in tests on a fake clock that jumps
// from one deadline to the next instead of sleeping (tests/unit/fake_clock.h).
#pragma once

#include <chrono>

namespace sup {

class Clock {
 public:
  using Monotonic = std::chrono::steady_clock;
  using Wall = std::chrono::system_clock;

  virtual ~Clock() = default;
  /// Now on the monotonic clock: what timers and durations are measured on.
  virtual Monotonic::time_point now() const = 0;
  /// Now on the wall clock: what getProcessInfo's start/stop/now report.
  virtual Wall::time_point wallNow() const = 0;
};

/// The machine's clocks (steady_clock, system_clock).
Clock& systemClock();

}  // namespace sup
