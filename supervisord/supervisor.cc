// Supervisor core: groups, action execution, reaping, shutdown and restart.
// The per-process operations of the control API live in supervisor_ops.cc.
#include "supervisord/supervisor.h"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <set>
#include <tuple>

#include "common/signal_names.h"
#include "supervisord/main_log.h"
#include "supervisord/supervisor_internal.h"

namespace sup {

const char* supervisorStateName(SupervisorState s) {
  switch (s) {
    case SupervisorState::Fatal:
      return "FATAL";
    case SupervisorState::Running:
      return "RUNNING";
    case SupervisorState::Restarting:
      return "RESTARTING";
    case SupervisorState::Shutdown:
      return "SHUTDOWN";
  }
  return "UNKNOWN";
}

Supervisor::Supervisor(EventLoop& loop, MainLog& log, Spawner& spawner, Config config,
                       LogRegistry& logs)
    : loop_(loop), log_(log), spawner_(spawner), config_(std::move(config)) {
  capture_settings_.registry = &logs;
  capture_settings_.childlogdir = config_.supervisord.childlogdir;
  capture_settings_.identifier = config_.supervisord.identifier;
  capture_settings_.strip_ansi = config_.supervisord.strip_ansi;
  socket_opener_ = makePosixSocketOpener();
}

Supervisor::~Supervisor() {
  if (report_timer_) loop_.cancel(report_timer_);
  for (auto& g : groups_) {
    for (auto& p : g->processes) {
      cancelTimer(*p);
      if (p->stop_report_timer) loop_.cancel(p->stop_report_timer);
    }
  }
}

Now Supervisor::now() const {
  return Now{loop_.now(), Clock::Wall::to_time_t(loop_.wallNow())};
}

void Supervisor::startup() {
  // The parser hands groups over in start order already; sorting (stably)
  // again keeps hand-built configs honest too.
  std::vector<const GroupConfig*> order;
  for (const auto& g : config_.groups)
    if (!g.shadowed) order.push_back(&g);
  std::stable_sort(order.begin(), order.end(), [](const GroupConfig* a, const GroupConfig* b) {
    return a->priority < b->priority;
  });
  for (const GroupConfig* g : order) addGroupInternal(*g);
  prepared_sockets_.clear();
}

Supervisor::Process* Supervisor::find(const ProcessId& id) const {
  Group* g = findGroup(id.group);
  if (!g) return nullptr;
  for (auto& p : g->processes)
    if (p->id.name == id.name) return p.get();
  return nullptr;
}

Supervisor::Group* Supervisor::findGroup(const std::string& name) const {
  for (auto& g : groups_)
    if (g->config.name == name) return g.get();
  return nullptr;
}

void Supervisor::addGroupInternal(const GroupConfig& config) {
  auto group = std::make_unique<Group>();
  for (const auto& pc : config.processes) {
    auto p = std::make_unique<Process>(pc);
    p->id = ProcessId{config.name, pc.name};
    p->capture = std::make_unique<OutputCapture>(loop_, log_, pc, capture_settings_);
    group->processes.push_back(std::move(p));
  }
  // Everything but the processes, whose configs the state machines hold.
  GroupConfig& header = group->config;
  header = config;
  std::vector<ProcessConfig>().swap(header.processes);
  attachFcgiSocket(*group);
  Group* g = group.get();
  insertGroup(std::move(group));
  if (state_ != SupervisorState::Running) return;
  // Within a group, processes start in order of their own priority.
  std::vector<Process*> order;
  for (auto& p : g->processes) order.push_back(p.get());
  std::stable_sort(order.begin(), order.end(), [](Process* a, Process* b) {
    return a->machine.config().priority < b->machine.config().priority;
  });
  for (Process* p : order) {
    if (p->machine.config().autostart && !p->machine.everStarted())
      apply(*p, p->machine.start(now()));
  }
}

// Keep groups_ in start order (priority, then name) like the config.
void Supervisor::insertGroup(std::unique_ptr<Group> group) {
  const GroupConfig& config = group->config;
  // Groups mostly come in start order (startup, adoption): append in O(1).
  const GroupConfig& last = groups_.empty() ? config : groups_.back()->config;
  if (std::tie(last.priority, last.name) <= std::tie(config.priority, config.name)) {
    groups_.push_back(std::move(group));
    return;
  }
  auto pos = std::find_if(groups_.begin(), groups_.end(), [&](const auto& other) {
    return std::make_pair(other->config.priority, other->config.name) >
           std::make_pair(config.priority, config.name);
  });
  groups_.insert(pos, std::move(group));
}

void Supervisor::armTimer(Process& p, std::chrono::milliseconds delay) {
  cancelTimer(p);
  Process* raw = &p;
  p.timer_deadline = loop_.now() + delay;
  p.timer = loop_.after(delay, [this, raw] {
    raw->timer = 0;
    apply(*raw, raw->machine.onTimer(now()));
  });
}

void Supervisor::cancelTimer(Process& p) {
  if (p.timer) loop_.cancel(p.timer);
  p.timer = 0;
}

void Supervisor::apply(Process& p, const Actions& actions) {
  for (const Action& a : actions) {
    switch (a.kind) {
      case Action::Kind::Spawn:
        doSpawn(p);
        break;
      case Action::Kind::Signal: {
        int pid = p.machine.pid();
        if (pid <= 0) break;
        int err = spawner_.kill(a.to_group ? -pid : pid, a.signo);
        if (err == ESRCH) {
          log_.debug("unable to signal " + p.id.name + " (pid " + std::to_string(pid) +
                     "), it probably just exited on its own: " + std::strerror(err));
        } else if (err != 0) {
          apply(p, p.machine.onSignalError(std::strerror(err)));
        }
        break;
      }
      case Action::Kind::ArmTimer:
        armTimer(p, a.delay);
        break;
      case Action::Kind::CancelTimer:
        cancelTimer(p);
        break;
      case Action::Kind::Log:
        log_.log(a.level, a.line);
        break;
      case Action::Kind::StateChanged:
        onStateChanged(p, a.from, a.to);
        break;
    }
  }
}

void Supervisor::doSpawn(Process& p) {
  SpawnRequest req;
  req.config = &p.machine.config();
  req.server_url = config_.serverurl.value_or("");
  req.minfds = config_.supervisord.minfds;
  if (!takeFcgiSocket(p, req)) return;
  auto child = spawner_.spawn(req);
  if (!child) {
    apply(p, p.machine.onSpawnError(child.error().message, now()));
    p.socket_lease.reset();
    return;
  }
  p.capture->attach(child->stdin_fd, child->stdout_fd, child->stderr_fd);
  p.exec_error = std::move(child->exec_error);
  by_pid_[child->pid] = &p;
  apply(p, p.machine.onSpawned(child->pid, now()));
}

void Supervisor::reap() {
  for (const ReapedChild& c : spawner_.reap()) childExited(c.pid, c.wait_status);
}

void Supervisor::childExited(int pid, int wait_status) {
  auto it = by_pid_.find(pid);
  if (it == by_pid_.end()) {
    if (unknown_child_ && unknown_child_(pid, wait_status)) return;
    log_.info("reaped unknown pid " + std::to_string(pid) + " (" +
              decodeWaitStatus(wait_status).second + ")");
    return;
  }
  Process* p = it->second;
  by_pid_.erase(it);
  // Everything the child wrote before it died is still in the pipes.
  p->capture->drainAndDetach();
  if (!p->exec_error.empty() && p->machine.state() == ProcessState::kStarting) {
    std::string why = std::move(p->exec_error);
    p->exec_error.clear();
    apply(*p, p->machine.onExecFailed(why, now()));
  } else {
    apply(*p, p->machine.onExit(wait_status, now(), state_ == SupervisorState::Running));
  }
  // A reaped child gives its pool's socket back (unless it was respawned
  // at once, which took the reference over).
  if (p->machine.pid() == 0) p->socket_lease.reset();
}

void Supervisor::onStateChanged(Process& p, ProcessState from, ProcessState to) {
  resolveWaiters(p);
  if (!listeners_.empty()) {
    auto listeners = listeners_;  // a listener may unsubscribe
    for (auto& [id, fn] : listeners) fn(p.id, from, to);
  }
  if (stopping_all_ && !stop_scheduled_) {
    stop_scheduled_ = true;
    std::weak_ptr<char> alive = alive_;
    loop_.defer([this, alive] {
      if (alive.expired()) return;
      stop_scheduled_ = false;
      continueStopAll();
    });
  }
}

int Supervisor::subscribe(StateListener listener) {
  int id = next_listener_++;
  listeners_[id] = std::move(listener);
  return id;
}

void Supervisor::unsubscribe(int id) {
  listeners_.erase(id);
}

// ---------------------------------------------------------------- signals

void Supervisor::handleSignal(int signo) {
  std::string name = "SIG" + signalName(signo);
  switch (signo) {
    case SIGTERM:
    case SIGINT:
    case SIGQUIT:
      log_.warn("received " + name + " indicating exit request");
      shutdown();
      break;
    case SIGHUP:
      if (state_ == SupervisorState::Shutdown) {
        log_.warn("ignored " + name + " indicating restart request (shutdown in progress)");
      } else {
        log_.warn("received " + name + " indicating restart request");
        restart();
      }
      break;
    case SIGCHLD:
      log_.debug("received " + name + " indicating a child quit");
      reap();
      break;
    case SIGUSR2:
      log_.info("received " + name + " indicating log reopen request");
      reopenLogs();
      break;
    case SIGURG:  // ours, not Supervisor's (docs/reexec.md says why this one)
      log_.info("received " + name + " indicating re-exec request");
      requestReexec("", [](const Status&) {});
      break;
    default:
      log_.blather("received " + name + " indicating nothing");
      break;
  }
}

void Supervisor::reopenLogs() {
  log_.info("supervisord logreopen");
  log_.reopen();
  for (auto& g : groups_)
    for (auto& p : g->processes) p->capture->reopen();
}

std::string Supervisor::mainLogPath() const {
  return log_.path();
}

bool Supervisor::clearMainLog() {
  return log_.clear();
}

// ------------------------------------------------------- shutdown / restart

void Supervisor::shutdown() {
  beginStopAll(SupervisorState::Shutdown);
}

void Supervisor::restart() {
  if (state_ == SupervisorState::Shutdown) return;
  beginStopAll(SupervisorState::Restarting);
}

void Supervisor::beginStopAll(SupervisorState mood) {
  state_ = mood;
  if (stopping_all_) return;
  stopping_all_ = true;
  continueStopAll();
  shutdownReport();
}

// Groups stop in descending priority. Unlike Supervisor, which stops one
// group at a time, every group of the current priority stops at once, so
// a hundred programs of equal priority stop in parallel.
void Supervisor::continueStopAll() {
  if (finished_) return;
  std::optional<int> level;
  for (auto& g : groups_) {
    for (auto& p : g->processes) {
      if (!isStoppedState(p->machine.state())) {
        if (!level || g->config.priority > *level) level = g->config.priority;
        break;
      }
    }
  }
  if (!level) {
    finished_ = true;
    stopping_all_ = false;
    if (report_timer_) loop_.cancel(report_timer_);
    report_timer_ = 0;
    RunOutcome outcome =
        state_ == SupervisorState::Restarting ? RunOutcome::Restart : RunOutcome::Shutdown;
    std::weak_ptr<char> alive = alive_;
    loop_.defer([this, alive, outcome] {
      if (alive.expired() || !on_finished_) return;
      on_finished_(outcome);
    });
    return;
  }
  for (auto& g : groups_) {
    if (g->config.priority != *level) continue;
    // Within the group: descending process priority (all signalled now).
    std::vector<Process*> order;
    for (auto& p : g->processes) order.push_back(p.get());
    std::stable_sort(order.begin(), order.end(), [](Process* a, Process* b) {
      return a->machine.config().priority > b->machine.config().priority;
    });
    for (Process* p : order) {
      ProcessState s = p->machine.state();
      if (s == ProcessState::kRunning || s == ProcessState::kStarting)
        apply(*p, p->machine.stop(now()));
      else if (s == ProcessState::kBackoff)
        apply(*p, p->machine.giveUp());
    }
  }
}

void Supervisor::shutdownReport() {
  if (finished_ || !stopping_all_) return;
  std::vector<std::string> names;
  for (auto& g : groups_)
    for (auto& p : g->processes)
      if (!isStoppedState(p->machine.state())) names.push_back(p->id.name);
  if (names.empty()) return;
  std::string joined;
  for (const auto& n : names) joined += (joined.empty() ? "" : ", ") + n;
  log_.info("waiting for " + joined + " to die");
  report_timer_ = loop_.after(std::chrono::seconds(3), [this] {
    report_timer_ = 0;
    shutdownReport();
  });
}

}  // namespace sup
