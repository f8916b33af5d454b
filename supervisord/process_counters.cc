#include "supervisord/process_counters.h"

#include <sys/wait.h>

namespace sup {

void ProcessCounters::spawned() {
  ++starts_;
}

void ProcessCounters::exited(int wait_status, bool expected) {
  ++(expected ? exits_expected_ : exits_unexpected_);
  if (WIFSIGNALED(wait_status)) {
    last_status_ = 0;
    last_signal_ = WTERMSIG(wait_status);
  } else {
    last_status_ = WEXITSTATUS(wait_status);
    last_signal_ = 0;
  }
}

void ProcessCounters::stateChanged(ProcessState from, ProcessState to, TimePoint now) {
  if (from == to) return;
  if (from == ProcessState::kBackoff && backoff_since_) {
    backoff_ += now - *backoff_since_;
    backoff_since_.reset();
  }
  if (to == ProcessState::kBackoff) backoff_since_ = now;
}

double ProcessCounters::backoffSeconds(TimePoint now) const {
  auto total = backoff_;
  if (backoff_since_ && now > *backoff_since_) total += now - *backoff_since_;
  return std::chrono::duration<double>(total).count();
}

ProcessCounters::Saved ProcessCounters::save() const {
  using std::chrono::duration_cast;
  using std::chrono::nanoseconds;
  Saved s;
  s.starts = starts_;
  s.exits_expected = exits_expected_;
  s.exits_unexpected = exits_unexpected_;
  s.last_status = last_status_;
  s.last_signal = last_signal_;
  s.backoff_ns = duration_cast<nanoseconds>(backoff_).count();
  if (backoff_since_)
    s.backoff_since_ns = duration_cast<nanoseconds>(backoff_since_->time_since_epoch()).count();
  return s;
}

void ProcessCounters::restore(const Saved& s) {
  using std::chrono::duration_cast;
  using std::chrono::nanoseconds;
  starts_ = s.starts;
  exits_expected_ = s.exits_expected;
  exits_unexpected_ = s.exits_unexpected;
  last_status_ = s.last_status;
  last_signal_ = s.last_signal;
  backoff_ = duration_cast<std::chrono::steady_clock::duration>(nanoseconds(s.backoff_ns));
  backoff_since_.reset();
  if (s.backoff_since_ns) {
    backoff_since_ = TimePoint(
        duration_cast<std::chrono::steady_clock::duration>(nanoseconds(*s.backoff_since_ns)));
  }
}

bool expectedExit(const Actions& actions) {
  for (const Action& a : actions) {
    if (a.kind != Action::Kind::StateChanged) continue;
    if (a.to == ProcessState::kExited) return a.expected;
    if (a.from == ProcessState::kStopping && a.to == ProcessState::kStopped) return true;
    return false;
  }
  return false;
}

}  // namespace sup
