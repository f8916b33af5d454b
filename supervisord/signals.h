// The daemon's signals arrive as readable data on a signalfd watched by the
// event loop: nothing runs inside a signal handler, and several signals that
// arrive together are handled once each, in order, between other events.
#pragma once

#include <vector>

namespace sup {

class SignalSource {
 public:
  /// Block CHLD TERM INT QUIT HUP USR2 URG (re-exec) and open a non-blocking signalfd for
  /// them. SIGPIPE is ignored (a closed client socket must not kill us).
  SignalSource();
  ~SignalSource();
  SignalSource(const SignalSource&) = delete;
  SignalSource& operator=(const SignalSource&) = delete;

  int fd() const { return fd_; }
  /// Drain the signalfd: the signal numbers received since the last call,
  /// without repeats, in arrival order.
  std::vector<int> readPending();

 private:
  int fd_ = -1;
};

}  // namespace sup
