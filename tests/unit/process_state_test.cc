// One TEST_CASE per row of the state table (supervisor-4.2.5.md section 2),
// driven with a fake clock: no fork, no signals, no sleeping.
#include "supervisord/process_state.h"

#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <csignal>

using namespace sup;
using namespace std::chrono_literals;

namespace {

struct FakeClock {
  std::chrono::steady_clock::time_point t{std::chrono::seconds(1000)};
  std::time_t wall = 1700000000;
  Now now() const { return Now{t, wall}; }
  void advance(std::chrono::milliseconds d) {
    t += d;
    wall += std::chrono::duration_cast<std::chrono::seconds>(d).count();
  }
};

ProcessConfig config(const std::string& name = "web") {
  ProcessConfig c;
  c.name = name;
  c.group = name;
  c.argv = std::vector<std::string>{"/bin/true"};
  return c;
}

int exitStatus(int code) {
  return (code & 0xff) << 8;
}  // as waitpid reports it
int signalStatus(int sig) {
  return sig & 0x7f;
}

bool has(const Actions& as, Action::Kind kind) {
  for (const auto& a : as)
    if (a.kind == kind) return true;
  return false;
}

std::vector<std::string> logs(const Actions& as) {
  std::vector<std::string> out;
  for (const auto& a : as)
    if (a.kind == Action::Kind::Log && a.level >= LogLevel::Info) out.push_back(a.line);
  return out;
}

const Action* find(const Actions& as, Action::Kind kind) {
  for (const auto& a : as)
    if (a.kind == kind) return &a;
  return nullptr;
}
// The result points into `as`: a temporary would leave it dangling (ASan
// caught one such use).
const Action* find(Actions&& as, Action::Kind kind) = delete;

// Start and spawn: the machine is STARTING with a pid.
void spawnStarting(ProcessStateMachine& m, FakeClock& clock, int pid = 100) {
  m.start(clock.now());
  m.onSpawned(pid, clock.now());
}

// Start, spawn and outlive startsecs (1 s): the machine is RUNNING.
void reachRunning(ProcessStateMachine& m, FakeClock& clock) {
  spawnStarting(m, clock);
  clock.advance(2s);
  m.onTimer(clock.now());
  REQUIRE(m.state() == ProcessState::kRunning);
}

}  // namespace

TEST_CASE("STOPPED -> STARTING on start asks for a spawn") {
  FakeClock clock;
  ProcessStateMachine m(config());
  Actions a = m.start(clock.now());
  CHECK(m.state() == ProcessState::kStarting);
  CHECK(has(a, Action::Kind::Spawn));
  const Action* sc = find(a, Action::Kind::StateChanged);
  REQUIRE(sc);
  CHECK(sc->from == ProcessState::kStopped);
  CHECK(sc->to == ProcessState::kStarting);
  CHECK(m.everStarted());
}

TEST_CASE("a spawned process logs its pid and arms the startsecs timer") {
  FakeClock clock;
  auto c = config();
  c.startsecs = 5;
  ProcessStateMachine m(c);
  m.start(clock.now());
  Actions a = m.onSpawned(4242, clock.now());
  CHECK(logs(a) == std::vector<std::string>{"spawned: 'web' with pid 4242"});
  const Action* t = find(a, Action::Kind::ArmTimer);
  REQUIRE(t);
  CHECK(t->delay == 5000ms);
  CHECK(m.pid() == 4242);
}

TEST_CASE("STARTING -> RUNNING once the process stays up for startsecs") {
  FakeClock clock;
  ProcessStateMachine m(config());
  spawnStarting(m, clock);
  clock.advance(1000ms);
  Actions a = m.onTimer(clock.now());
  CHECK(m.state() == ProcessState::kRunning);
  CHECK(logs(a) == std::vector<std::string>{
                       "success: web entered RUNNING state, process has stayed up for > than 1 "
                       "seconds (startsecs)"});
}

