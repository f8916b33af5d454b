// The events the Supervisor publishes, watched on its bus with a FakeSpawner
// on a fake clock: their order (as Python Supervisor 4.2.5 publishes them at
// startup, on failures and at shutdown) and the pid / tries / expected each
// state change carries.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "supervisord/supervisor.h"
#include "tests/unit/supervisor_fixture.h"

using namespace sup;
using namespace sup::test;
using namespace std::chrono_literals;

namespace {

// Every event as "EVENTNAME payload" (the payload's first line).
struct Watch {
  std::vector<std::string> seen;
  EventBus::Subscription sub;
  explicit Watch(Supervisor& s, std::vector<EventType> types = {}) {
    sub = s.events().observe(std::move(types), [this](const auto& e) {
      seen.push_back(std::string(eventTypeName(e->type)) + " " +
                     e->payload.substr(0, e->payload.find('\n')));
    });
  }
};

}  // namespace

TEST_CASE("startup: every group is added, then the daemon is RUNNING, then processes start") {
  Fixture f({group("b", 10), group("a", 5)});
  Watch w(*f.sup);
  f.sup->startup();
  REQUIRE(f.runUntil([&] { return f.state("b", "b") == ProcessState::kRunning; }));
  CHECK(w.seen ==
        std::vector<std::string>{
            "PROCESS_GROUP_ADDED groupname:a",
            "PROCESS_GROUP_ADDED groupname:b",
            "SUPERVISOR_STATE_CHANGE_RUNNING ",
            "PROCESS_STATE_STARTING processname:a groupname:a from_state:STOPPED tries:0",
            "PROCESS_STATE_STARTING processname:b groupname:b from_state:STOPPED tries:0",
            "PROCESS_STATE_RUNNING processname:a groupname:a from_state:STARTING pid:1000",
            "PROCESS_STATE_RUNNING processname:b groupname:b from_state:STARTING pid:1001",
        });
}

TEST_CASE("failed starts: BACKOFF counts tries (already the new one), then FATAL") {
  auto g = group("web", 1);
  g.processes[0].startsecs = 1;
  g.processes[0].startretries = 1;
  Fixture f({g});
  Watch w(*f.sup, {EventType::kProcessState});
  f.sup->startup();
  f.exit("web", 1);
  REQUIRE(f.runUntil([&] { return f.spawner.spawned.size() == 2; }));
  f.exit("web", 1);
  REQUIRE(f.runUntil([&] { return f.state("web", "web") == ProcessState::kFatal; }));
  CHECK(w.seen ==
        std::vector<std::string>{
            "PROCESS_STATE_STARTING processname:web groupname:web from_state:STOPPED tries:0",
            "PROCESS_STATE_BACKOFF processname:web groupname:web from_state:STARTING tries:1",
            "PROCESS_STATE_STARTING processname:web groupname:web from_state:BACKOFF tries:1",
            "PROCESS_STATE_BACKOFF processname:web groupname:web from_state:STARTING tries:2",
            "PROCESS_STATE_FATAL processname:web groupname:web from_state:BACKOFF",
        });
}

TEST_CASE("EXITED and STOPPED report the pid that exited, and whether the exit was expected") {
  auto g = group("web", 1);
  g.processes[0].autorestart = AutoRestart::False;
  Fixture f({g});
  f.sup->startup();
  REQUIRE(f.runUntil([&] { return f.state("web", "web") == ProcessState::kRunning; }));
  Watch w(*f.sup, {EventType::kProcessState});
  f.exit("web", 3);
  f.sup->startProcess({"web", "web"}, false, [](const auto&) {});
  REQUIRE(f.runUntil([&] { return f.state("web", "web") == ProcessState::kRunning; }));
  f.sup->stopProcess({"web", "web"}, false, [](const auto&) {});
  f.exit("web", 0);
  CHECK(w.seen ==
        std::vector<std::string>{
            "PROCESS_STATE_EXITED processname:web groupname:web from_state:RUNNING "
            "expected:0 pid:1000",
            "PROCESS_STATE_STARTING processname:web groupname:web from_state:EXITED tries:0",
            "PROCESS_STATE_RUNNING processname:web groupname:web from_state:STARTING "
            "pid:1001",
            "PROCESS_STATE_STOPPING processname:web groupname:web from_state:RUNNING "
            "pid:1001",
            "PROCESS_STATE_STOPPED processname:web groupname:web from_state:STOPPING "
            "pid:1001",
        });
}

TEST_CASE("a stop in BACKOFF is STOPPED with pid 0, as Supervisor reports it") {
  auto g = group("web", 1);
  g.processes[0].startsecs = 5;
  Fixture f({g});
  f.sup->startup();
  f.exit("web", 1);
  REQUIRE(f.state("web", "web") == ProcessState::kBackoff);
  Watch w(*f.sup, {EventType::kProcessStateStopped});
  f.sup->stopProcess({"web", "web"}, false, [](const auto&) {});
  CHECK(w.seen ==
        std::vector<std::string>{
            "PROCESS_STATE_STOPPED processname:web groupname:web from_state:BACKOFF pid:0"});
}

TEST_CASE("shutdown says SUPERVISOR_STATE_CHANGE_STOPPING before anything stops, once") {
  Fixture f({group("web", 1)});
  f.sup->startup();
  REQUIRE(f.runUntil([&] { return f.state("web", "web") == ProcessState::kRunning; }));
  Watch w(*f.sup, {EventType::kSupervisorStateChange, EventType::kProcessStateStopping});
  f.sup->shutdown();
  f.sup->restart();
  CHECK(w.seen == std::vector<std::string>{
                      "SUPERVISOR_STATE_CHANGE_STOPPING ",
                      "PROCESS_STATE_STOPPING processname:web groupname:web from_state:RUNNING "
                      "pid:1000"});
}

TEST_CASE("removing a group publishes PROCESS_GROUP_REMOVED after it is gone") {
  auto g = group("web", 1);
  g.processes[0].autostart = false;
  Fixture f({g});
  f.sup->startup();
  Watch w(*f.sup, {EventType::kProcessGroup});
  CHECK(f.sup->removeGroup("web") == proto::Fault::kSuccess);
  CHECK(w.seen == std::vector<std::string>{"PROCESS_GROUP_REMOVED groupname:web"});
  CHECK(f.sup->addGroup(g) == proto::Fault::kSuccess);
  CHECK(w.seen.back() == "PROCESS_GROUP_ADDED groupname:web");
}

TEST_CASE("a listener pool subscribes with its group and numbers the events it takes") {
  auto lis = group("lis", -1);
  lis.kind = GroupConfig::Kind::EventListener;
  lis.events = {"PROCESS_GROUP", "SUPERVISOR_STATE_CHANGE_RUNNING"};
  lis.processes[0].autostart = false;
  Fixture f({lis, group("web", 1)});
  std::vector<std::int64_t> serials;
  auto sub = f.sup->events().observe(
      {EventType::kProcessGroup, EventType::kSupervisorStateChange, EventType::kProcessState},
      [&](const auto& e) { serials.push_back(e->serial); });
  f.sup->startup();
  REQUIRE(f.runUntil([&] { return f.state("web", "web") == ProcessState::kRunning; }));
  // The pool takes both GROUP_ADDED and RUNNING; STARTING/RUNNING are not
  // its types, so they get no serial.
  CHECK(serials == std::vector<std::int64_t>{0, 1, 2, -1, -1});
  CHECK(f.sup->events().wanted(EventType::kProcessGroupRemoved));
  CHECK_FALSE(f.sup->events().wanted(EventType::kTick5));
}
