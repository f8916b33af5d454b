// Restart policies and essential= through the Supervisor, on the fake clock
// (tests/unit/supervisor_fixture.h): when retries are spawned, and what an
// essential program's end does to the whole daemon.
#include <catch2/catch.hpp>
#include <csignal>

#include "tests/unit/supervisor_fixture.h"

using namespace sup;
using namespace sup::test;
using namespace std::chrono_literals;

namespace {

/// Let the child `name` die from `signo` now.
void killedBy(Fixture& f, const std::string& name, int signo) {
  f.sup->childExited(f.spawner.pids.at(name), signo);
}

/// Start up, let every process reach RUNNING (startsecs 0).
void startAll(Fixture& f) {
  f.sup->startup();
  f.loop.poll();
}

bool logHas(Fixture& f, const std::string& text) {
  return f.logText().find(text) != std::string::npos;
}

}  // namespace

TEST_CASE("exponential backoff with a cap spawns retries 1, 2, 4, 5 and 5 s apart", "[policy]") {
  auto g = group("crash", 1);
  ProcessConfig& p = g.processes[0];
  p.startsecs = 1;
  p.startretries = 5;
  p.restart.backoff = RestartPolicy::Backoff::Exponential;
  p.restart.backoff_max = 5;
  Fixture f({g});
  f.sup->startup();
  for (size_t attempt = 1; attempt <= 6; ++attempt) {
    REQUIRE(f.runUntil([&] { return f.spawner.spawn_ms["crash"].size() == attempt; }));
    f.exit("crash", 1);
    f.loop.poll();
  }
  CHECK(f.spawner.spawn_ms["crash"] == std::vector<long long>{0, 1000, 3000, 7000, 12000, 17000});
  CHECK(f.state("crash", "crash") == ProcessState::kFatal);
}

TEST_CASE("never_give_up keeps a broken command retrying at backoff_max", "[policy]") {
  auto g = group("broken", 1);
  ProcessConfig& p = g.processes[0];
  p.startretries = 1;
  p.restart.never_give_up = true;
  p.restart.backoff_max = 2;
  Fixture f({g});
  f.spawner.failing.insert("broken");
  f.sup->startup();
  f.advance(20s);
  CHECK(f.spawner.spawn_ms["broken"] ==
        std::vector<long long>{0, 1000, 3000, 5000, 7000, 9000, 11000, 13000, 15000, 17000, 19000});
  CHECK(f.state("broken", "broken") == ProcessState::kBackoff);
  CHECK(logHas(f,
               "INFO not giving up: broken stays in BACKOFF state, too many start retries "
               "too quickly (never_give_up)"));
}

TEST_CASE("restart_limit delays the restart that goes over it", "[policy]") {
  auto g = group("loop", 1);
  g.processes[0].restart.restart_limit = 2;
  g.processes[0].restart.restart_limit_seconds = 10;
  Fixture f({g});
  startAll(f);
  for (int crash = 0; crash < 3; ++crash) {
    f.advance(500ms);
    f.exit("loop", 1);
    f.loop.poll();
  }
  // Two restarts at once, the third 1 s after its exit.
  CHECK(f.spawner.spawn_ms["loop"] == std::vector<long long>{0, 500, 1000});
  CHECK(f.state("loop", "loop") == ProcessState::kBackoff);
  f.advance(1s);
  CHECK(f.spawner.spawn_ms["loop"] == std::vector<long long>{0, 500, 1000, 2500});
  CHECK(logHas(f,
               "INFO backoff: loop entered BACKOFF state, more than 2 restarts within 10 "
               "seconds (restart_limit)"));
}

TEST_CASE("an essential program that exits for good stops everything and gives its status",
          "[policy]") {
  auto app = group("app", 10);
  app.processes[0].essential = true;
  app.processes[0].autorestart = AutoRestart::False;
  auto db = group("db", 1);
  auto cache = group("cache", 5);
  Fixture f({db, cache, app});
  startAll(f);
  f.advance(2s);
  f.exit("app", 3);
  f.loop.poll();
  CHECK(f.sup->state() == SupervisorState::Shutdown);
  CHECK(f.sup->essentialExitStatus() == 3);
  CHECK(logHas(f,
               "WARN essential program app exited and will not be restarted: shutting down, "
               "exit status 3"));
  // Priority order, as any shutdown: cache (5) first, db (1) once cache is down.
  REQUIRE(f.spawner.kills.size() == 1);
  CHECK(f.spawner.killsOf("cache").size() == 1);
  killedBy(f, "cache", SIGTERM);
  f.loop.poll();
  CHECK(f.spawner.killsOf("db").size() == 1);
  killedBy(f, "db", SIGTERM);
  REQUIRE(f.runUntil([&] { return f.outcome.has_value(); }));
  CHECK(*f.outcome == RunOutcome::Shutdown);
  CHECK(f.sup->essentialExitStatus() == 3);
}