TEST_CASE(
    "STARTING -> BACKOFF when the process exits before startsecs, even with an expected code") {
  FakeClock clock;
  ProcessStateMachine m(config());
  spawnStarting(m, clock);
  clock.advance(200ms);
  Actions a = m.onExit(exitStatus(0), clock.now(), true);
  CHECK(m.state() == ProcessState::kBackoff);
  CHECK(logs(a) == std::vector<std::string>{"exited: web (exit status 0; not expected)"});
  CHECK(m.spawnErr() == "Exited too quickly (process log may have details)");
  const Action* t = find(a, Action::Kind::ArmTimer);
  REQUIRE(t);
  CHECK(t->delay == 1000ms);
  CHECK(m.pid() == 0);
}

TEST_CASE("STARTING -> BACKOFF on a spawn error, logged as spawnerr") {
  FakeClock clock;
  ProcessStateMachine m(config());
  m.start(clock.now());
  Actions a = m.onSpawnError("can't find command 'nope'", clock.now());
  CHECK(m.state() == ProcessState::kBackoff);
  CHECK(logs(a) == std::vector<std::string>{"spawnerr: can't find command 'nope'"});
  CHECK(m.spawnErr() == "can't find command 'nope'");
}

TEST_CASE("BACKOFF -> STARTING after 1, 2, 3 seconds for successive failures") {
  FakeClock clock;
  auto c = config();
  c.startretries = 3;
  ProcessStateMachine m(c);
  m.start(clock.now());
  std::vector<std::chrono::milliseconds> delays;
  for (int i = 0; i < 3; ++i) {
    Actions a = m.onSpawnError("boom", clock.now());
    REQUIRE(m.state() == ProcessState::kBackoff);
    delays.push_back(find(a, Action::Kind::ArmTimer)->delay);
    clock.advance(delays.back());
    Actions again = m.onTimer(clock.now());
    CHECK(m.state() == ProcessState::kStarting);
    CHECK(has(again, Action::Kind::Spawn));
  }
  CHECK(delays == std::vector<std::chrono::milliseconds>{1000ms, 2000ms, 3000ms});
}

TEST_CASE("BACKOFF -> FATAL after startretries failed retries (1 + startretries attempts)") {
  FakeClock clock;
  auto c = config();
  c.startretries = 2;
  ProcessStateMachine m(c);
  m.start(clock.now());
  int attempts = 1;
  Actions last;
  while (true) {
    last = m.onSpawnError("boom", clock.now());
    if (m.state() == ProcessState::kFatal) break;
    clock.advance(10s);
    m.onTimer(clock.now());
    ++attempts;
  }
  CHECK(attempts == 3);
  auto lines = logs(last);
  CHECK(lines.back() == "gave up: web entered FATAL state, too many start retries too quickly");
  CHECK(m.spawnErr() == "boom");
}

TEST_CASE("startretries=0 goes FATAL on the first failure") {
  FakeClock clock;
  auto c = config();
  c.startretries = 0;
  ProcessStateMachine m(c);
  m.start(clock.now());
  m.onSpawnError("boom", clock.now());
  CHECK(m.state() == ProcessState::kFatal);
}

TEST_CASE("BACKOFF retries even with autorestart=false") {
  FakeClock clock;
  auto c = config();
  c.autorestart = AutoRestart::False;
  ProcessStateMachine m(c);
  spawnStarting(m, clock);
  m.onExit(exitStatus(1), clock.now(), true);
  REQUIRE(m.state() == ProcessState::kBackoff);
  clock.advance(1s);
  CHECK(has(m.onTimer(clock.now()), Action::Kind::Spawn));
}

TEST_CASE(
    "RUNNING -> EXITED with an expected code logs INFO and does not restart under unexpected") {
  FakeClock clock;
  ProcessStateMachine m(config());
  reachRunning(m, clock);
  Actions a = m.onExit(exitStatus(0), clock.now(), true);
  CHECK(m.state() == ProcessState::kExited);
  CHECK(logs(a) == std::vector<std::string>{"exited: web (exit status 0; expected)"});
  CHECK(find(a, Action::Kind::Log)->level == LogLevel::Info);
  CHECK_FALSE(has(a, Action::Kind::Spawn));
  CHECK(m.exitStatus() == 0);
}

