// `supervisorctl events [-f] [--json] [-n N] [TYPE]... [name|group:*]...`
// (ours, GNU-style): which events to show, and how. An operand spelled as an
// event type (PROCESS_STATE_FATAL, TICK, EVENT...) filters by type; any other
// operand is a process or group name. Pure: the command is cmd_events.cc.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"

namespace sup::ctl {

struct EventsOptions {
  bool follow = false;  ///< -f: new events as they happen, until Ctrl-C
  bool json = false;    ///< --json: one JSON object per event
  bool help = false;
  std::int64_t count = 20;  ///< -n: recent events shown without -f
  std::vector<std::string> types;
  std::vector<std::string> names;
};

/// The words after "events". Errors are getopt_long's texts and the usage
/// lines (exit 2).
Result<EventsOptions> parseEventsArgs(const std::vector<std::string>& args);

/// `help events` / `events --help`.
std::string eventsUsage();

}  // namespace sup::ctl