TEST_CASE("an essential program killed by a signal gives 128 plus the signal", "[policy]") {
  auto app = group("app", 1);
  app.processes[0].essential = true;
  app.processes[0].autorestart = AutoRestart::False;
  Fixture f({app});
  startAll(f);
  killedBy(f, "app", SIGKILL);
  REQUIRE(f.runUntil([&] { return f.outcome.has_value(); }));
  CHECK(f.sup->essentialExitStatus() == 128 + SIGKILL);
}

TEST_CASE("an essential program that goes FATAL gives its last exit status", "[policy]") {
  auto app = group("app", 1);
  app.processes[0].essential = true;
  app.processes[0].startsecs = 1;
  app.processes[0].startretries = 1;
  auto other = group("other", 2);
  Fixture f({app, other});
  f.sup->startup();
  for (size_t attempt = 1; attempt <= 2; ++attempt) {
    REQUIRE(f.runUntil([&] { return f.spawner.spawn_ms["app"].size() == attempt; }));
    f.exit("app", 2);
    f.loop.poll();
  }
  CHECK(f.state("app", "app") == ProcessState::kFatal);
  CHECK(logHas(f, "WARN essential program app entered FATAL state: shutting down, exit status 2"));
  CHECK(f.spawner.killsOf("other").size() == 1);
  killedBy(f, "other", SIGTERM);
  REQUIRE(f.runUntil([&] { return f.outcome.has_value(); }));
  CHECK(f.sup->essentialExitStatus() == 2);
}

TEST_CASE("an essential program that never ran goes FATAL with status 127", "[policy]") {
  auto app = group("app", 1);
  app.processes[0].essential = true;
  app.processes[0].startretries = 0;
  Fixture f({app});
  f.spawner.failing.insert("app");
  f.sup->startup();
  REQUIRE(f.runUntil([&] { return f.outcome.has_value(); }));
  CHECK(f.sup->essentialExitStatus() == 127);
}

TEST_CASE("an essential program that is restarted, stopped or not essential ends nothing",
          "[policy]") {
  auto restarted = group("restarted", 1);
  restarted.processes[0].essential = true;
  restarted.processes[0].autorestart = AutoRestart::True;
  auto stopped = group("stopped", 1);
  stopped.processes[0].essential = true;
  auto plain = group("plain", 1);
  plain.processes[0].autorestart = AutoRestart::False;
  Fixture f({restarted, stopped, plain});
  startAll(f);
  f.exit("restarted", 0);
  f.exit("plain", 1);
  bool stop_done = false;
  f.sup->stopProcess({"stopped", "stopped"}, true,
                     [&](const proto::CallResult&) { stop_done = true; });
  killedBy(f, "stopped", SIGTERM);
  f.advance(5s);
  CHECK(stop_done);
  CHECK(f.state("restarted", "restarted") == ProcessState::kRunning);
  CHECK(f.state("stopped", "stopped") == ProcessState::kStopped);
  CHECK(f.state("plain", "plain") == ProcessState::kExited);
  CHECK(f.sup->state() == SupervisorState::Running);
  CHECK_FALSE(f.sup->essentialExitStatus());
  CHECK_FALSE(logHas(f, "essential program"));
}

TEST_CASE("an essential program that exits during a shutdown does not change the status",
          "[policy]") {
  auto app = group("app", 1);
  app.processes[0].essential = true;
  Fixture f({app});
  startAll(f);
  f.sup->shutdown();
  killedBy(f, "app", SIGTERM);
  REQUIRE(f.runUntil([&] { return f.outcome.has_value(); }));
  CHECK_FALSE(f.sup->essentialExitStatus());
}
