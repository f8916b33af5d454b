#include "supervisord/reaper.h"

#include <sys/wait.h>

#include <cerrno>

namespace sup {

std::vector<ReapedChild> reapChildren() {
  std::vector<ReapedChild> out;
  while (true) {
    int status = 0;
    pid_t pid = ::waitpid(-1, &status, WNOHANG);
    if (pid < 0 && errno == EINTR) continue;
    if (pid <= 0) break;  // 0: children remain but none exited; -1: ECHILD
    out.push_back(ReapedChild{pid, status});
  }
  return out;
}

}  // namespace sup
