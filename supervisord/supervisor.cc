// Supervisor core: groups, action execution, reaping, shutdown and restart.
// The per-process operations of the control API live in supervisor_ops.cc.
#include "supervisord/supervisor.h"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <map>
#include <set>
#include <tuple>

#include "common/signal_names.h"
#include "supervisord/dependency_order.h"
#include "supervisord/main_log.h"
#include "supervisord/readiness.h"
#include "supervisord/supervisor_internal.h"
#include "supervisord/tick_events.h"

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
    : loop_(loop),
      log_(log),
      events_(std::make_unique<EventBus>()),
      ticks_(std::make_unique<TickTimer>(loop, *events_)),
      spawner_(spawner),
      config_(std::make_shared<const Config>(std::move(config))) {
  events_->onSubscriptionsChanged([this] { ticks_->update(); });
  capture_settings_.registry = &logs;
  capture_settings_.childlogdir = config_->supervisord.childlogdir;
  capture_settings_.identifier = config_->supervisord.identifier;
  capture_settings_.strip_ansi = config_->supervisord.strip_ansi;
  readiness_ = std::make_unique<Readiness>(loop_, spawner_, log_, config_->serverurl.value_or(""),
                                           config_->supervisord.minfds);
  socket_opener_ = makePosixSocketOpener();
}

Supervisor::~Supervisor() {
  if (report_timer_) loop_.cancel(report_timer_);
  events_->onSubscriptionsChanged(nullptr);
  for (auto& g : groups_) {
    for (auto& p : g->processes) {
      cancelTimer(*p);
      if (p->stop_report_timer) loop_.cancel(p->stop_report_timer);
      // Output still flushed while the groups go away makes no more events.
      p->capture->setEventSink(nullptr);
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
  for (const auto& g : config_->groups)
    if (!g.shadowed) order.push_back(&g);
  std::stable_sort(order.begin(), order.end(), [](const GroupConfig* a, const GroupConfig* b) {
    return a->priority < b->priority;
  });
  // As Supervisor: every group is added (PROCESS_GROUP_ADDED each), then the
  // daemon is RUNNING, then the processes start. Every group first also
  // lets depends_on link across them all.
  std::vector<Group*> added;
  for (const GroupConfig* g : order) added.push_back(createGroup(shareGroupConfig(*g)));
  prepared_sockets_.clear();
  linkDependencies();
  publish(supervisorStateEvent(true));
  for (Group* g : added) startGroup(*g);
}

Supervisor::Process* Supervisor::find(const ProcessId& id) const {
  Group* g = findGroup(id.group);
  return g ? g->find(id.name) : nullptr;
}

Supervisor::Group* Supervisor::findGroup(const std::string& name) const {
  auto it = group_index_.find(name);
  return it == group_index_.end() ? nullptr : it->second;
}

void Supervisor::addGroupInternal(const GroupConfig& config) {
  Group* g = createGroup(shareGroupConfig(config));
  if (state_ != SupervisorState::Running) return;
  linkDependencies();
  startGroup(*g);
  reviewWaiting();  // someone may have waited for this group
}

std::shared_ptr<const GroupConfig> Supervisor::shareGroupConfig(const GroupConfig& g) const {
  const std::vector<GroupConfig>& groups = config_->groups;
  std::less<const GroupConfig*> before;
  if (!groups.empty() && !before(&g, groups.data()) && before(&g, groups.data() + groups.size()))
    return std::shared_ptr<const GroupConfig>(config_, &g);
  return std::make_shared<const GroupConfig>(g);
}

Supervisor::Group* Supervisor::createGroup(std::shared_ptr<const GroupConfig> config) {
  auto group = std::make_unique<Group>();
  for (const auto& pc : config->processes) {
    auto p = std::make_unique<Process>(std::shared_ptr<const ProcessConfig>(config, &pc));
    p->id = ProcessId{config->name, pc.name};
    p->capture = std::make_unique<OutputCapture>(loop_, log_, pc, capture_settings_);
    group->processes.push_back(std::move(p));
  }
  const std::string& name = config->name;
  group->config = std::move(config);
  attachFcgiSocket(*group);
  Group* g = group.get();
  insertGroup(std::move(group));
  setUpEvents(*g);
  publish(processGroupEvent(true, name));
  return g;
}

void Supervisor::startGroup(Group& g) {
  if (state_ != SupervisorState::Running) return;
  // Within a group, processes start in order of their own priority.
  std::vector<Process*> order;
  for (auto& p : g.processes) order.push_back(p.get());
  std::stable_sort(order.begin(), order.end(), [](Process* a, Process* b) {
    return a->machine.config().priority < b->machine.config().priority;
  });
  for (Process* p : order) {
    if (p->machine.config().autostart && !p->machine.everStarted()) startWithDependencies(*p);
  }
}

// Keep groups_ in start order (priority, then name) like the config: a
// binary search, and at start-up and adoption (groups come in that order)
// an append. Indexes the group, and its processes when there are many.
void Supervisor::insertGroup(std::unique_ptr<Group> group) {
  Group* g = group.get();
  for (auto& p : g->processes) p->group_priority = g->config->priority;
  if (g->processes.size() >= Group::kIndexFrom) {
    for (auto& p : g->processes) g->by_name.emplace(p->id.name, p.get());
  }
  auto pos = std::upper_bound(groups_.begin(), groups_.end(), g, [](const Group* a, const auto& b) {
    return std::tie(a->config->priority, a->config->name) <
           std::tie(b->config->priority, b->config->name);
  });
  groups_.insert(pos, std::move(group));
  group_index_.emplace(g->config->name, g);
  info_order_stale_ = true;
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
        onStateChanged(p, a);
        break;
    }
  }
}

