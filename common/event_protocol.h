// One event on the wire (the JSON event stream, supervisor.getEvents):
// Supervisor's event as a listener would read it (eventname, payload, len)
// plus its header fields parsed out, its body, the global serial when a
// listener pool took it, and the time it happened. The daemon writes it,
// supervisorctl `events` reads it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/protocol.h"

namespace sup::proto {

struct EventRecord {
  /// Supervisor's global serial; nullopt when no listener pool took the
  /// event (Supervisor numbers only those).
  std::optional<std::int64_t> serial;
  std::string eventname;  ///< "PROCESS_STATE_RUNNING"
  double time = 0;        ///< epoch seconds when it happened
  /// The payload's first-line fields: "processname":"web", "pid":123, ...
  /// (integers for pid, tries, expected and when).
  json headers = json::object();
  /// What follows the payload's first line (output, comm data), if anything.
  std::optional<std::string> data;
  std::string payload;   ///< exactly what a listener reads after the header line
  std::int64_t len = 0;  ///< the header's len: Python's len(payload), in characters
  /// Stream only: events this subscriber did not get just before this one
  /// because it was reading too slowly.
  std::uint64_t lost = 0;
  /// Stream only: the last notification (the daemon is stopping or restarting).
  bool eof = false;
};
void to_json(json& j, const EventRecord& e);
void from_json(const json& j, EventRecord& e);

/// The one-line human form supervisorctl prints:
/// "2026-12-06 03:09:42 PROCESS_STATE_RUNNING processname:web ... pid:123",
/// then " data:'...'" (Python repr) when the event has a body. Local time.
std::string eventLine(const EventRecord& e);

}  // namespace sup::proto
