// The Supervisor's side of /metrics: each process's state, counters and
// log counters as a ProcessMetrics, read from what the daemon already
// keeps. The kernel's numbers come from the caller's reader, so this file
// makes no system call (tests pass a fake).
#include "supervisord/supervisor.h"
#include "supervisord/supervisor_internal.h"

namespace sup {

std::vector<ProcessMetrics> Supervisor::processMetrics(const ProcReader& read_proc) const {
  const auto mono = loop_.now();
  std::vector<ProcessMetrics> out;
  const auto& order = sortedProcesses();
  out.reserve(order.size());
  for (const Process* p : order) {
    ProcessMetrics m;
    m.name = p->id.name;
    m.group = p->id.group;
    const ProcessStateMachine& machine = p->machine;
    m.state = machine.state();
    if (m.state == ProcessState::kRunning && mono > machine.lastStartMono()) {
      m.uptime_seconds = std::chrono::duration<double>(mono - machine.lastStartMono()).count();
    }
    const ProcessCounters& c = p->counters;
    m.starts = c.starts();
    m.restarts = c.restarts();
    m.exits_expected = c.exitsExpected();
    m.exits_unexpected = c.exitsUnexpected();
    m.last_exit_status = c.lastExitStatus();
    m.last_exit_signal = c.lastExitSignal();
    m.backoff_seconds = c.backoffSeconds(mono);
    if (machine.pid() != 0 && read_proc) m.proc = read_proc(machine.pid());
    if (p->capture) {
      m.stdout_log = p->capture->counters(false);
      m.stderr_log = p->capture->counters(true);
    }
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace sup