void Supervisor::doSpawn(Process& p) {
  if (holdForDependencies(p)) return;
  SpawnRequest req;
  req.config = &p.machine.config();
  req.server_url = config_->serverurl.value_or("");
  req.minfds = config_->supervisord.minfds;
  if (!prepareReadyCheck(p, req)) return;
  if (!takeFcgiSocket(p, req)) {
    readiness_->end(&p);
    return;
  }
  auto child = spawner_.spawn(req);
  if (!child) {
    readiness_->end(&p);
    apply(p, p.machine.onSpawnError(child.error().message, now()));
    p.socket_lease.reset();
    return;
  }
  p.counters.spawned();
  p.capture->attach(child->stdin_fd, child->stdout_fd, child->stderr_fd);
  p.capture->markSpawned(child->pid);
  if (p.pool) listenerSpawned(p);
  p.exec_error = std::move(child->exec_error);
  by_pid_[child->pid] = &p;
  apply(p, p.machine.onSpawned(child->pid, now()));
  beginReadyCheck(p);
}

void Supervisor::reap() {
  for (const ReapedChild& c : spawner_.reap()) childExited(c.pid, c.wait_status);
}

void Supervisor::childExited(int pid, int wait_status) {
  auto it = by_pid_.find(pid);
  if (it == by_pid_.end()) {
    if (readiness_->reaped(pid, wait_status)) return;  // a ready=exec: probe
    if (unknown_child_ && unknown_child_(pid, wait_status)) return;
    log_.info("reaped unknown pid " + std::to_string(pid) + " (" +
              decodeWaitStatus(wait_status).second + ")");
    return;
  }
  Process* p = it->second;
  by_pid_.erase(it);
  readiness_->end(p);
  // Everything the child wrote before it died is still in the pipes.
  p->capture->drainAndDetach();
  p->capture->markExited(wait_status);
  exiting_ = p;  // its pool learns of the exit after the state change (supervisor_events.cc)
  exit_changed_ = false;
  if (!p->exec_error.empty() && p->machine.state() == ProcessState::kStarting) {
    std::string why = std::move(p->exec_error);
    p->exec_error.clear();
    p->counters.exited(wait_status, false);
    apply(*p, p->machine.onExecFailed(why, now()));
  } else {
    Actions actions = p->machine.onExit(wait_status, now(), state_ == SupervisorState::Running);
    p->counters.exited(wait_status, expectedExit(actions));
    apply(*p, actions);
  }
  if (exiting_ == p) listenerGone(*p);
  // A reaped child gives its pool's socket back (unless it was respawned
  // at once, which took the reference over).
  if (p->machine.pid() == 0) p->socket_lease.reset();
}

