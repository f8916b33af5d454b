// Reaping: one SIGCHLD may stand for many exits, so collect every exited
// child with waitpid(-1, WNOHANG) until there is none left.
#pragma once

#include <vector>

namespace sup {

struct ReapedChild {
  int pid;
  int wait_status;
};

/// All children that have exited since the last call (possibly none).
std::vector<ReapedChild> reapChildren();

}  // namespace sup