TEST_CASE(
    "RUNNING -> EXITED -> STARTING at once on an unexpected code under autorestart=unexpected") {
  FakeClock clock;
  ProcessStateMachine m(config());
  reachRunning(m, clock);
  Actions a = m.onExit(exitStatus(1), clock.now(), true);
  CHECK(logs(a).front() == "exited: web (exit status 1; not expected)");
  const Action* log = find(a, Action::Kind::Log);
  CHECK(log->level == LogLevel::Warn);
  CHECK(has(a, Action::Kind::Spawn));
  CHECK(m.state() == ProcessState::kStarting);
  CHECK(m.backoffCount() == 0);
}

TEST_CASE("autorestart=true restarts after an expected exit too") {
  FakeClock clock;
  auto c = config();
  c.autorestart = AutoRestart::True;
  ProcessStateMachine m(c);
  reachRunning(m, clock);
  CHECK(has(m.onExit(exitStatus(0), clock.now(), true), Action::Kind::Spawn));
}

TEST_CASE("autorestart=false never restarts an exited process") {
  FakeClock clock;
  auto c = config();
  c.autorestart = AutoRestart::False;
  ProcessStateMachine m(c);
  reachRunning(m, clock);
  Actions a = m.onExit(exitStatus(1), clock.now(), true);
  CHECK_FALSE(has(a, Action::Kind::Spawn));
  CHECK(m.state() == ProcessState::kExited);
  CHECK(m.spawnErr() == "Bad exit code 1");
}

TEST_CASE("exitcodes decide what is expected - signal deaths never are") {
  FakeClock clock;
  auto c = config();
  c.exitcodes = {0, 2};
  c.autorestart = AutoRestart::False;
  ProcessStateMachine m(c);
  reachRunning(m, clock);
  CHECK(logs(m.onExit(exitStatus(2), clock.now(), true)).front() ==
        "exited: web (exit status 2; expected)");
  m.start(clock.now());
  m.onSpawned(101, clock.now());
  clock.advance(2s);
  m.onTimer(clock.now());
  CHECK(logs(m.onExit(signalStatus(SIGHUP), clock.now(), true)).front() ==
        "exited: web (terminated by SIGHUP; not expected)");
}

TEST_CASE("no autorestart while supervisord is shutting down") {
  FakeClock clock;
  auto c = config();
  c.autorestart = AutoRestart::True;
  ProcessStateMachine m(c);
  reachRunning(m, clock);
  CHECK_FALSE(has(m.onExit(exitStatus(1), clock.now(), false), Action::Kind::Spawn));
}

TEST_CASE("startsecs=0: an exit seen after spawn logs success first as Supervisor does") {
  // Python 4.2.5's main log for command=/bin/sh -c 'exit 3', startsecs=0:
  // transition() ran before reap() in the same loop iteration.
  FakeClock clock;
  auto c = config();
  c.startsecs = 0;
  c.autorestart = AutoRestart::False;
  ProcessStateMachine m(c);
  spawnStarting(m, clock);
  clock.advance(1ms);
  Actions a = m.onExit(exitStatus(3), clock.now(), true);
  CHECK(m.state() == ProcessState::kExited);
  CHECK(logs(a) ==
        std::vector<std::string>{
            "success: web entered RUNNING state, process has stayed up for > than 0 seconds "
            "(startsecs)",
            "exited: web (exit status 3; not expected)"});
}

