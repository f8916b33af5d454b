#include "supervisord/essential_program.h"

#include <sys/wait.h>

namespace sup {

int daemonExitStatus(std::optional<int> wait_status) {
  if (!wait_status) return 127;
  if (WIFEXITED(*wait_status)) return WEXITSTATUS(*wait_status);
  if (WIFSIGNALED(*wait_status)) return 128 + WTERMSIG(*wait_status);
  return 1;
}

std::optional<EssentialEnd> essentialEnd(const std::string& name, proto::ProcessState settled,
                                         std::optional<int> last_wait_status) {
  const char* what = nullptr;
  if (settled == proto::ProcessState::kFatal) {
    what = " entered FATAL state";
  } else if (settled == proto::ProcessState::kExited) {
    what = " exited and will not be restarted";
  } else {
    return std::nullopt;
  }
  EssentialEnd end;
  end.exit_status = daemonExitStatus(last_wait_status);
  end.line = "essential program " + name + what + ": shutting down, exit status " +
             std::to_string(end.exit_status);
  return end;
}

}  // namespace sup
