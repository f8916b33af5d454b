// The interactive `supervisor> ` shell: libedit for line editing, history
// (history_file= / -r) and tab completion of commands and process names;
// runs `status` first and asks before reload/shutdown, like Supervisor.
#pragma once

#include "supervisorctl/controller.h"

namespace sup::ctl {

/// Runs until quit/exit/EOF/Ctrl-C. Always returns 0 (Supervisor's shell
/// exit status).
int runShell(Controller& controller, const CtlSettings& settings);

}  // namespace sup::ctl
