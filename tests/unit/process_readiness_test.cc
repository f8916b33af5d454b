// The state machine's part of ready= and depends_on (docs/dependencies.md):
// STARTING -> RUNNING needs startsecs and the ready check, ready_timeout is a
// failed start, and a spawn held for dependencies waits in STARTING without
// a child. Pure: a hand-moved clock, no fork, no signal.
#include <catch2/catch.hpp>
#include <csignal>

#include "supervisord/process_state.h"

using namespace sup;
using namespace std::chrono_literals;

namespace {

struct Clock {
  std::chrono::steady_clock::time_point t{std::chrono::seconds(1000)};
  Now now() const { return Now{t, 1700000000}; }
  void advance(std::chrono::milliseconds d) { t += d; }
};

ProcessConfig notifyConfig(int startsecs = 1, int ready_timeout = 10) {
  ProcessConfig c;
  c.name = c.group = "db";
  c.argv = std::vector<std::string>{"/bin/db"};
  c.startsecs = startsecs;
  c.ready.kind = ReadyCheck::Kind::Notify;
  c.ready_timeout = ready_timeout;
  c.startretries = 1;
  return c;
}

std::optional<std::chrono::milliseconds> timerOf(const Actions& as) {
  std::optional<std::chrono::milliseconds> out;
  for (const auto& a : as)
    if (a.kind == Action::Kind::ArmTimer) out = a.delay;
  return out;
}

std::vector<int> signalsOf(const Actions& as) {
  std::vector<int> out;
  for (const auto& a : as)
    if (a.kind == Action::Kind::Signal) out.push_back(a.signo);
  return out;
}

bool logged(const Actions& as, const std::string& line) {
  for (const auto& a : as)
    if (a.kind == Action::Kind::Log && a.line == line) return true;
  return false;
}

bool spawns(const Actions& as) {
  for (const auto& a : as)
    if (a.kind == Action::Kind::Spawn) return true;
  return false;
}

}  // namespace

TEST_CASE("ready before startsecs: RUNNING when startsecs have passed", "[readiness]") {
  Clock clock;
  ProcessStateMachine m(notifyConfig(2));
  m.start(clock.now());
  CHECK(timerOf(m.onSpawned(100, clock.now())) == 2000ms);
  CHECK(m.awaitingReady());
  clock.advance(500ms);
  CHECK(m.onReady(clock.now()).empty());
  CHECK(m.state() == ProcessState::kStarting);
  CHECK_FALSE(m.awaitingReady());
  clock.advance(1500ms);
  Actions a = m.onTimer(clock.now());
  CHECK(m.state() == ProcessState::kRunning);
  CHECK(logged(a, "success: db entered RUNNING state, process is ready (notify)"));
}

TEST_CASE("ready after startsecs: RUNNING at once", "[readiness]") {
  Clock clock;
  ProcessStateMachine m(notifyConfig(1, 10));
  m.start(clock.now());
  m.onSpawned(100, clock.now());
  clock.advance(1000ms);
  // startsecs passed, not ready: the timer now waits for ready_timeout.
  CHECK(timerOf(m.onTimer(clock.now())) == 9000ms);
  CHECK(m.state() == ProcessState::kStarting);
  clock.advance(3000ms);
  m.onReady(clock.now());
  CHECK(m.state() == ProcessState::kRunning);
  // A second READY=1 changes nothing.
  CHECK(m.onReady(clock.now()).empty());
}

TEST_CASE("not ready within ready_timeout: stopsignal, SIGKILL, then a failed start",
          "[readiness]") {
  Clock clock;
  auto cfg = notifyConfig(1, 3);
  cfg.stopwaitsecs = 2;
  ProcessStateMachine m(cfg);
  m.start(clock.now());
  CHECK(timerOf(m.onSpawned(100, clock.now())) == 1000ms);
  clock.advance(1000ms);
  CHECK(timerOf(m.onTimer(clock.now())) == 2000ms);
  clock.advance(2000ms);
  Actions a = m.onTimer(clock.now());
  CHECK(signalsOf(a) == std::vector<int>{SIGTERM});
  CHECK(logged(a,
               "not ready: db was not ready within 3 seconds (ready_timeout), killing it "
               "with SIGTERM"));
  CHECK(m.state() == ProcessState::kStarting);
  // READY=1 now comes too late.
  CHECK(m.onReady(clock.now()).empty());
  clock.advance(2000ms);
  CHECK(signalsOf(m.onTimer(clock.now())) == std::vector<int>{SIGKILL});
  m.onExit(SIGKILL, clock.now(), true);
  CHECK(m.state() == ProcessState::kBackoff);
  CHECK(m.spawnErr() == "not ready within 3 seconds (ready_timeout)");
  // The retry gets a fresh check; failing again exhausts startretries=1.
  clock.advance(1000ms);
  CHECK(spawns(m.onTimer(clock.now())));
  m.onSpawned(101, clock.now());
  clock.advance(1000ms);
  m.onTimer(clock.now());
  clock.advance(2000ms);
  m.onTimer(clock.now());
  m.onExit(SIGTERM, clock.now(), true);
  CHECK(m.state() == ProcessState::kFatal);
}

