// The JSON event stream's subscriber side, whatever carries it: filters by
// type and name, the bound (events dropped and counted while the transport
// is full), the wire record, and supervisorctl's line for it.
#include "supervisord/event_stream.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "common/event_protocol.h"
#include "supervisorctl/events_options.h"

using namespace sup;

namespace {
Event state(std::string name, std::string group, ProcessState to = ProcessState::kFatal) {
  return processStateEvent(to, name, group, ProcessState::kBackoff, 0, true, 0);
}
}  // namespace

TEST_CASE("a filter passes the types asked for, abstract ones included") {
  auto f = EventFilter::parse({"PROCESS_STATE_FATAL", "TICK"}, {});
  REQUIRE(f);
  CHECK(f->matches(state("web", "web")));
  CHECK_FALSE(f->matches(state("web", "web", ProcessState::kExited)));
  CHECK(f->matches(tickEvent(EventType::kTick60, 60)));
  CHECK_FALSE(f->matches(supervisorStateEvent(true)));
  CHECK(EventFilter::parse({"NOPE"}, {}).error().message == "NOPE");
  EventFilter all;
  CHECK(all.matches(remoteCommunicationEvent("t", "d")));
}

TEST_CASE("a name filter passes events about those processes and groups only") {
  auto f = EventFilter::parse({}, {"web", "workers:*", "db:db_1"});
  REQUIRE(f);
  CHECK(f->matches(state("web", "web")));
  CHECK(f->matches(state("w_0", "workers")));
  CHECK(f->matches(state("db_1", "db")));
  CHECK_FALSE(f->matches(state("db_0", "db")));
  CHECK_FALSE(f->matches(state("web", "other")));
  CHECK(f->matches(processGroupEvent(true, "db")));  // a group event is about each name in it
  CHECK_FALSE(f->matches(tickEvent(EventType::kTick5, 5)));
  CHECK_FALSE(f->matches(remoteCommunicationEvent("t", "d")));
  // With names, the bus subscription leaves out what never matches a name:
  // a name filter never makes the daemon wake up for TICKs.
  for (EventType t : f->busTypes()) CHECK_FALSE(eventTypeMatches(EventType::kTick5, t));
  auto fatal = EventFilter::parse({"PROCESS_STATE_FATAL", "TICK_5"}, {"web"});
  CHECK(fatal->busTypes() == std::vector<EventType>{EventType::kProcessStateFatal});
}

TEST_CASE("while the transport is full events are dropped, and the next one says how many") {
  EventBus bus;
  bool room = true;
  std::vector<std::pair<std::string, std::uint64_t>> got;
  int ended = 0;
  EventStream stream(
      bus, EventFilter{}, [&] { return room; },
      [&](const Event& e, std::uint64_t lost) {
        got.emplace_back(std::string(eventTypeName(e.type)), lost);
      },
      [&] { ++ended; });
  bus.publish(processGroupEvent(true, "a"));
  room = false;
  bus.publish(processGroupEvent(true, "b"));
  bus.publish(processGroupEvent(true, "c"));
  CHECK(stream.lost() == 2);
  room = true;
  bus.publish(processGroupEvent(false, "c"));
  CHECK(got == std::vector<std::pair<std::string, std::uint64_t>>{{"PROCESS_GROUP_ADDED", 0},
                                                                  {"PROCESS_GROUP_REMOVED", 2}});
  // What /metrics counts on the bus.
  CHECK(bus.delivered() == 2);
  CHECK(bus.dropped() == 2);
  bus.end();
  CHECK(ended == 1);
}

TEST_CASE("the wire record carries the payload, typed headers and the serial, and round-trips") {
  Event e = processLogEvent(false, "web", "web", 42, "hello\n");
  e.serial = 7;
  e.time = 1796528119.5;
  proto::EventRecord r = eventRecord(e, 3);
  proto::json j = r;
  CHECK(j["eventname"] == "PROCESS_LOG_STDOUT");
  CHECK(j["serial"] == 7);
  CHECK(j["headers"]["pid"] == 42);
  CHECK(j["headers"]["channel"] == "stdout");
  CHECK(j["data"] == "hello\n");
  CHECK(j["payload"] == "processname:web groupname:web pid:42 channel:stdout\nhello\n");
  CHECK(j["len"] == 58);
  CHECK(j["lost"] == 3);
  auto back = j.get<proto::EventRecord>();
  CHECK(back.serial == 7);
  CHECK(back.payload == r.payload);
  CHECK(back.lost == 3);
  proto::json unnumbered = eventRecord(supervisorStateEvent(true));
  CHECK(unnumbered["serial"].is_null());
  CHECK_FALSE(unnumbered.contains("data"));
  proto::EventRecord eof;
  eof.eof = true;
  CHECK(proto::json(eof).dump() == R"({"eof":true})");
}

TEST_CASE("supervisorctl's line: time, event name, the payload's first line, data as repr") {
  proto::EventRecord r = eventRecord(processLogEvent(true, "web", "web", 42, "it's\n"));
  std::string line = proto::eventLine(r);
  CHECK(line.size() > 20);
  CHECK(line.substr(19) ==
        " PROCESS_LOG_STDERR processname:web groupname:web pid:42 channel:stderr data:\"it's\\n\"");
  CHECK(proto::eventLine(eventRecord(processGroupEvent(true, "g"))).substr(19) ==
        " PROCESS_GROUP_ADDED groupname:g");
}

TEST_CASE("events operands: event type names filter by type, anything else by name") {
  auto o =
      ctl::parseEventsArgs({"-f", "PROCESS_STATE_FATAL", "web", "--json", "workers:*", "TICK"});
  REQUIRE(o);
  CHECK(o->follow);
  CHECK(o->json);
  CHECK(o->types == std::vector<std::string>{"PROCESS_STATE_FATAL", "TICK"});
  CHECK(o->names == std::vector<std::string>{"web", "workers:*"});
  CHECK(ctl::parseEventsArgs({"-n", "5"})->count == 5);
  CHECK(ctl::parseEventsArgs({"-n5"})->count == 5);
  CHECK(ctl::parseEventsArgs({"-n", "x"}).error().message ==
        "supervisorctl events: invalid count 'x'");
  CHECK(ctl::parseEventsArgs({"--follo"})
            .error()
            .message.rfind("supervisorctl events: unrecognized option '--follo'", 0) == 0);
}
