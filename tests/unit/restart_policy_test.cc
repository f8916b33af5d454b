// Restart policies (docs/restart-policies.md): the pure decisions of
// restart_policy.h, then the state machine following them on a clock that
// moves only when the test says so. Each default answer is Supervisor's.
#include "supervisord/restart_policy.h"

#include <catch2/catch.hpp>
#include <deque>

#include "supervisord/process_state.h"

using namespace sup;
using namespace std::chrono_literals;
using std::chrono::milliseconds;

namespace {

RestartPolicy policy(RestartPolicy::Backoff backoff = RestartPolicy::Backoff::Linear, int max = 0,
                     int jitter = 0) {
  RestartPolicy p;
  p.backoff = backoff;
  p.backoff_max = max;
  p.backoff_jitter = jitter;
  return p;
}

constexpr auto kExponential = RestartPolicy::Backoff::Exponential;

// One process's machine on its own clock, recording what it asks for.
struct Run {
  std::chrono::steady_clock::time_point t{std::chrono::hours(10)};
  ProcessStateMachine m;
  std::vector<long long> waits;    // every BACKOFF wait armed, in ms
  std::vector<std::string> lines;  // every log line at INFO and above
  std::vector<std::string> debug;  // every DEBUG line
  int spawns = 0;
  int next_pid = 100;

  explicit Run(const RestartPolicy& rp, int startretries = 3, int startsecs = 1)
      : m(makeConfig(rp, startretries, startsecs)) {}
  static ProcessConfig makeConfig(const RestartPolicy& rp, int startretries, int startsecs) {
    ProcessConfig c;
    c.name = "web";
    c.group = "web";
    c.argv = std::vector<std::string>{"/bin/true"};
    c.startretries = startretries;
    c.startsecs = startsecs;
    c.restart = rp;
    return c;
  }
  Now now() const { return Now{t, 1700000000}; }
  void take(const Actions& as) {
    for (const Action& a : as) {
      if (a.kind == Action::Kind::Spawn) {
        ++spawns;
        take(m.onSpawned(next_pid++, now()));
      } else if (a.kind == Action::Kind::ArmTimer && m.state() == ProcessState::kBackoff) {
        waits.push_back(milliseconds(a.delay).count());
      } else if (a.kind == Action::Kind::Log) {
        (a.level >= LogLevel::Info ? lines : debug).push_back(a.line);
      }
    }
  }
  void pass(milliseconds d) { t += d; }
  void start() { take(m.start(now())); }
  /// The child exits `after` its spawn with `code`.
  void exitAfter(milliseconds after, int code = 1) {
    pass(after);
    take(m.onExit((code & 0xff) << 8, now(), true));
  }
  /// The startsecs timer fires: STARTING -> RUNNING.
  void reachRunning() {
    pass(milliseconds(m.config().startsecs * 1000));
    take(m.onTimer(now()));
    REQUIRE(m.state() == ProcessState::kRunning);
  }
  /// The BACKOFF timer fires after the wait it asked for.
  void retry() {
    REQUIRE(m.state() == ProcessState::kBackoff);
    pass(milliseconds(waits.back()));
    take(m.onTimer(now()));
  }
  /// Failed starts (exits 100 ms after each spawn), retried until FATAL or `n` failures.
  void failStarts(int n) {
    for (int i = 0; i < n && m.state() != ProcessState::kFatal; ++i) {
      if (m.state() == ProcessState::kBackoff) retry();
      exitAfter(100ms);
    }
  }
};

std::vector<long long> secondsMs(std::initializer_list<long long> s) {
  std::vector<long long> out;
  for (long long v : s) out.push_back(v * 1000);
  return out;
}

}  // namespace

TEST_CASE("the default wait is Supervisor's: n seconds after the n-th failure", "[policy]") {
  for (int n = 1; n <= 50; ++n) CHECK(backoffDelay(policy(), n, 0.7) == milliseconds(n * 1000));
}

TEST_CASE("backoff=exponential doubles from 1 s and stops at a day without backoff_max",
          "[policy]") {
  auto p = policy(kExponential);
  CHECK(backoffDelay(p, 1, 0) == 1s);
  CHECK(backoffDelay(p, 2, 0) == 2s);
  CHECK(backoffDelay(p, 3, 0) == 4s);
  CHECK(backoffDelay(p, 10, 0) == 512s);
  CHECK(backoffDelay(p, 17, 0) == 65536s);
  CHECK(backoffDelay(p, 18, 0) == kExponentialCeiling);
  CHECK(backoffDelay(p, 1000000, 0) == kExponentialCeiling);
}

TEST_CASE("backoff_max caps every wait, linear or exponential", "[policy]") {
  CHECK(backoffDelay(policy(RestartPolicy::Backoff::Linear, 3), 2, 0) == 2s);
  CHECK(backoffDelay(policy(RestartPolicy::Backoff::Linear, 3), 7, 0) == 3s);
  CHECK(backoffDelay(policy(kExponential, 30), 5, 0) == 16s);
  CHECK(backoffDelay(policy(kExponential, 30), 6, 0) == 30s);
  CHECK(backoffDelay(policy(kExponential, 30), 400, 0) == 30s);
}

