// The control API half of Supervisor: lookups, process information, and
// start/stop/signal with completion callbacks (rpcinterface.py semantics).
#include <algorithm>
#include <cerrno>
#include <ctime>
#include <memory>
#include <optional>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "supervisord/heap_trim.h"
#include "supervisord/main_log.h"
#include "supervisord/supervisor.h"
#include "supervisord/supervisor_internal.h"

namespace sup {

using proto::CallResult;
using proto::Fault;

std::string namespec(const ProcessId& id) {
  return proto::makeNamespec(id.group, id.name);
}

CallResult Supervisor::fault(const ProcessId& id, Fault f, const std::string& extra) const {
  CallResult r;
  r.name = id.name;
  r.group = id.group;
  r.status = static_cast<int>(f);
  r.description = proto::faultString(f, extra);
  return r;
}

static CallResult success(const ProcessId& id) {
  CallResult r;
  r.name = id.name;
  r.group = id.group;
  return r;
}

Result<std::vector<ProcessId>> Supervisor::resolve(const std::string& spec) const {
  auto [group, process] = proto::splitNamespec(spec);
  Group* g = findGroup(group);
  if (!g) return Error{spec};
  std::vector<ProcessId> out;
  if (process) {
    Process* p = g->find(*process);
    if (!p) return Error{spec};
    out.push_back(p->id);
    return out;
  }
  for (auto& p : g->processes) out.push_back(p->id);
  return out;
}

std::vector<ProcessId> Supervisor::allProcessIds() const {
  std::vector<ProcessId> out;
  for (auto& g : groups_)
    for (auto& p : g->processes) out.push_back(p->id);
  return out;
}

std::vector<std::string> Supervisor::groupNames() const {
  std::vector<std::string> out;
  for (auto& g : groups_) out.push_back(g->config->name);
  return out;
}

const GroupConfig* Supervisor::groupConfig(const std::string& group) const {
  Group* g = findGroup(group);
  return g ? g->config.get() : nullptr;
}

const ProcessConfig* Supervisor::processConfig(const ProcessId& id) const {
  Process* p = find(id);
  return p ? &p->machine.config() : nullptr;
}

std::vector<ProcessId> Supervisor::groupProcesses(const std::string& group) const {
  std::vector<ProcessId> out;
  if (Group* g = findGroup(group))
    for (auto& p : g->processes) out.push_back(p->id);
  return out;
}

proto::ProcessInfo Supervisor::info(const Process& p, std::time_t now) const {
  const ProcessStateMachine& m = p.machine;
  proto::ProcessInfo i;
  i.name = p.id.name;
  i.group = p.id.group;
  i.start = m.lastStart();
  i.stop = m.lastStop();
  i.now = now;
  i.state = static_cast<int>(m.state());
  i.statename = proto::processStateName(m.state());
  i.spawnerr = m.spawnErr();
  i.exitstatus = m.exitStatus();
  i.logfile = p.capture->stdoutPath();
  i.stdout_logfile = i.logfile;
  i.stderr_logfile = p.capture->stderrPath();
  i.pid = m.pid();
  i.description = proto::describeProcess(i);
  describeWait(p, i);
  return i;
}

const std::vector<const Supervisor::Process*>& Supervisor::sortedProcesses() const {
  // Sorted once per change of the groups, not once per call.
  if (info_order_stale_) {
    info_order_.clear();
    for (auto& g : groups_)
      for (auto& p : g->processes) info_order_.push_back(p.get());
    std::sort(info_order_.begin(), info_order_.end(), [](const Process* a, const Process* b) {
      return std::tie(a->id.group, a->id.name) < std::tie(b->id.group, b->id.name);
    });
    info_order_stale_ = false;
  }
  return info_order_;
}

std::vector<proto::ProcessInfo> Supervisor::allProcessInfo() const {
  sortedProcesses();
  std::time_t wall = now().wall;
  std::vector<proto::ProcessInfo> out;
  out.reserve(info_order_.size());
  for (const Process* p : info_order_) out.push_back(info(*p, wall));
  return out;
}

std::optional<proto::ProcessInfo> Supervisor::processInfo(const ProcessId& id) const {
  Process* p = find(id);
  if (!p) return std::nullopt;
  return info(*p, now().wall);
}

// ------------------------------------------------------------- start/stop

void Supervisor::startProcess(const ProcessId& id, bool wait, OpCallback done) {
  Process* p = find(id);
  if (!p) return done(fault(id, Fault::kBadName, namespec(id)));
  if (state_ != SupervisorState::Running) return done(fault(id, Fault::kShutdownState, ""));
  CommandCheck check = spawner_.checkCommand(p->machine.config());
  if (!check.ok()) {
    return done(fault(id, check.not_found ? Fault::kNoFile : Fault::kNotExecutable, check.error));
  }
  ProcessState s = p->machine.state();
  if (isRunningState(s)) return done(fault(id, Fault::kAlreadyStarted, namespec(id)));
  if (s == ProcessState::kUnknown) {
    return done(fault(id, Fault::kFailed, namespec(id) + " is in an unknown process state"));
  }
  startWithDependencies(*p);
  if (!p->machine.spawnErr().empty()) return done(fault(id, Fault::kSpawnError, namespec(id)));
  if (!wait || p->machine.state() == ProcessState::kRunning) return done(success(id));
  p->waiters.push_back(Waiter{Waiter::Kind::Running, std::move(done)});
}

void Supervisor::stopProcess(const ProcessId& id, bool wait, OpCallback done) {
  Process* p = find(id);
  if (!p) return done(fault(id, Fault::kBadName, namespec(id)));
  if (!isRunningState(p->machine.state())) return done(fault(id, Fault::kNotRunning, namespec(id)));
  apply(*p, p->machine.stop(now()));
  if (p->machine.state() == ProcessState::kUnknown) {
    return done(fault(id, Fault::kFailed, "unknown problem killing " + id.name));
  }
  if (!wait || isStoppedState(p->machine.state())) return done(success(id));
  p->waiters.push_back(Waiter{Waiter::Kind::Stopped, std::move(done)});
  if (!p->stop_report_timer) stopReport(*p);
}

// "waiting for x to stop" every 2 s while someone waits for a stop.
void Supervisor::stopReport(Process& p) {
  p.stop_report_timer = 0;
  bool waiting = std::any_of(p.waiters.begin(), p.waiters.end(),
                             [](const Waiter& w) { return w.kind == Waiter::Kind::Stopped; });
  if (!waiting || p.machine.state() != ProcessState::kStopping) return;
  log_.info("waiting for " + p.id.name + " to stop");
  Process* raw = &p;
  p.stop_report_timer = loop_.after(std::chrono::seconds(2), [this, raw] { stopReport(*raw); });
}

void Supervisor::resolveWaiters(Process& p) {
  if (p.waiters.empty()) return;
  std::vector<std::pair<OpCallback, CallResult>> ready;
  ProcessState s = p.machine.state();
  auto it = p.waiters.begin();
  while (it != p.waiters.end()) {
    std::optional<CallResult> result;
    if (it->kind == Waiter::Kind::Running) {
      if (!p.machine.spawnErr().empty())
        result = fault(p.id, Fault::kSpawnError, namespec(p.id));
      else if (s == ProcessState::kRunning)
        result = success(p.id);
      else if (s != ProcessState::kStarting)
        result = fault(p.id, Fault::kAbnormalTermination, namespec(p.id));
    } else if (isStoppedState(s)) {
      result = success(p.id);
    }
    if (result) {
      ready.emplace_back(std::move(it->done), std::move(*result));
      it = p.waiters.erase(it);
    } else {
      ++it;
    }
  }
  if (p.waiters.empty() && p.stop_report_timer) {
    loop_.cancel(p.stop_report_timer);
    p.stop_report_timer = 0;
  }
  // Run the callbacks after the current action list: they may call back in.
  std::weak_ptr<char> alive = alive_;
  for (auto& [cb, r] : ready) {
    loop_.defer([alive, cb = std::move(cb), r = std::move(r)] {
      if (!alive.expired()) cb(r);
    });
  }
}

CallResult Supervisor::signalProcess(const ProcessId& id, int signo) {
  Process* p = find(id);
  if (!p) return fault(id, Fault::kBadName, namespec(id));
  if (!isSignallableState(p->machine.state())) return fault(id, Fault::kNotRunning, namespec(id));
  apply(*p, p->machine.signal(signo));
  if (p->machine.state() == ProcessState::kUnknown) return fault(id, Fault::kFailed, namespec(id));
  return success(id);
}

namespace {
// Collects per-process results and reports once every process has answered.
// The results of a group/all operation in the order of Supervisor's
// make_allfunc: first the answers its first pass over the list gives (a
// fault found before acting, no wait, a start with startsecs=0), in list
// order; then those that took time. Python appends the latter as it polls
// them, so processes that get there together (a group stopping) come in
// list order; ours come in list order always, not as the kernel reaped them.
struct Batch {
  std::vector<std::optional<CallResult>> slots;  // by position in the list
  std::vector<bool> first_pass;
  size_t pending = 0;
  bool armed = false;  // all operations issued
  Supervisor::BatchCallback done;
  void add(size_t index, const CallResult& r) {
    slots[index] = r;
    if (!armed) first_pass[index] = true;
    --pending;
    maybeFinish();
  }
  void maybeFinish() {
    if (!armed || pending != 0 || !done) return;
    std::vector<CallResult> results;
    for (bool pass : {true, false}) {
      for (size_t i = 0; i < slots.size(); ++i) {
        if (first_pass[i] == pass && slots[i]) results.push_back(std::move(*slots[i]));
      }
    }
    auto cb = std::move(done);
    done = nullptr;
    cb(std::move(results));
  }
};
}  // namespace

void Supervisor::startProcesses(const std::vector<ProcessId>& ids, bool wait, BatchCallback done) {
  auto batch = std::make_shared<Batch>();
  batch->done = std::move(done);
  std::vector<Process*> todo;
  for (const auto& id : ids) {
    Process* p = find(id);
    if (p && !isRunningState(p->machine.state())) todo.push_back(p);
  }
  // Ascending process priority, as Supervisor's startProcessGroup sorts.
  std::stable_sort(todo.begin(), todo.end(), [](const Process* a, const Process* b) {
    return a->machine.config().priority < b->machine.config().priority;
  });
  if (has_dependencies_) todo = dependenciesFirst(todo);
  batch->pending = todo.size();
  batch->slots.resize(todo.size());
  for (Process* p : todo) {
    batch->first_pass.push_back(!wait || p->machine.config().startsecs == 0);
  }
  for (size_t i = 0; i < todo.size(); ++i) {
    startProcess(todo[i]->id, wait, [batch, i](const CallResult& r) { batch->add(i, r); });
  }
  batch->armed = true;
  batch->maybeFinish();
}

void Supervisor::stopProcesses(const std::vector<ProcessId>& ids, bool wait, BatchCallback done) {
  auto batch = std::make_shared<Batch>();
  batch->done = std::move(done);
  std::vector<Process*> todo;
  for (const auto& id : ids) {
    Process* p = find(id);
    if (p && isRunningState(p->machine.state())) todo.push_back(p);
  }
  std::stable_sort(todo.begin(), todo.end(), [](const Process* a, const Process* b) {
    return a->machine.config().priority > b->machine.config().priority;
  });
  batch->pending = todo.size();
  batch->slots.resize(todo.size());
  batch->first_pass.assign(todo.size(), !wait);
  if (has_dependencies_) {
    // Held back while their dependents run: answers come as they stop.
    std::vector<ProcessId> order;
    for (Process* p : todo) order.push_back(p->id);
    auto one = [batch, order](const CallResult& r) {
      for (size_t i = 0; i < order.size(); ++i)
        if (order[i].name == r.name && order[i].group == r.group) return batch->add(i, r);
    };
    stopInDependencyOrder(std::move(order), wait, one);
  } else {
    for (size_t i = 0; i < todo.size(); ++i)
      stopProcess(todo[i]->id, wait, [batch, i](const CallResult& r) { batch->add(i, r); });
  }
  batch->armed = true;
  batch->maybeFinish();
}

std::vector<CallResult> Supervisor::signalProcesses(const std::vector<ProcessId>& ids, int signo) {
  std::vector<CallResult> out;
  for (const auto& id : ids) {
    Process* p = find(id);
    if (p && isSignallableState(p->machine.state())) out.push_back(signalProcess(id, signo));
  }
  return out;
}

CallResult Supervisor::sendStdin(const ProcessId& id, const std::string& data) {
  Process* p = find(id);
  if (!p) return fault(id, Fault::kBadName, namespec(id));
  if (p->machine.pid() == 0 || p->machine.killing())
    return fault(id, Fault::kNotRunning, namespec(id));
  if (p->capture->sendStdin(data) != 0) return fault(id, Fault::kNoFile, namespec(id));
  return success(id);
}

CallResult Supervisor::clearProcessLogs(const ProcessId& id) {
  Process* p = find(id);
  if (!p) return fault(id, Fault::kBadName, namespec(id));
  if (!p->capture->clear()) return fault(id, Fault::kFailed, namespec(id));
  return success(id);
}

// ------------------------------------------------------------ reload/update

bool Supervisor::sameConfig(const Group& current, const GroupConfig& fresh) {
  const GroupConfig& now = *current.config;
  if (&now == &fresh) return true;  // shared: the same config by construction
  // Supervisor compares fcgi sockets by url alone (SocketConfig.__eq__): a
  // new socket_mode, socket_owner or socket_backlog by itself changes nothing.
  if (fresh.socket && now.socket && fresh.socket->url == now.socket->url &&
      !(*fresh.socket == *now.socket)) {
    GroupConfig same_socket = fresh;
    same_socket.socket = now.socket;
    return now == same_socket;
  }
  return now == fresh;
}

void Supervisor::setConfig(Config config) {
  config_ = std::make_shared<const Config>(std::move(config));
  // A running group whose config did not change moves onto the new Config.
  // Then the old one is freed once no changed group still runs from it;
  // otherwise every update would keep a second copy of every config.
  std::unordered_map<std::string_view, const GroupConfig*> fresh;
  for (const auto& g : config_->groups)
    if (!g.shadowed) fresh.emplace(g.name, &g);
  for (auto& g : groups_) {
    auto it = fresh.find(g->config->name);
    if (it == fresh.end() || g->config.get() == it->second || !(*g->config == *it->second))
      continue;
    const GroupConfig& same = *it->second;
    // The index's key views the name in the config being let go of.
    group_index_.erase(g->config->name);
    g->config = std::shared_ptr<const GroupConfig>(config_, &same);
    group_index_.emplace(g->config->name, g.get());
    for (std::size_t i = 0; i < g->processes.size(); ++i) {
      g->processes[i]->machine.shareConfig(
          std::shared_ptr<const ProcessConfig>(config_, &same.processes[i]));
    }
  }
}

ConfigDiff Supervisor::diffConfig(const Config& fresh) const {
  ConfigDiff d;
  std::unordered_set<std::string_view> in_fresh;
  for (const auto& g : fresh.groups) {
    if (g.shadowed) continue;
    in_fresh.insert(g.name);
    Group* cur = findGroup(g.name);
    if (!cur)
      d.added.push_back(g.name);
    else if (!sameConfig(*cur, g))
      d.changed.push_back(g.name);
  }
  for (const auto& cur : groups_) {
    if (!in_fresh.count(cur->config->name)) d.removed.push_back(cur->config->name);
  }
  return d;
}

Fault Supervisor::addGroup(const GroupConfig& group) {
  if (findGroup(group.name)) return Fault::kAlreadyAdded;
  addGroupInternal(group);
  return Fault::kSuccess;
}

Fault Supervisor::removeGroup(const std::string& name) {
  Group* g = findGroup(name);
  if (!g) return Fault::kBadName;
  auto it = std::find_if(groups_.begin(), groups_.end(),
                         [&](const auto& other) { return other.get() == g; });
  for (auto& p : (*it)->processes)
    if (!isStoppedState(p->machine.state())) return Fault::kStillRunning;
  for (auto& p : (*it)->processes) {
    cancelTimer(*p);
    if (p->stop_report_timer) loop_.cancel(p->stop_report_timer);
    forgetProcess(*p);
  }
  // As Supervisor: the pool unsubscribes, the group goes, then the event.
  (*it)->subscription.reset();
  group_index_.erase((*it)->config->name);
  info_order_stale_ = true;
  groups_.erase(it);
  linkDependencies();
  publish(processGroupEvent(false, name));
  // The last group running from a replaced Config may have taken it along:
  // a whole config's worth of freed heap (heap_trim.h).
  trimHeapSoon(loop_);
  return Fault::kSuccess;
}

}  // namespace sup
