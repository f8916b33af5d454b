// One event as Supervisor 4.2.5 renders it (events.py): its type, its header
// fields in payload order, its body, and the payload text a listener reads,
// with `len` counted as Python counts it (code points of the decoded text,
// not bytes). Builders for every concrete type; pure, no I/O.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/event_types.h"
#include "common/process_states.h"

namespace sup {

using proto::ProcessState;

/// One "name:value" pair of a payload's first line.
struct EventField {
  std::string name;
  std::string value;
  bool number = false;  ///< an integer in Supervisor's payload (pid, tries, when...)
};

struct Event {
  EventType type = EventType::kRemoteCommunication;
  std::vector<EventField> fields;
  /// What follows the first line's '\n' (process output, comm data, the
  /// remote data; "" for PROCESS_GROUP_*); nullopt when the payload is one line.
  std::optional<std::string> body;
  /// The payload exactly as a listener receives it after the header line.
  std::string payload;
  /// Python's len(payload): the header's len field.
  std::size_t length = 0;
  /// The global serial, given when the first listener pool accepts the event
  /// (Supervisor numbers only those); -1 while no pool has.
  std::int64_t serial = -1;
  /// The process and group the event is about ("" when none): what a name
  /// filter of the JSON stream matches.
  std::string process;
  std::string group;
  /// Wall-clock seconds when it was published (the JSON stream shows it).
  double time = 0;
};

/// The header line a pool writes before the payload:
/// "ver:3.0 server:<identifier> serial:S pool:P poolserial:N eventname:E len:L\n".
std::string eventEnvelopeHeader(std::string_view identifier, std::int64_t serial,
                                std::string_view pool, std::int64_t pool_serial, const Event& e);

/// PROCESS_STATE_<to>: from_state always; tries for STARTING and BACKOFF,
/// expected and pid for EXITED, pid for RUNNING, STOPPING and STOPPED.
Event processStateEvent(ProcessState to, std::string_view process, std::string_view group,
                        ProcessState from, int tries, bool expected, int pid);
/// PROCESS_LOG_STDOUT/STDERR: one chunk of output as read, after strip_ansi.
Event processLogEvent(bool is_stderr, std::string_view process, std::string_view group, int pid,
                      std::string_view data);
/// PROCESS_COMMUNICATION_STDOUT/STDERR: what was captured between the tokens.
Event processCommunicationEvent(bool is_stderr, std::string_view process, std::string_view group,
                                int pid, std::string_view data);
/// REMOTE_COMMUNICATION from supervisor.sendRemoteCommEvent.
Event remoteCommunicationEvent(std::string_view type, std::string_view data);
/// SUPERVISOR_STATE_CHANGE_RUNNING / _STOPPING (an empty payload).
Event supervisorStateEvent(bool running);
/// TICK_5/60/3600 for the period that began at `when` (epoch seconds).
Event tickEvent(EventType tick, long long when);
/// PROCESS_GROUP_ADDED / _REMOVED.
Event processGroupEvent(bool added, std::string_view group);

}  // namespace sup
