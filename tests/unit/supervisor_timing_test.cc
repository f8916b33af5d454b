// The Supervisor's timing rules on a fake clock: startsecs, the backoff
// between retries, stopwaitsecs and the shutdown order by priority. Each
// test covers seconds of daemon time and checks them to the millisecond,
// in microseconds of real time (tests/unit/fake_clock.h).
#include <catch2/catch.hpp>
#include <csignal>

#include "tests/unit/supervisor_fixture.h"

using namespace sup;
using namespace sup::test;
using namespace std::chrono_literals;

TEST_CASE("a process becomes RUNNING exactly startsecs after its spawn") {
  auto g = group("web", 1);
  g.processes[0].startsecs = 5;
  Fixture f({g});
  f.sup->startup();
  CHECK(f.spawner.spawn_ms["web"] == std::vector<long long>{0});
  f.advance(4999ms);
  CHECK(f.state("web", "web") == ProcessState::kStarting);
  f.advance(1ms);
  CHECK(f.state("web", "web") == ProcessState::kRunning);
}

TEST_CASE("exits before startsecs are retried after 1, 2 and 3 s, then the process is FATAL") {
  auto g = group("crash", 1);
  g.processes[0].startsecs = 1;
  g.processes[0].startretries = 3;
  Fixture f({g});
  f.sup->startup();
  for (size_t attempt = 1; attempt <= 4; ++attempt) {
    REQUIRE(f.runUntil([&] { return f.spawner.spawn_ms["crash"].size() == attempt; }));
    f.exit("crash", 1);
    f.loop.poll();
  }
  CHECK(f.spawner.spawn_ms["crash"] == std::vector<long long>{0, 1000, 3000, 6000});
  CHECK(f.state("crash", "crash") == ProcessState::kFatal);
  // No fifth attempt, however long we wait.
  f.advance(1h);
  CHECK(f.spawner.spawn_ms["crash"].size() == 4);
  CHECK(f.logText().find("INFO gave up: crash entered FATAL state, too many start retries too "
                         "quickly") != std::string::npos);
}

TEST_CASE("a spawn error backs off like an early exit") {
  auto g = group("broken", 1);
  g.processes[0].startretries = 2;
  Fixture f({g});
  f.spawner.failing.insert("broken");
  f.sup->startup();
  REQUIRE(f.runUntil([&] { return f.state("broken", "broken") == ProcessState::kFatal; }));
  CHECK(f.spawner.spawn_ms["broken"] == std::vector<long long>{0, 1000, 3000});
}

TEST_CASE("a process that ignores its stopsignal gets SIGKILL stopwaitsecs later") {
  auto g = group("stuck", 1);
  g.processes[0].stopwaitsecs = 7;
  Fixture f({g});
  f.sup->startup();
  REQUIRE(f.runUntil([&] { return f.state("stuck", "stuck") == ProcessState::kRunning; }));
  f.advance(500ms);
  f.sup->stopProcess({"stuck", "stuck"}, false, [](const proto::CallResult&) {});
  f.advance(6999ms);
  auto kills = f.spawner.killsOf("stuck");
  REQUIRE(kills.size() == 1);
  CHECK(kills[0].signo == SIGTERM);
  CHECK(kills[0].at_ms == 500);
  f.advance(1ms);
  kills = f.spawner.killsOf("stuck");
  REQUIRE(kills.size() == 2);
  CHECK(kills[1].signo == SIGKILL);
  CHECK(kills[1].at_ms == 7500);
  f.sup->childExited(f.spawner.pids.at("stuck"), SIGKILL);
  CHECK(f.state("stuck", "stuck") == ProcessState::kStopped);
}

TEST_CASE(
    "shutdown stops a priority level only after the one above it is down, killing a stuck one") {
  auto db = group("db", 10);
  db.processes[0].stopwaitsecs = 5;
  auto web = group("web", 20);
  web.processes[0].stopwaitsecs = 3;
  Fixture f({db, web});
  f.sup->startup();
  REQUIRE(f.runUntil([&] { return f.state("db", "db") == ProcessState::kRunning; }));
  f.sup->shutdown();
  f.loop.poll();
  // web (priority 20) first; db waits while web ignores SIGTERM.
  REQUIRE(f.spawner.killsOf("web").size() == 1);
  CHECK(f.spawner.killsOf("db").empty());
  f.advance(2999ms);
  CHECK(f.spawner.killsOf("db").empty());
  f.advance(1ms);
  auto web_kills = f.spawner.killsOf("web");
  REQUIRE(web_kills.size() == 2);
  CHECK(web_kills[1].signo == SIGKILL);
  CHECK(web_kills[1].at_ms == 3000);
  // web dies of the SIGKILL: now db is asked to stop, and exits at once.
  f.sup->childExited(f.spawner.pids.at("web"), SIGKILL);
  REQUIRE(f.runUntil([&] { return f.spawner.killed("db"); }));
  auto db_kills = f.spawner.killsOf("db");
  CHECK(db_kills[0].signo == SIGTERM);
  CHECK(db_kills[0].at_ms == 3000);
  CHECK_FALSE(f.outcome);
  f.exit("db", 0);
  REQUIRE(f.runUntil([&] { return f.outcome.has_value(); }));
  CHECK(*f.outcome == RunOutcome::Shutdown);
  CHECK(f.clock.elapsedMs() == 3000);
}
