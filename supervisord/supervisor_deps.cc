// The Supervisor's part of depends_on and ready= (docs/dependencies.md):
// linking the processes in use, holding a spawn until the dependencies are
// ready, starting what `start x` needs first, stopping dependents before
// what they depend on, and wiring each run's ready check (readiness.h) to
// its state machine. The decisions are dependency_order.h's.
#include <algorithm>
#include <map>

#include "common/dependency_graph.h"
#include "common/ready_check.h"
#include "supervisord/dependency_order.h"
#include "supervisord/main_log.h"
#include "supervisord/readiness.h"
#include "supervisord/supervisor.h"
#include "supervisord/supervisor_internal.h"

namespace sup {
namespace {

std::string joined(const std::vector<std::string>& names, const char* sep = ", ") {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : sep) + n;
  return out;
}

}  // namespace

/// A stop request (a group, `stop all`) whose processes stop in dependency
/// order: each is held while a dependent of it in the same request is up.
struct Supervisor::StopPlan {
  std::vector<ProcessId> all;
  std::vector<ProcessId> pending;  // not signalled yet
  bool wait = true;
  std::function<void(const proto::CallResult&)> one;
};

void Supervisor::linkDependencies() {
  std::vector<Process*> all;
  std::vector<DependencyNode> nodes;
  has_dependencies_ = false;
  for (auto& g : groups_) {
    for (auto& p : g->processes) {
      p->deps.clear();
      p->dependents.clear();
      p->missing_deps.clear();
      all.push_back(p.get());
      nodes.push_back(DependencyNode{g->config->name, p->id.name, &p->machine.config().depends_on});
      has_dependencies_ = has_dependencies_ || !p->machine.config().depends_on.empty();
    }
  }
  if (!has_dependencies_) return;
  DependencyEdges edges = resolveDependencies(nodes);
  // Each config is checked for cycles, but while `update` swaps groups the
  // ones in use mix two configs and may close one: break it rather than
  // leave both sides waiting for ever.
  for (auto cycle = findDependencyCycle(edges.deps); !cycle.empty();
       cycle = findDependencyCycle(edges.deps)) {
    size_t from = cycle[cycle.size() - 2], to = cycle.back();
    std::vector<std::string> names;
    for (size_t i : cycle) names.push_back(namespec(all[i]->id));
    log_.warn("depends_on cycle among the groups in use (" + joined(names, " -> ") +
              "): " + namespec(all[from]->id) + " does not wait for " + namespec(all[to]->id));
    auto& d = edges.deps[from];
    d.erase(std::remove(d.begin(), d.end(), to), d.end());
  }
  for (size_t i = 0; i < all.size(); ++i) {
    for (size_t j : edges.deps[i]) {
      all[i]->deps.push_back(all[j]);
      all[j]->dependents.push_back(all[i]);
    }
    all[i]->missing_deps = std::move(edges.missing[i]);
  }
}

// An explicit start (autostart, `start x`): what x depends on and is not
// running starts first, as systemd's Requires= does; a dependency with
// autostart=false is started too. An automatic restart does not do this: it
// only waits, so a dependency stopped on purpose stays stopped.
void Supervisor::startWithDependencies(Process& p) {
  for (Process* d : p.deps) {
    ProcessState s = d->machine.state();
    if (s != ProcessState::kStopped && s != ProcessState::kExited && s != ProcessState::kFatal)
      continue;
    if (state_ != SupervisorState::Running) break;
    log_.info("starting " + namespec(d->id) + ", which " + namespec(p.id) + " depends on");
    startWithDependencies(*d);
  }
  apply(p, p.machine.start(now()));
}

std::vector<Supervisor::Process*> Supervisor::dependenciesFirst(
    const std::vector<Process*>& todo) const {
  std::map<const Process*, size_t> index;
  for (size_t i = 0; i < todo.size(); ++i) index[todo[i]] = i;
  std::vector<std::vector<size_t>> deps(todo.size());
  for (size_t i = 0; i < todo.size(); ++i) {
    for (const Process* d : todo[i]->deps) {
      auto at = index.find(d);
      if (at != index.end()) deps[i].push_back(at->second);
    }
  }
  std::vector<Process*> out;
  for (size_t i : sup::dependenciesFirst(deps)) out.push_back(todo[i]);
  return out;
}

// Every Spawn passes here: true when it must wait (or give up) instead.
bool Supervisor::holdForDependencies(Process& p) {
  if (p.deps.empty() && p.missing_deps.empty()) return false;
  std::vector<ProcessState> states;
  for (const Process* d : p.deps) states.push_back(d->machine.state());
  switch (dependencyVerdict(states, !p.missing_deps.empty())) {
    case DependencyVerdict::Ready:
      return false;
    case DependencyVerdict::Fail: {
      auto failed = std::find_if(p.deps.begin(), p.deps.end(), [](const Process* d) {
        return d->machine.state() == ProcessState::kFatal;
      });
      p.machine.holdSpawn();  // never spawned: abandon() ends the wait as FATAL
      apply(p, p.machine.abandon("dependency " + namespec((*failed)->id) + " is FATAL"));
      return true;
    }
    case DependencyVerdict::Wait:
      break;
  }
  p.machine.holdSpawn();
  proto::ProcessInfo i;
  describeWait(p, i);
  log_.info("waiting for " + joined(i.waiting_for) + " before spawning '" + p.id.name + "'");
  return true;
}