void Supervisor::onStateChanged(Process& p, const Action& change) {
  const ProcessState from = change.from, to = change.to;
  p.counters.stateChanged(from, to, loop_.now());
  if (isStoppedState(from) != isStoppedState(to)) {
    int& live = live_by_priority_[p.group_priority];
    live += isStoppedState(to) ? -1 : 1;
    if (live == 0) live_by_priority_.erase(p.group_priority);
  }
  stateEvent(p, change);
  resolveWaiters(p);
  watchEssential(p, to);
  afterStateChange(p, from, to);
  if (!listeners_.empty()) {
    auto listeners = listeners_;  // a listener may unsubscribe
    for (auto& [id, fn] : listeners) fn(p.id, change.from, change.to);
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
      // Supervisor reaps, then handles the signal: its "exited:" lines come
      // before this one.
      reap();
      log_.debug("received " + name + " indicating a child quit");
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
  publish(supervisorStateEvent(false));
  // A listener still READY gets SUPERVISOR_STATE_CHANGE_STOPPING before
  // anything is stopped (Supervisor stops listeners, priority -1, last).
  for (auto& g : groups_)
    if (g->pool) g->pool->dispatch();
  continueStopAll();
  shutdownReport();
}

// Groups stop in descending priority. Unlike Supervisor, which stops one
// group at a time, every group of the current priority stops at once, so
// a hundred programs of equal priority stop in parallel. Called after every
// turn with a state change: the live counts say at once whether a level is
// done, and each level's stops go out once (nothing starts during a stop).
void Supervisor::continueStopAll() {
  if (finished_) return;
  if (has_dependencies_) return continueStopAllInDependencyOrder();
  std::optional<int> level;
  if (!live_by_priority_.empty()) level = live_by_priority_.rbegin()->first;
  if (level && level == stopping_level_) return;
  stopping_level_ = level;
  if (!level) return finishStopAll();
  auto first = std::partition_point(groups_.begin(), groups_.end(),
                                    [&](const auto& g) { return g->config->priority < *level; });
  for (auto it = first; it != groups_.end() && (*it)->config->priority == *level; ++it) {
    Group* g = it->get();
    // Within the group: descending process priority (all signalled now).
    std::vector<Process*> order;
    for (auto& p : g->processes) order.push_back(p.get());
    std::stable_sort(order.begin(), order.end(), [](Process* a, Process* b) {
      return a->machine.config().priority > b->machine.config().priority;
    });
    for (Process* p : order) stopForShutdown(*p);
  }
}

// With depends_on anywhere, a process whose dependents are still up waits
// for them (dependency_order.h): the next wave is computed from every
// process's state, which costs O(processes) per turn, paid only by configs
// that use depends_on.
void Supervisor::continueStopAllInDependencyOrder() {
  // Every process, group by group in start order, each group's processes
  // in descending priority: the order the wave signals them in.
  std::vector<Process*> procs;
  std::vector<StopCandidate> candidates;
  for (auto& g : groups_) {
    size_t first = procs.size();
    for (auto& p : g->processes) procs.push_back(p.get());
    std::stable_sort(procs.begin() + static_cast<std::ptrdiff_t>(first), procs.end(),
                     [](Process* a, Process* b) {
                       return a->machine.config().priority > b->machine.config().priority;
                     });
    for (size_t i = first; i < procs.size(); ++i)
      candidates.push_back({g->config->priority, isStoppedState(procs[i]->machine.state()), {}});
  }
  std::map<const Process*, size_t> index;
  for (size_t i = 0; i < procs.size(); ++i) index[procs[i]] = i;
  for (size_t i = 0; i < procs.size(); ++i)
    for (const Process* d : procs[i]->dependents) candidates[i].dependents.push_back(index.at(d));
  std::vector<size_t> wave = nextStopWave(candidates);
  if (wave.empty()) return finishStopAll();
  for (size_t i : wave) stopForShutdown(*procs[i]);
}

void Supervisor::stopForShutdown(Process& p) {
  ProcessState s = p.machine.state();
  if (s == ProcessState::kRunning || s == ProcessState::kStarting)
    apply(p, p.machine.stop(now()));
  else if (s == ProcessState::kBackoff)
    apply(p, p.machine.giveUp());
}

void Supervisor::finishStopAll() {
  finished_ = true;
  stopping_all_ = false;
  events_->end();
  if (report_timer_) loop_.cancel(report_timer_);
  report_timer_ = 0;
  RunOutcome outcome =
      state_ == SupervisorState::Restarting ? RunOutcome::Restart : RunOutcome::Shutdown;
  std::weak_ptr<char> alive = alive_;
  loop_.defer([this, alive, outcome] {
    if (alive.expired() || !on_finished_) return;
    on_finished_(outcome);
  });
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