TEST_CASE("jitter takes up to its share off a wait and never adds to it", "[policy]") {
  auto p = policy(kExponential, 30, 20);
  CHECK(backoffDelay(p, 3, 0.0) == 4000ms);
  CHECK(backoffDelay(p, 3, 0.5) == 3600ms);
  CHECK(backoffDelay(p, 3, 0.999999) == 3201ms);
  CHECK(backoffDelay(p, 9, 0.5) == 27000ms);  // 10% off the 30 s cap
  CHECK(backoffDelay(policy(RestartPolicy::Backoff::Linear, 0, 100), 2, 0.25) == 1500ms);
}

TEST_CASE("reaching RUNNING resets the count unless backoff_reset asks for a longer run",
          "[policy]") {
  RestartPolicy p;
  CHECK(resetsOnRunning(p, 1));
  CHECK(resetsOnRunning(p, -1));
  p.backoff_reset = 1;
  CHECK(resetsOnRunning(p, 1));
  CHECK_FALSE(runResets(p, 1, 1h));
  p.backoff_reset = 60;
  CHECK_FALSE(resetsOnRunning(p, 1));
  CHECK_FALSE(runResets(p, 1, 59999ms));
  CHECK(runResets(p, 1, 60s));
}

TEST_CASE("restart_limit counts restarts within a sliding window", "[policy]") {
  RestartPolicy p;
  RestartWindow w;
  std::chrono::steady_clock::time_point t{std::chrono::hours(1)};
  CHECK_FALSE(w.overLimit(p, t));  // no limit: never over, nothing kept
  CHECK(w.times().empty());
  p.restart_limit = 2;
  p.restart_limit_seconds = 10;
  CHECK_FALSE(w.overLimit(p, t));
  CHECK_FALSE(w.overLimit(p, t + 2s));
  CHECK(w.overLimit(p, t + 4s));         // a third within 10 s
  CHECK(w.overLimit(p, t + 9s));         // still three within (2, 4, 9)
  CHECK_FALSE(w.overLimit(p, t + 18s));  // 9 and 18 only
  CHECK(w.times().size() == 2);
  for (int i = 0; i < 100; ++i) w.overLimit(p, t + 20s);
  CHECK(w.times().size() == 3);  // never more than N+1 kept
}

TEST_CASE("failed starts wait 1, 2, 3 s and go FATAL after startretries by default", "[policy]") {
  Run r(RestartPolicy{});
  r.start();
  r.failStarts(10);
  CHECK(r.waits == secondsMs({1, 2, 3}));
  CHECK(r.spawns == 4);
  CHECK(r.m.state() == ProcessState::kFatal);
  CHECK(r.lines.back() == "gave up: web entered FATAL state, too many start retries too quickly");
}

TEST_CASE("exponential backoff with a cap, through the state machine", "[policy]") {
  Run r(policy(kExponential, 5), 6);
  r.start();
  r.failStarts(10);
  CHECK(r.waits == secondsMs({1, 2, 4, 5, 5, 5}));
  CHECK(r.m.state() == ProcessState::kFatal);
}

TEST_CASE("the jitter's random source is drawn once per wait, and only with jitter", "[policy]") {
  std::deque<double> draws{0.5, 0.0, 0.25};
  int calls = 0;
  auto source = [&] {
    ++calls;
    double d = draws.front();
    draws.pop_front();
    return d;
  };
  Run r(policy(RestartPolicy::Backoff::Linear, 0, 50));
  r.m.setRandomSource(source);
  r.start();
  r.failStarts(4);
  CHECK(r.waits == std::vector<long long>{750, 2000, 2625});
  CHECK(calls == 3);

  Run plain(RestartPolicy{});
  plain.m.setRandomSource([&] {
    FAIL("a policy without jitter drew a random number");
    return 0.0;
  });
  plain.start();
  plain.failStarts(4);
  CHECK(plain.waits == secondsMs({1, 2, 3}));
}

TEST_CASE("never_give_up keeps retrying at the cap instead of going FATAL", "[policy]") {
  RestartPolicy p = policy(RestartPolicy::Backoff::Linear, 3);
  p.never_give_up = true;
  Run r(p, 2);
  r.start();
  r.failStarts(40);
  CHECK(r.m.state() == ProcessState::kBackoff);
  REQUIRE(r.waits.size() == 40);
  CHECK(std::vector<long long>(r.waits.begin(), r.waits.begin() + 5) == secondsMs({1, 2, 3, 3, 3}));
  CHECK(r.waits.back() == 3000);
  CHECK(r.spawns == 40);
  int said = 0;
  for (const auto& l : r.lines) {
    CHECK(l.find("gave up") == std::string::npos);
    said += l ==
            "not giving up: web stays in BACKOFF state, too many start retries too quickly "
            "(never_give_up)";
  }
  CHECK(said == 1);
  // It still comes back when the program starts working.
  r.retry();
  r.reachRunning();
  CHECK(r.m.backoffCount() == 0);
}

