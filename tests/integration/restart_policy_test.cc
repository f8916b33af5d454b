// Restart policies on a real daemon (docs/restart-policies.md): the waits
// between real retries, read from the main log's timestamps, and the lines
// that say what happened. The exact rules are unit-tested on a fake clock
// (tests/unit/restart_policy_test.cc); here the daemon must keep to them
// with real children and real timers.
#include <catch2/catch.hpp>

#include "daemon_harness.h"

using namespace sup::test;

namespace {

/// Gaps (ms) between each exit of `name` and the spawn that follows it.
std::vector<long> retryGaps(const DaemonHarness& d, const std::string& name) {
  auto spawned = d.logStampsMs("spawned: '" + name + "'");
  auto exited = d.logStampsMs("exited: " + name + " ");
  std::vector<long> gaps;
  for (size_t i = 1; i < spawned.size() && i - 1 < exited.size(); ++i)
    gaps.push_back(spawned[i] - exited[i - 1]);
  return gaps;
}

// A timer fires no earlier than asked, and (unloaded) well within 700 ms
// (times the sanitizer build's slowdown).
void checkGap(long gap, long want_ms) {
  INFO("gap " << gap << " ms, wanted " << want_ms << " ms");
  CHECK(gap >= want_ms - 20);
  CHECK(gap < want_ms + 700 * kSlowdown);
}

}  // namespace

TEST_CASE("backoff=exponential with backoff_max waits 1, 2, 2 s on a real daemon, then FATAL",
          "[policy]") {
  DaemonHarness d;
  d.writeConfig(d.header() +
                "[program:crash]\ncommand=/bin/false\nstartretries=3\nbackoff=exponential\n"
                "backoff_max=2\n");
  REQUIRE(d.start());
  REQUIRE(d.waitForLogLine(
      "INFO gave up: crash entered FATAL state, too many start retries too quickly", 12s));
  auto gaps = retryGaps(d, "crash");
  REQUIRE(gaps.size() == 3);
  checkGap(gaps[0], 1000);
  checkGap(gaps[1], 2000);
  checkGap(gaps[2], 2000);
}

TEST_CASE("backoff_jitter shortens real waits by at most its share", "[policy]") {
  DaemonHarness d;
  d.writeConfig(d.header() +
                "[program:crash]\ncommand=/bin/false\nstartretries=2\nbackoff_jitter=50\n");
  REQUIRE(d.start());
  REQUIRE(d.waitForLogLine("gave up: crash entered FATAL state", 10s));
  auto gaps = retryGaps(d, "crash");
  REQUIRE(gaps.size() == 2);
  for (int n = 1; n <= 2; ++n) {
    long gap = gaps[n - 1];
    INFO("retry " << n << " came " << gap << " ms after the exit");
    CHECK(gap >= n * 500 - 20);
    CHECK(gap < n * 1000 + 700);
  }
}

TEST_CASE("never_give_up keeps a failing program retrying past startretries until stopped",
          "[policy]") {
  DaemonHarness d;
  d.writeConfig(d.header() + DaemonHarness::ctlSections() +
                "[program:crash]\ncommand=/bin/false\nstartretries=1\nnever_give_up=true\n"
                "backoff_max=1\n");
  REQUIRE(d.start());
  REQUIRE(d.waitForLogLine("spawned: 'crash'", 10s, 4));
  CHECK(d.countLogLines("INFO not giving up: crash stays in BACKOFF state, too many start "
                        "retries too quickly \\(never_give_up\\)") == 1);
  CHECK(d.countLogLines("gave up") == 0);
  auto gaps = retryGaps(d, "crash");
  REQUIRE(gaps.size() >= 4);
  for (long gap : gaps) checkGap(gap, 1000);
  RunResult stop = d.ctl("stop crash");
  CHECK(stop.out == "crash: stopped\n");
  RunResult status = d.ctl("status crash");
  CHECK(status.out.rfind("crash                            STOPPED", 0) == 0);
}

TEST_CASE("restart_limit makes a crash loop after RUNNING wait instead of restarting at once",
          "[policy]") {
  DaemonHarness d;
  // RUNNING at once (startsecs=0), dead 0.3 s later: Supervisor restarts
  // such a program at once, forever (Supervisor #1285).
  d.writeConfig(d.header() +
                "[program:flap]\ncommand={helpers}/exit_with 1 0.3\nstartsecs=0\n"
                "restart_limit=2/30\n");
  REQUIRE(d.start());
  REQUIRE(
      d.waitForLogLine("INFO backoff: flap entered BACKOFF state, more than 2 restarts "
                       "within 30 seconds \\(restart_limit\\)",
                       8s));
  REQUIRE(d.waitForLogLine("spawned: 'flap'", 5s, 3));
  auto gaps = retryGaps(d, "flap");
  REQUIRE(gaps.size() >= 3);
  CHECK(gaps[0] < 900);  // the two restarts the limit allows: at once (a wait is >= 1 s)
  CHECK(gaps[1] < 900);
  checkGap(gaps[2], 1000);  // the third waited in BACKOFF
}

TEST_CASE("backoff_reset keeps the failure count across a run shorter than it", "[policy]") {
  DaemonHarness d;
  // Each program fails fast, then runs 3 s (past startsecs=2, so RUNNING)
  // and dies, then fails fast again. (startsecs=2 leaves a loaded machine
  // time to run a shell that fails "fast".) Supervisor's rule resets the count on
  // RUNNING, so the last retry waits 1 s; with backoff_reset=5 the short
  // run does not reset it, so the last retry waits 2 s.
  const std::string script =
      "command=/bin/sh -c 'n=$(cat {dir}/%(program_name)s.n 2>/dev/null || echo 0); "
      "echo $((n+1)) > {dir}/%(program_name)s.n; "
      "if [ $n = 1 ]; then sleep 3; fi; exit 1'\n"
      "startsecs=2\nstartretries=5\n";
  d.writeConfig(d.header() + "[program:plain]\n" + script + "[program:sticky]\n" + script +
                "backoff_reset=5\n");
  REQUIRE(d.start());
  REQUIRE(d.waitForLogLine("spawned: 'plain'", 15s, 3));
  REQUIRE(d.waitForLogLine("spawned: 'sticky'", 15s, 3));
  for (const char* name : {"plain", "sticky"}) {
    INFO(name);
    auto gaps = retryGaps(d, name);
    REQUIRE(gaps.size() >= 3);
    checkGap(gaps[0], 1000);  // first failure
    CHECK(gaps[1] < 900);     // died after RUNNING: restarted at once (a wait is >= 1 s)
    checkGap(gaps[2], std::string(name) == "plain" ? 1000 : 2000);
  }
}
