// Container mode (essential=true, docs/restart-policies.md): when an
// essential program goes FATAL, or exits and will not be restarted,
// supervisord stops everything and exits with that program's status. This
// file is the decision and its words, pure; supervisor_essential.cc watches
// the state changes and starts the shutdown.
#pragma once

#include <optional>
#include <string>

#include "common/process_states.h"

namespace sup {

/// What an essential program's end means for supervisord.
struct EssentialEnd {
  int exit_status = 0;  ///< supervisord's own exit status
  std::string line;     ///< the main log's WARN line saying why
};

/// `settled` is the state the process is in once the actions of its exit
/// (or failed spawn) have all run: FATAL, or EXITED (no restart followed).
/// Any other state ends nothing.
std::optional<EssentialEnd> essentialEnd(const std::string& name, proto::ProcessState settled,
                                         std::optional<int> last_wait_status);

/// A program's wait status as an exit status, the way a shell reports it:
/// its exit code, 128+N when signal N killed it, 127 when it never ran (a
/// spawn error: no child was reaped since the last spawn).
int daemonExitStatus(std::optional<int> wait_status);

}  // namespace sup
