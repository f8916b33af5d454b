// The decisions behind our restart policies (docs/restart-policies.md), as
// pure functions of the program's RestartPolicy, the failure count and the
// time: how long BACKOFF waits, when the failure count resets, and whether
// an automatic restart goes over restart_limit. The state machine
// (process_state.h) asks these; with the default policy every answer is
// Supervisor's (wait n seconds after the n-th failed start, reset on
// RUNNING, restart at once).
#pragma once

#include <chrono>
#include <functional>
#include <vector>

#include "common/config_model.h"

namespace sup {

/// A uniform draw in [0, 1): the jitter's random source. Tests inject a
/// fixed one; the daemon uses systemUnitRandom().
using UnitRandom = std::function<double()>;
/// One generator per daemon, seeded from std::random_device, so that a
/// fleet started from one image does not retry in lockstep.
double systemUnitRandom();

/// The longest wait backoff=exponential reaches without backoff_max.
inline constexpr std::chrono::seconds kExponentialCeiling{86400};

/// The wait before the retry that follows failure number `failures` (1 for
/// the first): `failures` seconds (linear) or 2^(failures-1) seconds
/// (exponential, at most kExponentialCeiling), capped at backoff_max when
/// set, then shortened by up to backoff_jitter percent: `unit` (a draw in
/// [0, 1)) of that share is taken off. Jitter never lengthens a wait, so
/// backoff_max stays a true maximum.
std::chrono::milliseconds backoffDelay(const RestartPolicy& policy, int failures, double unit);

/// Reaching RUNNING resets the failure count (Supervisor's rule) unless
/// backoff_reset asks for a longer run than startsecs.
bool resetsOnRunning(const RestartPolicy& policy, int startsecs);
/// With such a backoff_reset, a run that lasted `ran` resets the count
/// when it ends (exit or stop).
bool runResets(const RestartPolicy& policy, int startsecs, std::chrono::steady_clock::duration ran);

/// After startretries failed starts: FATAL (Supervisor), or keep retrying
/// (never_give_up).
inline bool givesUp(const RestartPolicy& policy, int failures, int startretries) {
  return failures > startretries && !policy.never_give_up;
}

/// restart_limit=N/SECONDS: the times of recent automatic restarts of one
/// process (after RUNNING). Per-process state that a re-exec must hand over
/// (times()/restore(); steady_clock is CLOCK_MONOTONIC, which survives exec).
class RestartWindow {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  /// Count one automatic restart at `now`. True if it makes more than N
  /// within the last SECONDS: that restart waits in BACKOFF instead of
  /// happening at once. Always false without a restart_limit.
  bool overLimit(const RestartPolicy& policy, TimePoint now);
  const std::vector<TimePoint>& times() const { return times_; }
  void restore(std::vector<TimePoint> times) { times_ = std::move(times); }

 private:
  // Oldest first, at most N+1 of them; a vector, not a deque, so that a
  // process without restart_limit allocates nothing.
  std::vector<TimePoint> times_;
};

}  // namespace sup
