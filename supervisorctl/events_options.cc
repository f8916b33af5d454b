#include "supervisorctl/events_options.h"

#include "common/event_types.h"
#include "common/gnu_options.h"

namespace sup::ctl {

Result<EventsOptions> parseEventsArgs(const std::vector<std::string>& args) {
  EventsOptions o;
  GnuOptions cli("events", "[TYPE]... [name|group:*]...");
  cli.flag('f', "follow", o.follow)
      .flag(0, "json", o.json)
      .flag('h', "help", o.help)
      .option('n', "count", [&o](const std::string& v) -> Status {
        std::int64_t n = 0;
        for (char c : v) {
          if (c < '0' || c > '9' || n > 1'000'000) return Error{"invalid count '" + v + "'"};
          n = n * 10 + (c - '0');
        }
        if (v.empty()) return Error{"invalid count ''"};
        o.count = n;
        return okStatus();
      });
  auto operands = cli.parse(args);
  if (!operands) return operands.error();
  for (const std::string& word : *operands) {
    if (parseEventType(word)) {
      o.types.push_back(word);
    } else {
      o.names.push_back(word);
    }
  }
  return o;
}

std::string eventsUsage() {
  return "events [OPTION]... [TYPE]... [name|group:*]...\n"
         "  Show Supervisor's events (those an [eventlistener] can subscribe to):\n"
         "  one line each, TIME EVENTNAME and the event's payload. TYPE is an event\n"
         "  type (PROCESS_STATE_FATAL, PROCESS_STATE, TICK_60, EVENT...); names keep\n"
         "  the events about those processes and groups. Default: every event.\n"
         "  -f  follow: new events as they happen, until Ctrl-C\n"
         "  -n N  how many recent events to show without -f (default 20)\n"
         "  --json  one JSON object per event (docs/protocol.md)";
}

}  // namespace sup::ctl
