// Supervisor logic with a FakeSpawner on a fake clock: start order,
// parallel stop by priority, RPC-style operations and reload diffs, without
// forking. The timing rules are in supervisor_timing_test.cc.
#include "supervisord/supervisor.h"

#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <csignal>

#include "tests/unit/supervisor_fixture.h"

using namespace sup;
using sup::proto::Fault;
using namespace std::chrono_literals;

using namespace sup::test;
TEST_CASE("autostart programs start in ascending priority - autostart=false ones do not") {
  auto manual = group("manual", 1);
  manual.processes[0].autostart = false;
  Fixture f({group("late", 300), manual, group("early", 5), group("mid", 100)});
  f.sup->startup();
  CHECK(f.spawner.spawned == std::vector<std::string>{"early", "mid", "late"});
  CHECK(f.state("manual", "manual") == ProcessState::kStopped);
}

TEST_CASE("shutdown stops equal priorities in parallel, higher priorities first") {
  Fixture f({group("db", 10), group("web1", 20), group("web2", 20)});
  f.sup->startup();
  REQUIRE(f.runUntil([&] { return f.state("db", "db") == ProcessState::kRunning; }));
  f.sup->shutdown();
  CHECK(f.spawner.killed("web1"));
  CHECK(f.spawner.killed("web2"));
  CHECK_FALSE(f.spawner.killed("db"));
  f.exit("web1", 0);
  REQUIRE(f.runUntil([&] { return true; }));
  CHECK_FALSE(f.spawner.killed("db"));
  f.exit("web2", 0);
  REQUIRE(f.runUntil([&] { return f.spawner.killed("db"); }));
  CHECK_FALSE(f.outcome);
  f.exit("db", 0);
  REQUIRE(f.runUntil([&] { return f.outcome.has_value(); }));
  CHECK(*f.outcome == RunOutcome::Shutdown);
  CHECK(f.logText().find("INFO waiting for ") != std::string::npos);
}

TEST_CASE("restart finishes with RunOutcome::Restart once everything stopped") {
  Fixture f({group("a", 1)});
  f.sup->startup();
  f.sup->restart();
  f.exit("a", 0);
  REQUIRE(f.runUntil([&] { return f.outcome.has_value(); }));
  CHECK(*f.outcome == RunOutcome::Restart);
}

TEST_CASE("shutdown with nothing running finishes at once") {
  auto g = group("a", 1);
  g.processes[0].autostart = false;
  Fixture f({g});
  f.sup->startup();
  f.sup->shutdown();
  REQUIRE(f.runUntil([&] { return f.outcome.has_value(); }));
}

TEST_CASE("startProcess with wait answers once the process is RUNNING") {
  auto g = group("a", 1);
  g.processes[0].autostart = false;
  Fixture f({g});
  f.sup->startup();
  std::optional<proto::CallResult> result;
  f.sup->startProcess({"a", "a"}, true, [&](const proto::CallResult& r) { result = r; });
  CHECK_FALSE(result);
  REQUIRE(f.runUntil([&] { return result.has_value(); }));
  CHECK(result->fault() == Fault::kSuccess);
  CHECK(f.state("a", "a") == ProcessState::kRunning);
}

TEST_CASE("startProcess faults: BAD_NAME, ALREADY_STARTED, SPAWN_ERROR, NO_FILE") {
  auto missing = group("missing", 2);
  missing.processes[0].argv = std::vector<std::string>{"/nonexistent/cmd"};
  missing.processes[0].autostart = false;
  auto failing = group("failing", 3);
  failing.processes[0].autostart = false;
  Fixture f({group("a", 1), missing, failing});
  f.spawner.failing.insert("failing");
  f.sup->startup();
  std::vector<proto::CallResult> results;
  auto collect = [&](const proto::CallResult& r) { results.push_back(r); };
  f.sup->startProcess({"nope", "nope"}, true, collect);
  f.sup->startProcess({"a", "a"}, true, collect);
  f.sup->startProcess({"failing", "failing"}, true, collect);
  f.sup->startProcess({"missing", "missing"}, true, collect);
  REQUIRE(results.size() == 4);
  CHECK(results[0].fault() == Fault::kBadName);
  CHECK(results[0].description == "BAD_NAME: nope");
  CHECK(results[1].fault() == Fault::kAlreadyStarted);
  CHECK(results[2].fault() == Fault::kSpawnError);
  CHECK(results[3].fault() == Fault::kNoFile);
  CHECK(results[3].description == "NO_FILE: can't find command '/nonexistent/cmd'");
}

TEST_CASE("startProcess with wait reports SPAWN_ERROR when the process exits too quickly") {
  auto g = group("a", 1);
  g.processes[0].autostart = false;
  g.processes[0].startsecs = 10;
  Fixture f({g});
  f.sup->startup();
  std::optional<proto::CallResult> result;
  f.sup->startProcess({"a", "a"}, true, [&](const proto::CallResult& r) { result = r; });
  f.exit("a", 1);
  REQUIRE(f.runUntil([&] { return result.has_value(); }));
  CHECK(result->fault() == Fault::kSpawnError);
  CHECK(f.state("a", "a") == ProcessState::kBackoff);
}

