// What /metrics reports of a process's history (docs/metrics.md): starts,
// restarts, exits by kind, the last exit's status or signal, and the time
// spent in BACKOFF. Pure: the Supervisor tells it what happened, with the
// time, where it already learns it (a spawn, a reap, a state change), so
// keeping the counters costs a few additions and no system call.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include "supervisord/process_state.h"

namespace sup {

class ProcessCounters {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  /// A child was forked: a start, and a restart unless it is the first.
  void spawned();
  /// A child was reaped with this wait status; `expected` as
  /// expectedExit() decides from what the state machine did with it.
  void exited(int wait_status, bool expected);
  /// The process went from `from` to `to` at `now` (BACKOFF time).
  void stateChanged(ProcessState from, ProcessState to, TimePoint now);

  std::uint64_t starts() const { return starts_; }
  std::uint64_t restarts() const { return starts_ == 0 ? 0 : starts_ - 1; }
  std::uint64_t exitsExpected() const { return exits_expected_; }
  std::uint64_t exitsUnexpected() const { return exits_unexpected_; }
  /// Both set once a child has been reaped: the exit status (0 for a
  /// signal death) and the signal (0 for an exit).
  std::optional<int> lastExitStatus() const { return last_status_; }
  std::optional<int> lastExitSignal() const { return last_signal_; }
  /// Seconds spent in BACKOFF, the current stay included.
  double backoffSeconds(TimePoint now) const;

  /// What a re-exec hands to the new image, so /metrics' counters do not
  /// reset when nothing else does. Times are steady_clock nanoseconds
  /// (CLOCK_MONOTONIC, which an exec does not restart).
  struct Saved {
    std::uint64_t starts = 0;
    std::uint64_t exits_expected = 0;
    std::uint64_t exits_unexpected = 0;
    std::optional<int> last_status;
    std::optional<int> last_signal;
    std::int64_t backoff_ns = 0;
    std::optional<std::int64_t> backoff_since_ns;
  };
  Saved save() const;
  void restore(const Saved& saved);

 private:
  std::uint64_t starts_ = 0;
  std::uint64_t exits_expected_ = 0;
  std::uint64_t exits_unexpected_ = 0;
  std::optional<int> last_status_;
  std::optional<int> last_signal_;
  std::chrono::steady_clock::duration backoff_{};
  std::optional<TimePoint> backoff_since_;
};

/// Whether the exit that produced `actions` (the state machine's answer to
/// a reaped child) was expected: an expected exit code while RUNNING
/// (-> EXITED, expected) or a stop we asked for (STOPPING -> STOPPED).
/// A child dying while STARTING, an unexpected exit code, or no state
/// change at all is unexpected.
bool expectedExit(const Actions& actions);

}  // namespace sup
