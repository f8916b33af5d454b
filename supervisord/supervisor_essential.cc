// The Supervisor's side of essential= (essential_program.h): it watches
// each essential process's state changes and, when one has ended for good
// while supervisord runs normally, logs why and shuts down with its status.
#include <memory>

#include "supervisord/essential_program.h"
#include "supervisord/main_log.h"
#include "supervisord/supervisor.h"
#include "supervisord/supervisor_internal.h"

namespace sup {

void Supervisor::watchEssential(Process& p, ProcessState to) {
  if (!p.machine.config().essential || essential_exit_ || state_ != SupervisorState::Running)
    return;
  if (to != ProcessState::kExited && to != ProcessState::kFatal) return;
  // An EXITED process may be respawned by the very actions that follow in
  // this list (autorestart): decide once they have run.
  std::weak_ptr<char> alive = alive_;
  loop_.defer([this, alive, id = p.id] {
    if (alive.expired() || essential_exit_ || state_ != SupervisorState::Running) return;
    Process* ended = find(id);
    if (!ended) return;
    auto end = essentialEnd(id.name, ended->machine.state(), ended->machine.lastWaitStatus());
    if (!end) return;
    log_.warn(end->line);
    essential_exit_ = end->exit_status;
    shutdown();
  });
}

}  // namespace sup
