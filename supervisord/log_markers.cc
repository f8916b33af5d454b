#include "supervisord/log_markers.h"

#include <sys/wait.h>

#include "common/signal_names.h"

namespace sup {

std::string spawnedMarker(int pid) {
  return "--- spawned pid " + std::to_string(pid) + " ---\n";
}

std::string exitedMarker(int wait_status) {
  if (WIFSIGNALED(wait_status)) {
    int sig = WTERMSIG(wait_status);
    std::string name = signalName(sig);
    std::string text = name.empty() ? "signal " + std::to_string(sig) : "SIG" + name;
    return "--- killed by " + text + (WCOREDUMP(wait_status) ? " (core dumped)" : "") + " ---\n";
  }
  return "--- exited, status " + std::to_string(WEXITSTATUS(wait_status)) + " ---\n";
}

}  // namespace sup
