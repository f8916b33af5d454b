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
