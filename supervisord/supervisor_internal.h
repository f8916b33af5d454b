// The Supervisor's private records, shared by supervisor.cc and
// supervisor_ops.cc only.
#pragma once

#include <memory>
#include <vector>

#include "supervisord/fcgi_socket_manager.h"
#include "supervisord/supervisor.h"

namespace sup {

/// Someone (an RPC with wait=true) waiting for a process to get somewhere.
struct Supervisor::Waiter {
  enum class Kind { Running, Stopped } kind;
  OpCallback done;
};

struct Supervisor::Process {
  explicit Process(const ProcessConfig& config) : machine(config) {}
  ProcessId id;
  ProcessStateMachine machine;
  std::unique_ptr<OutputCapture> capture;
  EventLoop::TimerId timer = 0;
  EventLoop::TimePoint timer_deadline{};  // when `timer` fires (re-exec hands it over)
  EventLoop::TimerId stop_report_timer = 0;
  std::vector<Waiter> waiters;
  std::string exec_error;  // why the current run's child did not exec ("" if it did)
  FcgiSocketManager* fcgi_socket = nullptr;  // its pool's socket (fcgi-program), the group's
  FcgiSocketManager::Lease socket_lease;     // held from spawn until the child is reaped
};

struct Supervisor::Group {
  GroupConfig config;
  std::unique_ptr<FcgiSocketManager> fcgi_socket;   // before processes: outlives their leases
  std::vector<std::unique_ptr<Process>> processes;  // config order
};

}  // namespace sup