TEST_CASE("startsecs=1: an exit seen after 1.5 s before the timer fired logs success first") {
  FakeClock clock;
  auto c = config();
  c.startsecs = 1;
  c.autorestart = AutoRestart::False;
  ProcessStateMachine m(c);
  spawnStarting(m, clock);
  clock.advance(1500ms);
  Actions a = m.onExit(exitStatus(0), clock.now(), true);
  CHECK(m.state() == ProcessState::kExited);
  CHECK(logs(a).size() == 2);
  CHECK(logs(a).at(0).rfind("success: web entered RUNNING state", 0) == 0);
}

TEST_CASE("startsecs=0: an exit at the very instant of the spawn counts as RUNNING then EXITED") {
  FakeClock clock;
  auto c = config();
  c.startsecs = 0;
  c.autorestart = AutoRestart::False;
  ProcessStateMachine m(c);
  spawnStarting(m, clock);
  Actions a = m.onExit(exitStatus(0), clock.now(), true);
  CHECK(m.state() == ProcessState::kExited);
  CHECK(logs(a) == std::vector<std::string>{"exited: web (exit status 0; expected)"});
}

TEST_CASE("RUNNING -> STOPPING sends stopsignal and arms stopwaitsecs") {
  FakeClock clock;
  auto c = config();
  c.stopsignal = SIGINT;
  c.stopwaitsecs = 7;
  ProcessStateMachine m(c);
  reachRunning(m, clock);
  Actions a = m.stop(clock.now());
  CHECK(m.state() == ProcessState::kStopping);
  const Action* sig = find(a, Action::Kind::Signal);
  REQUIRE(sig);
  CHECK(sig->signo == SIGINT);
  CHECK_FALSE(sig->to_group);
  CHECK(find(a, Action::Kind::ArmTimer)->delay == 7000ms);
}

TEST_CASE("STARTING -> STOPPING on a stop request") {
  FakeClock clock;
  ProcessStateMachine m(config());
  spawnStarting(m, clock);
  m.stop(clock.now());
  CHECK(m.state() == ProcessState::kStopping);
}

TEST_CASE("stopasgroup signals the process group") {
  FakeClock clock;
  auto c = config();
  c.stopasgroup = true;
  c.killasgroup = true;
  ProcessStateMachine m(c);
  spawnStarting(m, clock);
  Actions actions = m.stop(clock.now());
  const Action* sig = find(actions, Action::Kind::Signal);
  REQUIRE(sig);
  CHECK(sig->to_group);
}

TEST_CASE("STOPPING -> STOPPED when reaped, INFO for an expected status and WARN for a signal") {
  FakeClock clock;
  ProcessStateMachine m(config());
  spawnStarting(m, clock);
  m.stop(clock.now());
  Actions a = m.onExit(signalStatus(SIGTERM), clock.now(), true);
  CHECK(m.state() == ProcessState::kStopped);
  CHECK(logs(a) == std::vector<std::string>{"stopped: web (terminated by SIGTERM)"});
  CHECK(find(a, Action::Kind::Log)->level == LogLevel::Warn);

  m.start(clock.now());
  m.onSpawned(5, clock.now());
  m.stop(clock.now());
  Actions b = m.onExit(exitStatus(0), clock.now(), true);
  CHECK(logs(b) == std::vector<std::string>{"stopped: web (exit status 0)"});
  CHECK(find(b, Action::Kind::Log)->level == LogLevel::Info);
}

TEST_CASE("STOPPING past stopwaitsecs sends SIGKILL and repeats every stopwaitsecs") {
  FakeClock clock;
  auto c = config();
  c.stopwaitsecs = 3;
  c.stopasgroup = true;
  c.killasgroup = true;
  ProcessStateMachine m(c);
  spawnStarting(m, clock, 77);
  m.stop(clock.now());
  for (int i = 0; i < 2; ++i) {
    clock.advance(3s);
    Actions a = m.onTimer(clock.now());
    CHECK(logs(a) == std::vector<std::string>{"killing 'web' (77) with SIGKILL"});
    const Action* sig = find(a, Action::Kind::Signal);
    REQUIRE(sig);
    CHECK(sig->signo == SIGKILL);
    CHECK(sig->to_group);
    CHECK(find(a, Action::Kind::ArmTimer)->delay == 3000ms);
    CHECK(m.state() == ProcessState::kStopping);
  }
}