TEST_CASE("stopProcess with wait answers once stopped - NOT_RUNNING when already stopped") {
  Fixture f({group("a", 1)});
  f.sup->startup();
  std::optional<proto::CallResult> result;
  f.sup->stopProcess({"a", "a"}, true, [&](const proto::CallResult& r) { result = r; });
  CHECK_FALSE(result);
  CHECK(f.spawner.kills.back().signo == SIGTERM);
  f.sup->childExited(f.spawner.pids["a"], SIGTERM);
  REQUIRE(f.runUntil([&] { return result.has_value(); }));
  CHECK(result->fault() == Fault::kSuccess);
  std::optional<proto::CallResult> again;
  f.sup->stopProcess({"a", "a"}, true, [&](const proto::CallResult& r) { again = r; });
  REQUIRE(again);
  CHECK(again->fault() == Fault::kNotRunning);
}

TEST_CASE("stopProcesses stops a whole group in parallel and reports each") {
  Fixture f({group("g", 1, {proc("g", "x", 1), proc("g", "y", 2)})});
  f.sup->startup();
  std::optional<std::vector<proto::CallResult>> results;
  f.sup->stopProcesses(f.sup->groupProcesses("g"), true,
                       [&](std::vector<proto::CallResult> r) { results = std::move(r); });
  CHECK(f.spawner.killed("x"));
  CHECK(f.spawner.killed("y"));
  f.exit("x", 0);
  f.exit("y", 0);
  REQUIRE(f.runUntil([&] { return results.has_value(); }));
  CHECK(results->size() == 2);
}

TEST_CASE("signalProcess needs a signallable state") {
  auto g = group("a", 1);
  g.processes[0].autostart = false;
  Fixture f({g, group("b", 2)});
  f.sup->startup();
  CHECK(f.sup->signalProcess({"a", "a"}, SIGUSR1).fault() == Fault::kNotRunning);
  CHECK(f.sup->signalProcess({"b", "b"}, SIGUSR1).fault() == Fault::kSuccess);
  CHECK(f.spawner.kills.back().signo == SIGUSR1);
}

TEST_CASE("namespecs resolve like Supervisor's: name, group:name, group:*, group:") {
  Fixture f({group("g", 1, {proc("g", "g_00"), proc("g", "g_01")}), group("solo", 2)});
  f.sup->startup();
  CHECK(f.sup->resolve("solo").value() == std::vector<ProcessId>{{"solo", "solo"}});
  CHECK(f.sup->resolve("g:g_01").value() == std::vector<ProcessId>{{"g", "g_01"}});
  CHECK(f.sup->resolve("g:*").value().size() == 2);
  CHECK(f.sup->resolve("g:").value().size() == 2);
  CHECK_FALSE(f.sup->resolve("g").ok());  // a multi-process program needs g:*
  CHECK_FALSE(f.sup->resolve("nope").ok());
  CHECK_FALSE(f.sup->resolve("g:nope").ok());
}

TEST_CASE("process info is sorted by group and name with Supervisor's descriptions") {
  auto a = group("zeta", 1);
  a.processes[0].autostart = false;
  Fixture f({a, group("alpha", 2)});
  f.sup->startup();
  auto infos = f.sup->allProcessInfo();
  REQUIRE(infos.size() == 2);
  CHECK(infos[0].name == "alpha");
  CHECK(infos[0].statename == "STARTING");
  CHECK(infos[0].pid == f.spawner.pids["alpha"]);
  CHECK(infos[1].name == "zeta");
  CHECK(infos[1].description == "Not started");
  REQUIRE(f.runUntil([&] { return f.state("alpha", "alpha") == ProcessState::kRunning; }));
  auto running = f.sup->processInfo({"alpha", "alpha"});
  CHECK(running->description == "pid " + std::to_string(running->pid) + ", uptime 0:00:00");
}

TEST_CASE("diffConfig reports added, changed and removed groups") {
  Fixture f({group("keep", 1), group("change", 2), group("gone", 3)});
  f.sup->startup();
  Config fresh;
  fresh.groups = {group("keep", 1), group("change", 2), group("new", 4)};
  fresh.groups[1].processes[0].startsecs = 42;
  ConfigDiff d = f.sup->diffConfig(fresh);
  CHECK(d.added == std::vector<std::string>{"new"});
  CHECK(d.changed == std::vector<std::string>{"change"});
  CHECK(d.removed == std::vector<std::string>{"gone"});
}