TEST_CASE("never_give_up with startretries=0 says so at the first failure", "[policy]") {
  RestartPolicy p;
  p.never_give_up = true;
  Run r(p, 0);
  r.start();
  r.failStarts(1);
  CHECK(r.m.state() == ProcessState::kBackoff);
  REQUIRE(r.lines.size() == 3);  // spawned, exited, not giving up
  CHECK(r.lines[2].rfind("not giving up: web", 0) == 0);
}

TEST_CASE("backoff_reset: only a run that long resets the failure count", "[policy]") {
  RestartPolicy p;
  p.backoff_reset = 10;
  Run r(p, 5);
  r.start();
  r.failStarts(2);
  CHECK(r.m.backoffCount() == 2);
  r.retry();
  r.reachRunning();
  CHECK(r.m.backoffCount() == 2);  // RUNNING alone does not reset it
  r.exitAfter(4s);                 // a 5 s run: restarted at once, count kept
  CHECK(r.m.state() == ProcessState::kStarting);
  r.exitAfter(100ms);
  CHECK(r.waits.back() == 3000);
  r.retry();
  r.reachRunning();
  r.exitAfter(9s);  // a 10 s run resets it
  CHECK(r.m.backoffCount() == 0);
  CHECK(r.debug.back() ==
        "web ran for > than 10 seconds (backoff_reset): start retries count reset");
  r.exitAfter(100ms);
  CHECK(r.waits.back() == 1000);
}

TEST_CASE("backoff_reset: a long run ended by a stop request resets the count too", "[policy]") {
  RestartPolicy p;
  p.backoff_reset = 10;
  Run r(p, 5);
  r.start();
  r.failStarts(3);
  r.retry();
  r.reachRunning();
  r.pass(20s);
  r.take(r.m.stop(r.now()));
  r.take(r.m.onExit(15, r.now(), true));
  CHECK(r.m.state() == ProcessState::kStopped);
  CHECK(r.m.backoffCount() == 0);
}

TEST_CASE("restart_limit: a crash loop after RUNNING backs off instead of restarting at once",
          "[policy]") {
  RestartPolicy p;
  p.restart_limit = 2;
  p.restart_limit_seconds = 60;
  Run r(p);
  r.start();
  r.reachRunning();
  r.exitAfter(1s);  // restart 1: at once
  CHECK(r.m.state() == ProcessState::kStarting);
  r.reachRunning();
  r.exitAfter(1s);  // restart 2: at once
  CHECK(r.m.state() == ProcessState::kStarting);
  r.reachRunning();
  r.exitAfter(1s);  // a third within 60 s: BACKOFF
  CHECK(r.m.state() == ProcessState::kBackoff);
  CHECK(r.lines.back() ==
        "backoff: web entered BACKOFF state, more than 2 restarts within 60 seconds "
        "(restart_limit)");
  CHECK(r.m.spawnErr() == "Restarted too often (restart_limit 2/60)");
  CHECK(r.waits == secondsMs({1}));
  r.retry();
  CHECK(r.m.state() == ProcessState::kStarting);
  CHECK(r.m.spawnErr().empty());
  r.reachRunning();
  r.exitAfter(1s);  // reaching RUNNING reset the count: 1 s again
  CHECK(r.waits == secondsMs({1, 1}));
  // Once the window has passed, restarts are immediate again.
  r.retry();
  r.reachRunning();
  r.pass(2min);
  r.exitAfter(1s);
  CHECK(r.m.state() == ProcessState::kStarting);
}

TEST_CASE("restart_limit with backoff_reset escalates and then gives up", "[policy]") {
  RestartPolicy p = policy(kExponential);
  p.restart_limit = 1;
  p.restart_limit_seconds = 300;
  p.backoff_reset = 120;
  Run r(p, 3);
  r.start();
  r.reachRunning();
  r.exitAfter(5s);  // the one restart the limit allows
  for (int i = 0; i < 4; ++i) {
    if (r.m.state() == ProcessState::kBackoff) r.retry();
    r.reachRunning();
    r.exitAfter(5s);
  }
  CHECK(r.waits == secondsMs({1, 2, 4}));
  CHECK(r.m.state() == ProcessState::kFatal);
  CHECK(r.lines.back() == "gave up: web entered FATAL state, too many start retries too quickly");
}

TEST_CASE("restart_limit counts only automatic restarts", "[policy]") {
  RestartPolicy p;
  p.restart_limit = 1;
  p.restart_limit_seconds = 60;
  Run r(p);
  r.start();
  r.reachRunning();
  r.take(r.m.onExit(1 << 8, r.now(), false));  // supervisord shutting down: no restart
  CHECK(r.m.state() == ProcessState::kExited);
  CHECK(r.m.restartWindow().times().empty());
}

TEST_CASE("the last wait status is kept until the next spawn", "[policy]") {
  Run r(RestartPolicy{}, 0);
  CHECK_FALSE(r.m.lastWaitStatus());
  r.start();
  CHECK_FALSE(r.m.lastWaitStatus());
  r.exitAfter(100ms, 7);
  CHECK(r.m.state() == ProcessState::kFatal);
  CHECK(r.m.lastWaitStatus() == 7 << 8);
  r.start();
  CHECK_FALSE(r.m.lastWaitStatus());
}