TEST_CASE("BACKOFF -> STOPPED on a stop request, without waiting for retries") {
  FakeClock clock;
  ProcessStateMachine m(config());
  m.start(clock.now());
  m.onSpawnError("boom", clock.now());
  Actions a = m.stop(clock.now());
  CHECK(m.state() == ProcessState::kStopped);
  CHECK(has(a, Action::Kind::CancelTimer));
  CHECK_FALSE(has(a, Action::Kind::Signal));
}

TEST_CASE("BACKOFF -> FATAL when supervisord gives up at shutdown") {
  FakeClock clock;
  ProcessStateMachine m(config());
  m.start(clock.now());
  m.onSpawnError("boom", clock.now());
  m.giveUp();
  CHECK(m.state() == ProcessState::kFatal);
}

TEST_CASE("EXITED and FATAL -> STARTING on a start request") {
  FakeClock clock;
  auto c = config();
  c.startretries = 0;
  c.autorestart = AutoRestart::False;
  ProcessStateMachine m(c);
  m.start(clock.now());
  m.onSpawnError("boom", clock.now());
  REQUIRE(m.state() == ProcessState::kFatal);
  CHECK(has(m.start(clock.now()), Action::Kind::Spawn));
  m.onSpawned(9, clock.now());
  clock.advance(2s);
  m.onTimer(clock.now());
  m.onExit(exitStatus(0), clock.now(), true);
  REQUIRE(m.state() == ProcessState::kExited);
  CHECK(has(m.start(clock.now()), Action::Kind::Spawn));
}

TEST_CASE("a start request while running is refused with a warning") {
  FakeClock clock;
  ProcessStateMachine m(config());
  spawnStarting(m, clock);
  Actions a = m.start(clock.now());
  CHECK_FALSE(has(a, Action::Kind::Spawn));
  CHECK(logs(a) == std::vector<std::string>{"process 'web' already running"});
}

TEST_CASE("any -> UNKNOWN when a signal cannot be delivered") {
  FakeClock clock;
  ProcessStateMachine m(config());
  spawnStarting(m, clock);
  m.stop(clock.now());
  m.onSignalError("Operation not permitted");
  CHECK(m.state() == ProcessState::kUnknown);
  CHECK_FALSE(m.killing());
}

TEST_CASE("signal() sends to the pid only in signallable states") {
  FakeClock clock;
  ProcessStateMachine m(config());
  CHECK(m.signal(SIGUSR1).empty());
  spawnStarting(m, clock);
  Actions actions = m.signal(SIGUSR1);  // find() points into it: keep it alive
  const Action* sig = find(actions, Action::Kind::Signal);
  REQUIRE(sig);
  CHECK(sig->signo == SIGUSR1);
  CHECK_FALSE(sig->to_group);
}

TEST_CASE("wait statuses decode like Supervisor's decode_wait_status") {
  CHECK(decodeWaitStatus(exitStatus(3)) == std::make_pair(3, std::string("exit status 3")));
  CHECK(decodeWaitStatus(signalStatus(SIGKILL)) ==
        std::make_pair(-1, std::string("terminated by SIGKILL")));
  CHECK(decodeWaitStatus(signalStatus(SIGSEGV) | 0x80) ==
        std::make_pair(-1, std::string("terminated by SIGSEGV (core dumped)")));
}

TEST_CASE("state names and groups match Supervisor's") {
  CHECK(std::string(processStateName(ProcessState::kBackoff)) == "BACKOFF");
  CHECK(static_cast<int>(ProcessState::kExited) == 100);
  CHECK(isStoppedState(ProcessState::kUnknown));
  CHECK(isRunningState(ProcessState::kBackoff));
  CHECK_FALSE(isSignallableState(ProcessState::kBackoff));
  CHECK(isSignallableState(ProcessState::kStopping));
}
