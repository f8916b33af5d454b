// TICK_5, TICK_60 and TICK_3600 (supervisord.py tick()): when the wall clock
// enters a new period (a multiple of 5, 60 or 3600 seconds since the epoch),
// an event says so with `when` = the period's start. Supervisor looks at the
// clock on every turn of its loop (at least once a second); here one loop
// timer wakes at the next boundary, and only while some pool or observer
// wants TICKs: an idle daemon without a TICK subscriber never wakes.
#pragma once

#include <array>
#include <optional>
#include <utility>
#include <vector>

#include "common/event_types.h"
#include "supervisord/event_bus.h"
#include "supervisord/event_loop.h"

namespace sup {

/// The pure part: which ticks are due at a wall-clock instant.
class TickSchedule {
 public:
  static constexpr std::array<EventType, 3> kTicks{EventType::kTick5, EventType::kTick60,
                                                   EventType::kTick3600};
  /// Ticks (type, when) due at `now_ms` (epoch milliseconds) among the
  /// wanted ones, in TICK_5, TICK_60, TICK_3600 order. A tick starts
  /// counting when it becomes wanted: its first event is the next boundary.
  /// A tick no longer wanted is forgotten.
  std::vector<std::pair<EventType, long long>> due(long long now_ms,
                                                   const std::array<bool, 3>& wanted);
  /// Start counting the ticks newly wanted at `now_ms` and forget those no
  /// longer wanted, without taking any tick that is due.
  void want(long long now_ms, const std::array<bool, 3>& wanted);
  /// Epoch milliseconds of the next boundary of a wanted tick after now_ms;
  /// nullopt when none is wanted.
  static std::optional<long long> nextBoundaryMs(long long now_ms,
                                                 const std::array<bool, 3>& wanted);

 private:
  std::array<std::optional<long long>, 3> last_{};
};

/// The loop side: one timer, re-armed at each boundary while TICKs are wanted.
class TickTimer {
 public:
  TickTimer(EventLoop& loop, EventBus& bus);
  ~TickTimer();
  TickTimer(const TickTimer&) = delete;
  TickTimer& operator=(const TickTimer&) = delete;

  /// Look again at who wants TICKs (after a subscribe or unsubscribe).
  void update();
  bool armed() const { return timer_ != 0; }

 private:
  std::array<bool, 3> wanted() const;
  long long nowMs() const;
  void fire();
  void arm(const std::array<bool, 3>& wanted);

  EventLoop& loop_;
  EventBus& bus_;
  TickSchedule schedule_;
  EventLoop::TimerId timer_ = 0;
};

}  // namespace sup