TEST_CASE("ready_timeout=0 waits for the check without a limit", "[readiness]") {
  Clock clock;
  ProcessStateMachine m(notifyConfig(1, 0));
  m.start(clock.now());
  m.onSpawned(100, clock.now());
  clock.advance(1000ms);
  CHECK_FALSE(timerOf(m.onTimer(clock.now())));
  clock.advance(24h);
  m.onReady(clock.now());
  CHECK(m.state() == ProcessState::kRunning);
}

TEST_CASE("an exit before the check passed is a failed start, even after startsecs",
          "[readiness]") {
  Clock clock;
  ProcessStateMachine m(notifyConfig(1, 30));
  m.start(clock.now());
  m.onSpawned(100, clock.now());
  clock.advance(5000ms);
  m.onTimer(clock.now());
  m.onExit(0, clock.now(), true);
  CHECK(m.state() == ProcessState::kBackoff);
  CHECK(m.spawnErr() == "Exited before it was ready (process log may have details)");
}

TEST_CASE("ready=running keeps Supervisor's startsecs rule untouched", "[readiness]") {
  Clock clock;
  auto cfg = notifyConfig(3);
  cfg.ready = ReadyCheck{};
  ProcessStateMachine m(cfg);
  m.start(clock.now());
  CHECK(timerOf(m.onSpawned(100, clock.now())) == 3000ms);
  CHECK_FALSE(m.awaitingReady());
  CHECK(m.onReady(clock.now()).empty());
  clock.advance(3000ms);
  m.onTimer(clock.now());
  CHECK(m.state() == ProcessState::kRunning);
}

TEST_CASE("a held spawn waits in STARTING without a child until proceed()", "[readiness]") {
  Clock clock;
  ProcessStateMachine m(notifyConfig());
  CHECK(spawns(m.start(clock.now())));
  m.holdSpawn();
  CHECK(m.state() == ProcessState::kStarting);
  CHECK(m.waiting());
  CHECK(m.pid() == 0);
  clock.advance(5000ms);
  Actions a = m.proceed(clock.now());
  CHECK(spawns(a));
  CHECK_FALSE(m.waiting());
  // proceed() again is a no-op.
  CHECK(m.proceed(clock.now()).empty());
}

TEST_CASE("stopping a process that waits for dependencies stops it at once", "[readiness]") {
  Clock clock;
  ProcessStateMachine m(notifyConfig());
  m.start(clock.now());
  m.holdSpawn();
  Actions a = m.stop(clock.now());
  CHECK(signalsOf(a).empty());
  CHECK(m.state() == ProcessState::kStopped);
  CHECK_FALSE(m.waiting());
}

TEST_CASE("abandon: a failed dependency makes the waiting process FATAL via BACKOFF",
          "[readiness]") {
  Clock clock;
  ProcessStateMachine m(notifyConfig());
  m.start(clock.now());
  m.holdSpawn();
  Actions a = m.abandon("dependency db2 is FATAL");
  std::vector<ProcessState> states;
  for (const auto& x : a)
    if (x.kind == Action::Kind::StateChanged) states.push_back(x.to);
  CHECK(states == std::vector<ProcessState>{ProcessState::kBackoff, ProcessState::kFatal});
  CHECK(m.spawnErr() == "dependency db2 is FATAL");
  CHECK(logged(a, "gave up: db entered FATAL state, dependency db2 is FATAL"));
  // A later start spawns again.
  CHECK(spawns(m.start(clock.now())));
}
