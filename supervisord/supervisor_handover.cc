// The Supervisor across a re-exec: the old image writes every group and
// process down (handOver); the new image rebuilds them from that record,
// running children and all (adopt), then applies its freshly read config as
// `supervisorctl update` would. A process is identified by group and name,
// and its config by its --print-config JSON: the same JSON in both images
// means the same program, which keeps running untouched.
#include <algorithm>
#include <chrono>
#include <map>

#include "common/config_json.h"
#include "common/config_json_read.h"
#include "supervisord/handover_format.h"
#include "supervisord/main_log.h"
#include "supervisord/supervisor.h"
#include "supervisord/supervisor_internal.h"

namespace sup {
namespace {

using Nanos = std::chrono::nanoseconds;

std::int64_t toNanos(EventLoop::TimePoint t) {
  return std::chrono::duration_cast<Nanos>(t.time_since_epoch()).count();
}

EventLoop::TimePoint fromNanos(std::int64_t ns) {
  return EventLoop::TimePoint(
      std::chrono::duration_cast<EventLoop::TimePoint::duration>(Nanos(ns)));
}

// A config as hand-over text. Config values may hold bytes that are not
// UTF-8, which nlohmann's dump() refuses: they become U+FFFD, the same way in
// both images (and only the text of command= and the like is lost for a
// program read back to be stopped).
std::string text(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out.empty() ? "none" : out;
}

// Does the freshly parsed group say exactly what the previous image ran?
bool sameAsHandedOver(const GroupConfig& fresh, const handover::Group& old) {
  if (fresh.processes.size() != old.processes.size()) return false;
  if (text(groupHeaderJson(fresh)) != old.header_json) return false;
  for (std::size_t i = 0; i < old.processes.size(); ++i) {
    if (fresh.processes[i].name != old.processes[i].name) return false;
    if (text(processConfigJson(fresh.processes[i])) != old.processes[i].config_json) return false;
  }
  return true;
}

// The config the previous image ran a group with, read back from its JSON.
Result<GroupConfig> handedOverConfig(const handover::Group& old) {
  nlohmann::json header = nlohmann::json::parse(old.header_json, nullptr, false);
  SUP_TRY(group, groupHeaderFromJson(header));
  if (group.name != old.name)
    return Error{"group '" + old.name + "' has another name in its config"};
  for (const auto& p : old.processes) {
    nlohmann::json j = nlohmann::json::parse(p.config_json, nullptr, false);
    SUP_TRY(config, processConfigFromJson(j));
    if (config.name != p.name || config.group != old.name)
      return Error{"process '" + old.name + ":" + p.name + "' has another name in its config"};
    group.processes.push_back(std::move(config));
  }
  return group;
}

}  // namespace

void Supervisor::requestReexec(const std::string& binary, ReexecDone done) {
  if (!reexec_handler_) return done(Error{"this supervisord cannot re-exec"});
  if (state_ != SupervisorState::Running)
    return done(Error{"supervisord is " + std::string(supervisorStateName(state_))});
  // A process held back for its dependencies, or whose ready= check runs,
  // is mid-decision (a timer, a probe child, a notify socket) in this image
  // only: the hand-over records settled states. Such a wait is short.
  for (const auto& g : groups_) {
    for (const auto& p : g->processes) {
      if (p->machine.waiting() || p->machine.awaitingReady()) {
        return done(Error{"'" + namespec(p->id) +
                          "' is starting (waiting for its dependencies or its ready= check): "
                          "try again once it is RUNNING"});
      }
    }
  }
  reexec_handler_(binary, std::move(done));
}

void Supervisor::handOver(handover::State& into) const {
  for (const auto& g : groups_) {
    handover::Group hg;
    hg.name = g->config->name;
    hg.header_json = text(groupHeaderJson(*g->config));
    for (const auto& p : g->processes) {
      handover::Process hp;
      hp.name = p->id.name;
      hp.config_json = text(processConfigJson(p->machine.config()));
      ProcessStateMachine::Snapshot s = p->machine.snapshot();
      hp.state = static_cast<int>(s.state);
      hp.pid = s.pid;
      hp.backoff = s.backoff;
      hp.killing = s.killing;
      hp.ever_started = s.ever_started;
      hp.laststart_mono_ns = toNanos(s.laststart);
      hp.laststart_wall = s.laststart_wall;
      hp.laststop_wall = s.laststop_wall;
      hp.spawnerr = s.spawnerr;
      hp.exitstatus = s.exitstatus;
      if (p->timer) hp.timer_deadline_mono_ns = toNanos(p->timer_deadline);
      hp.exec_error = p->exec_error;
      p->capture->handOver(hp);
      hg.processes.push_back(std::move(hp));
    }
    into.groups.push_back(std::move(hg));
  }
  into.extensions["events"] = eventsHandOver();
  into.extensions["metrics"] = metricsHandOver();
}

Status Supervisor::adopt(const handover::State& state) {
  std::map<std::string, const GroupConfig*> fresh;
  for (const auto& g : config_->groups)
    if (!g.shadowed) fresh.emplace(g.name, &g);
  // First every config, so that a bad record adopts nothing.
  // An unchanged group shares this image's config; a changed one keeps the
  // old image's until the update after adoption replaces it.
  std::vector<std::shared_ptr<const GroupConfig>> configs;
  for (const auto& hg : state.groups) {
    auto it = fresh.find(hg.name);
    if (it != fresh.end() && sameAsHandedOver(*it->second, hg)) {
      configs.push_back(shareGroupConfig(*it->second));
      continue;
    }
    auto old = handedOverConfig(hg);
    if (!old) return Error{old.error().message};
    configs.push_back(std::make_shared<const GroupConfig>(std::move(*old)));
  }
  for (std::size_t gi = 0; gi < state.groups.size(); ++gi) {
    const handover::Group& hg = state.groups[gi];
    const std::shared_ptr<const GroupConfig>& config = configs[gi];
    auto group = std::make_unique<Group>();
    for (std::size_t pi = 0; pi < hg.processes.size(); ++pi) {
      const handover::Process& hp = hg.processes[pi];
      const ProcessConfig& pc = config->processes[pi];
      auto p = std::make_unique<Process>(std::shared_ptr<const ProcessConfig>(config, &pc));
      p->id = ProcessId{hg.name, hp.name};
      p->capture = std::make_unique<OutputCapture>(loop_, log_, pc, capture_settings_, &hp);
      ProcessStateMachine::Snapshot s;
      s.state = static_cast<ProcessState>(hp.state);
      s.pid = hp.pid;
      s.backoff = hp.backoff;
      s.killing = hp.killing;
      s.ever_started = hp.ever_started;
      s.laststart = fromNanos(hp.laststart_mono_ns);
      s.laststart_wall = hp.laststart_wall;
      s.laststop_wall = hp.laststop_wall;
      s.spawnerr = hp.spawnerr;
      s.exitstatus = hp.exitstatus;
      p->machine.restore(s);
      // Shutdown stops by these counts (continueStopAll): an adopted live
      // process counts as one that went live here.
      if (!isStoppedState(s.state)) ++live_by_priority_[config->priority];
      p->exec_error = hp.exec_error;
      p->capture->resume(hp);
      if (hp.pid > 0) by_pid_[hp.pid] = p.get();
      if (hp.timer_deadline_mono_ns) {
        Process* raw = p.get();
        p->timer_deadline = fromNanos(*hp.timer_deadline_mono_ns);
        p->timer = loop_.at(p->timer_deadline, [this, raw] {
          raw->timer = 0;
          apply(*raw, raw->machine.onTimer(now()));
        });
      }
      group->processes.push_back(std::move(p));
    }
    group->config = config;
    attachFcgiSocket(*group);
    adoptFcgiLeases(*group);
    Group* g = group.get();
    insertGroup(std::move(group));
    setUpEvents(*g);
  }
  if (auto it = state.extensions.find("events"); it != state.extensions.end())
    adoptEvents(it->second);
  if (auto it = state.extensions.find("metrics"); it != state.extensions.end())
    adoptMetrics(it->second);
  linkDependencies();
  log_.info("adopted " + std::to_string(state.processCount()) +
            " processes from the previous image");
  applyUpdateAfterAdoption();
  return okStatus();
}

// What `supervisorctl update` does, from inside: removed groups stop and go,
// changed ones stop and come back with their new config, added ones start.
void Supervisor::applyUpdateAfterAdoption() {
  ConfigDiff diff = diffConfig(*config_);
  if (diff.added.empty() && diff.changed.empty() && diff.removed.empty()) return;
  log_.info("applying the configuration after re-exec: added " + joined(diff.added) + "; changed " +
            joined(diff.changed) + "; removed " + joined(diff.removed));
  std::weak_ptr<char> alive = alive_;
  auto restartGroup = [this, alive](const std::string& name, bool add_again) {
    stopProcesses(groupProcesses(name), true, [this, alive, name, add_again](auto) {
      if (alive.expired()) return;
      removeGroup(name);
      if (!add_again) return;
      for (const auto& g : config_->groups) {
        if (g.shadowed || g.name != name) continue;
        addGroup(g);  // shared with config_, not copied
        break;
      }
    });
  };
  for (const auto& name : diff.removed) restartGroup(name, false);
  for (const auto& name : diff.changed) restartGroup(name, true);
  for (const auto& name : diff.added) {
    for (const auto& g : config_->groups) {
      if (g.shadowed || g.name != name) continue;
      addGroup(g);
      break;
    }
  }
}

}  // namespace sup
