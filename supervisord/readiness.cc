// The pure parts of readiness.h: the notify message, who may send it, and
// the retry delays. The syscalls are in readiness_posix.cc.
#include "supervisord/readiness.h"

#include <algorithm>

namespace sup {

bool notifySaysReady(std::string_view message) {
  while (!message.empty()) {
    size_t nl = message.find('\n');
    if (message.substr(0, nl) == "READY=1") return true;
    if (nl == std::string_view::npos) break;
    message.remove_prefix(nl + 1);
  }
  return false;
}

bool notifySenderAccepted(pid_t sender_pid, uid_t sender_uid, pid_t main_pid, uid_t program_uid) {
  return sender_pid == main_pid || sender_uid == program_uid || sender_uid == 0;
}

std::chrono::milliseconds readyProbeDelay(int attempt) {
  constexpr std::chrono::milliseconds kFirst{100}, kMost{1000};
  if (attempt >= 4) return kMost;
  return std::min(kMost, kFirst * (1 << std::max(attempt, 0)));
}

}  // namespace sup
