// The Supervisor's hooks into the event system: process state changes become
// PROCESS_STATE_* events (with the pid and tries of the change), output
// becomes PROCESS_LOG_* / PROCESS_COMMUNICATION_* events, and each
// [eventlistener:x] group gets its EventPool, fed by its listeners' stdout
// and told when they start, run and exit. The pool's decisions are its own
// (event_pool.h); this file only connects it to the processes.
#include <chrono>

#include <nlohmann/json.hpp>

#include "supervisord/main_log.h"
#include "supervisord/supervisor.h"
#include "supervisord/supervisor_internal.h"
#include "supervisord/tick_events.h"

namespace sup {

/// What a pool asks of the daemon, answered from its group's processes.
struct Supervisor::PoolPort final : EventPool::Port {
  PoolPort(Supervisor& s, Group& g) : sup(s), group(g) {}
  Supervisor& sup;
  Group& group;
  bool scheduled = false;

  bool listenerRunning(std::size_t i) const override {
    return group.processes.at(i)->machine.state() == ProcessState::kRunning;
  }
  bool writeToListener(std::size_t i, std::string_view bytes) override {
    Process& p = *group.processes.at(i);
    // Supervisor's process.write(): EPIPE unless running and not being stopped.
    if (p.machine.pid() == 0 || p.machine.killing()) return false;
    return p.capture->sendStdin(bytes) == 0;
  }
  bool logging(LogLevel level) const override { return sup.log_.enabled(level); }
  void log(LogLevel level, const std::string& line) override { sup.log_.log(level, line); }
  void eventDropped() override { group.subscription.countDropped(); }
  void scheduleDispatch() override {
    if (scheduled) return;
    scheduled = true;
    // Once per turn of the loop, after what is happening now has been
    // published, as Supervisor dispatches from its transition().
    std::weak_ptr<EventPool> weak = group.pool;
    sup.loop_.defer([this, weak] {
      auto pool = weak.lock();
      if (!pool) return;  // the group (and this port) is gone
      scheduled = false;
      pool->dispatch();
    });
  }
};

void Supervisor::publish(Event event) {
  using namespace std::chrono;
  event.time = duration<double>(loop_.wallNow().time_since_epoch()).count();
  events_->publish(std::move(event));
}

void Supervisor::setUpEvents(Group& g) {
  for (auto& proc : g.processes) {
    Process* p = proc.get();
    p->capture->setEventSink([this, p](bool is_stderr, bool communication, std::string_view data) {
      const std::string& name = p->id.name;
      const std::string& group = p->id.group;
      int pid = p->machine.pid();
      if (communication) {
        publish(processCommunicationEvent(is_stderr, name, group, pid, data));
      } else if (events_->wanted(is_stderr ? EventType::kProcessLogStderr
                                           : EventType::kProcessLogStdout)) {
        // Nobody would see it (no serial, no history): not worth building.
        publish(processLogEvent(is_stderr, name, group, pid, data));
      }
    });
  }
  if (g.config->kind != GroupConfig::Kind::EventListener) return;
  std::vector<std::string> names;
  for (auto& p : g.processes) names.push_back(p->id.name);
  g.port = std::make_unique<PoolPort>(*this, g);
  g.pool =
      std::make_shared<EventPool>(g.config->name, static_cast<std::size_t>(g.config->buffer_size),
                                  config_->supervisord.identifier, names, *g.port);
  for (std::size_t i = 0; i < g.processes.size(); ++i) {
    Process* p = g.processes[i].get();
    p->pool = g.pool.get();
    p->listener_index = i;
    EventPool* pool = g.pool.get();
    p->capture->setProtocolSink(
        [pool, i](std::string_view data) { pool->listenerOutput(i, data); });
  }
  std::vector<EventType> types;
  for (const std::string& name : g.config->events) {
    if (auto t = parseEventType(name)) types.push_back(*t);
  }
  EventPool* pool = g.pool.get();
  Group* group = &g;  // owns the subscription: alive whenever this runs
  g.subscription = events_->subscribePool(std::move(types), [pool, group](const auto& e) {
    group->subscription.countDelivered();
    pool->accept(e);
  });
}

void Supervisor::stateEvent(Process& p, const Action& change) {
  // Supervisor hands a dead listener's event in flight back at the end of
  // finish(): after the exit's state change and log line, before anything
  // else happens to the process (an autorestart's STARTING, FATAL).
  if (exiting_ == &p && exit_changed_) listenerGone(p);
  publish(processStateEvent(change.to, p.id.name, p.id.group, change.from, change.tries,
                            change.expected, change.pid));
  if (exiting_ == &p) {
    exit_changed_ = change.to == ProcessState::kExited || change.to == ProcessState::kStopped ||
                    change.to == ProcessState::kBackoff;
  }
  if (p.pool && change.to == ProcessState::kRunning) p.pool->listenerRunning(p.listener_index);
}

void Supervisor::listenerSpawned(Process& p) {
  p.pool->listenerStarted(p.listener_index);
}

void Supervisor::listenerGone(Process& p) {
  exiting_ = nullptr;
  exit_changed_ = false;
  if (p.pool) p.pool->listenerExited(p.listener_index);
}

std::string Supervisor::eventsHandOver() const {
  nlohmann::json pools = nlohmann::json::object();
  for (const auto& g : groups_) {
    if (!g->pool) continue;
    nlohmann::json states = nlohmann::json::array();
    for (std::size_t i = 0; i < g->pool->listenerCount(); ++i)
      states.push_back(static_cast<int>(g->pool->listenerState(i)));
    pools[g->config->name] = {{"serial", g->pool->serial()}, {"listeners", states}};
  }
  return nlohmann::json{{"serial", events_->lastSerial()}, {"pools", pools}}.dump();
}

void Supervisor::adoptEvents(const std::string& handed_over) {
  // A bad record costs the serials and the READY states, never the adoption:
  // listeners then start over as freshly spawned ones do (ACKNOWLEDGED).
  nlohmann::json j = nlohmann::json::parse(handed_over, nullptr, false);
  if (!j.is_object()) return;
  if (auto it = j.find("serial"); it != j.end() && it->is_number_integer())
    events_->setLastSerial(it->get<std::int64_t>());
  auto pools = j.find("pools");
  if (pools == j.end() || !pools->is_object()) return;
  for (const auto& g : groups_) {
    auto it = pools->find(g->config->name);
    if (!g->pool || it == pools->end() || !it->is_object()) continue;
    std::int64_t serial = it->value("serial", std::int64_t{-1});
    std::vector<ListenerState> states;
    if (auto ls = it->find("listeners"); ls != it->end() && ls->is_array()) {
      for (const auto& v : *ls) {
        int n = v.is_number_integer() ? v.get<int>() : 0;
        bool known = n == static_cast<int>(ListenerState::kReady) ||
                     n == static_cast<int>(ListenerState::kBusy) ||
                     n == static_cast<int>(ListenerState::kUnknown);
        states.push_back(known ? static_cast<ListenerState>(n) : ListenerState::kAcknowledged);
      }
    }
    g->pool->restore(serial, states);
  }
}

}  // namespace sup
