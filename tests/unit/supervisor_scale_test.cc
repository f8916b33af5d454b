// The Supervisor's lookups that keep 10,000 programs cheap: groups by name,
// big groups' processes by name, getAllProcessInfo's order kept between
// calls, and shutdown's per-priority count of processes still running
// (each level's stops sent once). These tests check that the indexes stay
// right as groups come and go; bench/ measures what they save.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "supervisord/supervisor.h"
#include "tests/unit/supervisor_fixture.h"

using namespace sup;
using namespace sup::test;
using namespace std::chrono_literals;

namespace {

// A group of `n` processes "<name>_00" ... (numprocs-style).
GroupConfig bigGroup(const std::string& name, int priority, int n) {
  std::vector<ProcessConfig> procs;
  for (int i = 0; i < n; ++i) {
    std::string num = (i < 10 ? "0" : "") + std::to_string(i);
    procs.push_back(proc(name, name + "_" + num, priority));
  }
  return group(name, priority, procs);
}

std::vector<std::string> infoNames(Supervisor& sup) {
  std::vector<std::string> out;
  for (const auto& i : sup.allProcessInfo()) out.push_back(i.group + ":" + i.name);
  return out;
}

}  // namespace

TEST_CASE("each process of a big group is found by name, also after the group is re-added") {
  Fixture f({bigGroup("big", 10, 40), group("small", 20)});
  f.sup->startup();
  auto one = f.sup->resolve("big:big_17");
  REQUIRE(one.ok());
  REQUIRE(one->size() == 1);
  CHECK(one->front().name == "big_17");
  CHECK_FALSE(f.sup->resolve("big:big_40").ok());
  CHECK(f.sup->resolve("big:*")->size() == 40);
  CHECK(f.sup->processInfo({"big", "big_39"}).has_value());
  CHECK_FALSE(f.sup->processInfo({"big", "small"}).has_value());
  // Stop it, remove it, add it back: the lookups follow.
  std::optional<std::vector<proto::CallResult>> stopped;
  f.sup->stopProcesses(*f.sup->resolve("big:*"), true, [&](auto r) { stopped = std::move(r); });
  for (int i = 0; i < 40; ++i)
    f.exit("big_" + std::string(i < 10 ? "0" : "") + std::to_string(i), 0);
  REQUIRE(f.runUntil([&] { return stopped.has_value(); }));
  CHECK(stopped->size() == 40);
  REQUIRE(f.sup->removeGroup("big") == proto::Fault::kSuccess);
  CHECK_FALSE(f.sup->resolve("big:big_17").ok());
  CHECK_FALSE(f.sup->processInfo({"big", "big_17"}).has_value());
  CHECK(f.sup->groupConfig("big") == nullptr);
  REQUIRE(f.sup->addGroup(bigGroup("big", 10, 40)) == proto::Fault::kSuccess);
  CHECK(f.sup->resolve("big:big_17").ok());
  CHECK(f.sup->processInfo({"big", "big_05"}).has_value());
}

TEST_CASE("getAllProcessInfo's order follows groups added and removed") {
  Fixture f({group("bravo", 1), group("delta", 2)});
  f.sup->startup();
  CHECK(infoNames(*f.sup) == std::vector<std::string>{"bravo:bravo", "delta:delta"});
  REQUIRE(f.sup->addGroup(group("alpha", 9)) == proto::Fault::kSuccess);
  REQUIRE(f.sup->addGroup(group("charlie", 0)) == proto::Fault::kSuccess);
  CHECK(infoNames(*f.sup) ==
        std::vector<std::string>{"alpha:alpha", "bravo:bravo", "charlie:charlie", "delta:delta"});
  std::optional<proto::CallResult> stopped;
  f.sup->stopProcess({"bravo", "bravo"}, true, [&](auto r) { stopped = r; });
  f.exit("bravo", 0);
  REQUIRE(f.runUntil([&] { return stopped.has_value(); }));
  REQUIRE(f.sup->removeGroup("bravo") == proto::Fault::kSuccess);
  CHECK(infoNames(*f.sup) ==
        std::vector<std::string>{"alpha:alpha", "charlie:charlie", "delta:delta"});
}

TEST_CASE("shutdown signals each process once, a priority level at a time, down to the last") {
  Fixture f({group("a30", 30), group("b30", 30), bigGroup("c20", 20, 20), group("d10", 10)});
  f.sup->startup();
  REQUIRE(f.runUntil([&] { return f.state("d10", "d10") == ProcessState::kRunning; }));
  f.sup->shutdown();
  CHECK(f.spawner.killsOf("a30").size() == 1);
  CHECK(f.spawner.killsOf("b30").size() == 1);
  CHECK_FALSE(f.spawner.killed("c20_00"));
  f.exit("a30", 0);
  REQUIRE(f.runUntil([&] { return true; }));
  // Still on level 30: b30 is not signalled again, level 20 not yet.
  CHECK(f.spawner.killsOf("b30").size() == 1);
  CHECK_FALSE(f.spawner.killed("c20_00"));
  f.exit("b30", 0);
  REQUIRE(f.runUntil([&] { return f.spawner.killed("c20_19"); }));
  for (int i = 0; i < 20; ++i) {
    std::string name = "c20_" + std::string(i < 10 ? "0" : "") + std::to_string(i);
    CHECK(f.spawner.killsOf(name).size() == 1);
    f.exit(name, 0);
    REQUIRE(f.runUntil([&] { return true; }));
    if (i < 19) CHECK_FALSE(f.spawner.killed("d10"));
  }
  REQUIRE(f.runUntil([&] { return f.spawner.killed("d10"); }));
  CHECK_FALSE(f.outcome);
  f.exit("d10", 0);
  REQUIRE(f.runUntil([&] { return f.outcome.has_value(); }));
  CHECK(*f.outcome == RunOutcome::Shutdown);
}

TEST_CASE("shutdown skips a level whose processes were already stopped") {
  Fixture f({group("a30", 30), group("b20", 20), group("c10", 10)});
  f.sup->startup();
  REQUIRE(f.runUntil([&] { return f.state("c10", "c10") == ProcessState::kRunning; }));
  std::optional<proto::CallResult> stopped;
  f.sup->stopProcess({"b20", "b20"}, true, [&](auto r) { stopped = r; });
  f.exit("b20", 0);
  REQUIRE(f.runUntil([&] { return stopped.has_value(); }));
  f.sup->shutdown();
  f.exit("a30", 0);
  REQUIRE(f.runUntil([&] { return f.spawner.killed("c10"); }));
  CHECK(f.spawner.killsOf("b20").size() == 1);  // the stopProcess only
  f.exit("c10", 0);
  REQUIRE(f.runUntil([&] { return f.outcome.has_value(); }));
}