void Supervisor::reviewWaiting() {
  if (!has_dependencies_) return;
  std::vector<Process*> waiting;
  for (auto& g : groups_)
    for (auto& p : g->processes)
      if (p->machine.waiting()) waiting.push_back(p.get());
  for (Process* p : waiting) {
    if (!p->machine.waiting()) continue;
    std::vector<ProcessState> states;
    for (const Process* d : p->deps) states.push_back(d->machine.state());
    // proceed() asks for a Spawn, which holdForDependencies() checks again
    // and turns into the FATAL of a failed dependency.
    if (dependencyVerdict(states, !p->missing_deps.empty()) != DependencyVerdict::Wait)
      apply(*p, p->machine.proceed(now()));
  }
}

bool Supervisor::prepareReadyCheck(Process& p, SpawnRequest& request) {
  const ProcessConfig& c = p.machine.config();
  if (c.ready.kind != ReadyCheck::Kind::Notify) return true;
  auto address = readiness_->prepareNotify(&p, c);
  if (!address) {
    apply(p, p.machine.onSpawnError(address.error().message, now()));
    return false;
  }
  request.extra_environment["NOTIFY_SOCKET"] = *address;
  return true;
}

void Supervisor::beginReadyCheck(Process& p) {
  const ProcessConfig& c = p.machine.config();
  if (c.ready.kind == ReadyCheck::Kind::Running || !p.machine.awaitingReady()) return;
  Process* raw = &p;
  readiness_->begin(&p, c, p.machine.pid(),
                    [this, raw] { apply(*raw, raw->machine.onReady(now())); });
}

void Supervisor::afterStateChange(Process& p, ProcessState from, ProcessState) {
  if (from == ProcessState::kStarting) readiness_->settle(&p);
  if (!has_dependencies_ || review_scheduled_) return;
  // After the current action list, so log lines keep their order.
  review_scheduled_ = true;
  std::weak_ptr<char> alive = alive_;
  loop_.defer([this, alive] {
    if (alive.expired()) return;
    review_scheduled_ = false;
    reviewWaiting();
    advanceStopPlans();
  });
}

bool Supervisor::hasLiveDependents(const Process& p) const {
  return std::any_of(p.dependents.begin(), p.dependents.end(),
                     [](const Process* d) { return !isStoppedState(d->machine.state()); });
}

void Supervisor::describeWait(const Process& p, proto::ProcessInfo& info) const {
  if (p.machine.waiting()) {
    for (const Process* d : p.deps)
      if (d->machine.state() != ProcessState::kRunning) info.waiting_for.push_back(namespec(d->id));
    for (const auto& m : p.missing_deps) info.waiting_for.push_back(m);
    info.description = info.waiting_for.empty() ? std::string("waiting for dependencies")
                                                : "waiting for " + joined(info.waiting_for);
  } else if (p.machine.awaitingReady()) {
    info.awaiting_ready = readyCheckText(p.machine.config().ready);
    info.description = "waiting until ready (" + info.awaiting_ready + ")";
  }
}

void Supervisor::stopInDependencyOrder(std::vector<ProcessId> todo, bool wait,
                                       std::function<void(const proto::CallResult&)> one) {
  auto plan = std::make_shared<StopPlan>();
  plan->all = todo;
  plan->pending = std::move(todo);
  plan->wait = wait;
  plan->one = std::move(one);
  stop_plans_.push_back(plan);
  advanceStopPlans();
  if (!wait && !plan->pending.empty()) {
    // Without wait the answer does not wait for the held ones either.
    for (const auto& id : plan->pending) plan->one(proto::CallResult{id.name, id.group});
    plan->one = [](const proto::CallResult&) {};
  }
}

void Supervisor::advanceStopPlans() {
  auto plans = stop_plans_;
  for (auto& plan : plans) {
    auto pending = plan->pending;
    for (const ProcessId& id : pending) {
      Process* p = find(id);
      bool held = p && std::any_of(p->dependents.begin(), p->dependents.end(), [&](Process* d) {
                    return !isStoppedState(d->machine.state()) &&
                           std::find(plan->all.begin(), plan->all.end(), d->id) != plan->all.end();
                  });
      if (held) continue;
      plan->pending.erase(std::find(plan->pending.begin(), plan->pending.end(), id));
      if (p && isStoppedState(p->machine.state())) {
        plan->one(proto::CallResult{id.name, id.group});  // stopped meanwhile: done
      } else {
        stopProcess(id, plan->wait, plan->one);
      }
    }
  }
  stop_plans_.erase(std::remove_if(stop_plans_.begin(), stop_plans_.end(),
                                   [](const auto& plan) { return plan->pending.empty(); }),
                    stop_plans_.end());
}

void Supervisor::forgetProcess(Process& p) {
  readiness_->end(&p);
}

}  // namespace sup