TEST_CASE("each process's config is held once: the config, its group and its machine share it") {
  Fixture f({group("web", 1, {proc("web", "a", 1), proc("web", "b", 2)})});
  f.sup->startup();
  REQUIRE(f.sup->groupConfig("web"));
  const ProcessConfig* b = f.sup->processConfig({"web", "b"});
  REQUIRE(b);
  CHECK(b->name == "b");
  CHECK(b->priority == 2);
  CHECK(f.sup->groupConfig("web") == &f.sup->config().groups.at(0));
  CHECK(b == &f.sup->config().groups.at(0).processes.at(1));
  CHECK(f.sup->processConfig({"web", "c"}) == nullptr);
  // diffConfig compares the group as a whole: same config, no change...
  Config fresh;
  fresh.groups = {group("web", 1, {proc("web", "a", 1), proc("web", "b", 2)})};
  CHECK(f.sup->diffConfig(fresh).changed.empty());
  // ...and a change of the group's own settings or of its process list is one.
  fresh.groups[0].priority = 7;
  CHECK(f.sup->diffConfig(fresh).changed == std::vector<std::string>{"web"});
  fresh.groups = {group("web", 1, {proc("web", "a", 1)})};
  CHECK(f.sup->diffConfig(fresh).changed == std::vector<std::string>{"web"});
  // A reread config replaces the Supervisor's; the running group keeps
  // the one it came from, alive and unchanged.
  Config reread;
  reread.groups = {group("web", 9, {proc("web", "a", 1)})};
  f.sup->setConfig(reread);
  CHECK(f.sup->processConfig({"web", "b"}) == b);
  CHECK(b->priority == 2);
  CHECK(f.sup->groupConfig("web")->priority == 1);
  CHECK(f.sup->diffConfig(f.sup->config()).changed == std::vector<std::string>{"web"});
}

TEST_CASE("a reread config takes over the running groups it leaves unchanged") {
  Fixture f({group("same", 1, {proc("same", "a", 1), proc("same", "b", 2)}), group("other", 2)});
  f.sup->startup();
  const ProcessConfig* before = f.sup->processConfig({"other", "other"});
  Config reread;
  reread.groups = {group("same", 1, {proc("same", "a", 1), proc("same", "b", 2)}),
                   group("other", 3)};
  f.sup->setConfig(reread);
  // Unchanged: group and machines now point into the new Config (the old
  // one can go). Changed: still its own, until update replaces the group.
  CHECK(f.sup->groupConfig("same") == &f.sup->config().groups.at(0));
  CHECK(f.sup->processConfig({"same", "b"}) == &f.sup->config().groups.at(0).processes.at(1));
  CHECK(f.sup->processConfig({"other", "other"}) == before);
  CHECK(f.sup->groupConfig("other")->priority == 2);
  ConfigDiff d = f.sup->diffConfig(f.sup->config());
  CHECK(d.changed == std::vector<std::string>{"other"});
  CHECK(d.added.empty());
  CHECK(d.removed.empty());
  // Unchanged everywhere: the first Config is gone now, and lookups by name
  // (whose index viewed names inside it) still work (ASan checks the rest).
  Config again = reread;
  again.groups[1] = group("other", 2);
  f.sup->setConfig(again);
  f.sup->setConfig(reread);
  REQUIRE(f.sup->groupConfig("same"));
  CHECK(f.sup->processConfig({"same", "a"})->name == "a");
  CHECK(f.sup->groupConfig("other")->priority == 2);
}

TEST_CASE("groups can be added once and removed only when stopped") {
  Fixture f({group("a", 1)});
  f.sup->startup();
  CHECK(f.sup->addGroup(group("a", 1)) == Fault::kAlreadyAdded);
  CHECK(f.sup->addGroup(group("b", 2)) == Fault::kSuccess);
  CHECK(f.spawner.spawned.back() == "b");  // autostart on add
  CHECK(f.sup->removeGroup("a") == Fault::kStillRunning);
  CHECK(f.sup->removeGroup("nope") == Fault::kBadName);
  f.sup->stopProcess({"a", "a"}, false, [](const proto::CallResult&) {});
  f.exit("a", 0);
  CHECK(f.sup->removeGroup("a") == Fault::kSuccess);
  CHECK(f.sup->groupNames() == std::vector<std::string>{"b"});
}

TEST_CASE("subscribers see every state change") {
  Fixture f({group("a", 1)});
  std::vector<std::pair<ProcessState, ProcessState>> seen;
  f.sup->subscribe(
      [&](const ProcessId&, ProcessState from, ProcessState to) { seen.emplace_back(from, to); });
  f.sup->startup();
  REQUIRE(f.runUntil([&] { return f.state("a", "a") == ProcessState::kRunning; }));
  REQUIRE(seen.size() == 2);
  CHECK(seen[0] == std::make_pair(ProcessState::kStopped, ProcessState::kStarting));
  CHECK(seen[1] == std::make_pair(ProcessState::kStarting, ProcessState::kRunning));
}

TEST_CASE("an unknown pid is logged as reaped unknown pid") {
  Fixture f({group("a", 1)});
  f.sup->childExited(999999, 0);
  CHECK(f.logText().find("INFO reaped unknown pid 999999 (exit status 0)") != std::string::npos);
}
