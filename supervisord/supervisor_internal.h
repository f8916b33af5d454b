// The Supervisor's private records, shared by supervisor.cc and
// supervisor_ops.cc only.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "supervisord/event_pool.h"
#include "supervisord/fcgi_socket_manager.h"
#include "supervisord/process_counters.h"
#include "supervisord/supervisor.h"

namespace sup {

/// Someone (an RPC with wait=true) waiting for a process to get somewhere.
struct Supervisor::Waiter {
  enum class Kind { Running, Stopped } kind;
  OpCallback done;
};

struct Supervisor::Process {
  explicit Process(std::shared_ptr<const ProcessConfig> config) : machine(std::move(config)) {}
  ProcessId id;
  int group_priority = 0;  // its group's, the level shutdown stops it at
  ProcessStateMachine machine;
  ProcessCounters counters;  // what /metrics reports of its history
  std::unique_ptr<OutputCapture> capture;
  EventLoop::TimerId timer = 0;
  EventLoop::TimePoint timer_deadline{};  // when `timer` fires (re-exec hands it over)
  EventLoop::TimerId stop_report_timer = 0;
  std::vector<Waiter> waiters;
  std::string exec_error;  // why the current run's child did not exec ("" if it did)
  // depends_on, linked against the groups in use (supervisor_deps.cc).
  std::vector<Process*> deps;                // what this one depends on
  std::vector<Process*> dependents;          // what depends on this one
  std::vector<std::string> missing_deps;     // entries naming no group in use
  FcgiSocketManager* fcgi_socket = nullptr;  // its pool's socket (fcgi-program), the group's
  FcgiSocketManager::Lease socket_lease;     // held from spawn until the child is reaped
  // An event listener: its pool and its place in it.
  EventPool* pool = nullptr;
  std::size_t listener_index = 0;
};

struct Supervisor::Group {
  // Shared with the Config it came from (or its own, for a group added from
  // a copy): each process's state machine points into its processes.
  std::shared_ptr<const GroupConfig> config;
  std::unique_ptr<FcgiSocketManager> fcgi_socket;   // before processes: outlives their leases
  std::vector<std::unique_ptr<Process>> processes;  // config order
  // [eventlistener:x]: the pool, what it asks of the daemon, its subscription.
  std::unique_ptr<EventPool::Port> port;
  std::shared_ptr<EventPool> pool;
  EventBus::Subscription subscription;
  /// By name, for a group of many processes (numprocs); a small group is
  /// searched in order.
  std::unordered_map<std::string_view, Process*> by_name;
  static constexpr size_t kIndexFrom = 16;
  Process* find(std::string_view name) const {
    if (processes.size() >= kIndexFrom) {
      auto it = by_name.find(name);
      return it == by_name.end() ? nullptr : it->second;
    }
    for (auto& p : processes)
      if (p->id.name == name) return p.get();
    return nullptr;
  }
};

}  // namespace sup
