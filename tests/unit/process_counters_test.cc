// What /metrics counts of a process's history (supervisord/process_counters.h),
// and the same counters kept by a Supervisor driven on a fake clock.
#include "supervisord/process_counters.h"

#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <csignal>

#include "supervisord/proc_stats.h"
#include "tests/unit/supervisor_fixture.h"

using namespace sup;
using namespace sup::test;
using namespace std::chrono_literals;
using proto::ProcessState;

TEST_CASE("starts count every spawn and restarts every spawn after the first") {
  ProcessCounters c;
  CHECK(c.starts() == 0);
  CHECK(c.restarts() == 0);
  c.spawned();
  CHECK(c.starts() == 1);
  CHECK(c.restarts() == 0);
  c.spawned();
  c.spawned();
  CHECK(c.starts() == 3);
  CHECK(c.restarts() == 2);
}

TEST_CASE("an exit records its status and a signal death its signal") {
  ProcessCounters c;
  CHECK_FALSE(c.lastExitStatus());
  c.exited(3 << 8, false);
  CHECK(c.lastExitStatus() == 3);
  CHECK(c.lastExitSignal() == 0);
  c.exited(SIGKILL, true);
  CHECK(c.lastExitStatus() == 0);
  CHECK(c.lastExitSignal() == SIGKILL);
  CHECK(c.exitsExpected() == 1);
  CHECK(c.exitsUnexpected() == 1);
}

TEST_CASE("time in BACKOFF adds up over stays and counts the current one") {
  ProcessCounters c;
  std::chrono::steady_clock::time_point t{std::chrono::seconds(100)};
  c.stateChanged(ProcessState::kStarting, ProcessState::kBackoff, t);
  CHECK(c.backoffSeconds(t + 500ms) == Approx(0.5));
  c.stateChanged(ProcessState::kBackoff, ProcessState::kStarting, t + 2s);
  CHECK(c.backoffSeconds(t + 10s) == Approx(2.0));
  c.stateChanged(ProcessState::kStarting, ProcessState::kBackoff, t + 11s);
  c.stateChanged(ProcessState::kBackoff, ProcessState::kFatal, t + 14s);
  CHECK(c.backoffSeconds(t + 60s) == Approx(5.0));
}

TEST_CASE("expectedExit follows the state change the exit caused") {
  auto change = [](ProcessState from, ProcessState to, bool expected) {
    Action a(Action::Kind::StateChanged);
    a.from = from;
    a.to = to;
    a.expected = expected;
    Action log(Action::Kind::Log);
    return Actions{log, a};
  };
  CHECK(expectedExit(change(ProcessState::kRunning, ProcessState::kExited, true)));
  CHECK_FALSE(expectedExit(change(ProcessState::kRunning, ProcessState::kExited, false)));
  CHECK(expectedExit(change(ProcessState::kStopping, ProcessState::kStopped, true)));
  CHECK_FALSE(expectedExit(change(ProcessState::kStarting, ProcessState::kBackoff, true)));
  CHECK_FALSE(expectedExit(Actions{}));
}

TEST_CASE("the Supervisor counts starts exits and restarts of its processes") {
  auto g = group("a", 1);
  g.processes[0].autorestart = AutoRestart::Unexpected;
  Fixture f({g});
  f.sup->startup();
  REQUIRE(f.runUntil([&] { return f.state("a", "a") == ProcessState::kRunning; }));
  f.exit("a", 0);  // expected: stays EXITED
  REQUIRE(f.runUntil([&] { return f.state("a", "a") == ProcessState::kExited; }));
  f.sup->startProcess({"a", "a"}, false, [](const proto::CallResult&) {});
  REQUIRE(f.runUntil([&] { return f.state("a", "a") == ProcessState::kRunning; }));
  f.exit("a", 3);  // unexpected: autorestarted
  REQUIRE(f.runUntil([&] { return f.spawner.spawned.size() == 3; }));
  int asked = 0;
  auto m = f.sup->processMetrics([&](int pid) {
    ++asked;
    CHECK(pid == f.spawner.pids.at("a"));
    return std::optional<ProcStats>(ProcStats{1, 2, 3});
  });
  REQUIRE(m.size() == 1);
  CHECK(m[0].name == "a");
  CHECK(m[0].starts == 3);
  CHECK(m[0].restarts == 2);
  CHECK(m[0].exits_expected == 1);
  CHECK(m[0].exits_unexpected == 1);
  CHECK(m[0].last_exit_status == 3);
  CHECK(m[0].last_exit_signal == 0);
  CHECK(asked == 1);
  REQUIRE(m[0].proc);
  CHECK(m[0].proc->rss_bytes == 2);
}

TEST_CASE("parseProcStat reads utime stime and rss past a comm with spaces and parens") {
  std::string line =
      "1234 (my (odd) prog) S 1 1234 1234 0 -1 4194304 100 0 0 0 250 150 0 0 20 0 1 0 "
      "12345 10000000 300 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n";
  auto s = parseProcStat(line, 100, 4096);
  REQUIRE(s);
  CHECK(s->cpu_seconds == Approx(4.0));
  CHECK(s->rss_bytes == 300u * 4096u);
  CHECK_FALSE(parseProcStat("1234 (x) S 1 2", 100, 4096));
  CHECK_FALSE(parseProcStat("garbage", 100, 4096));
}

TEST_CASE("ProcDir reads this process's own numbers and nothing for a pid that is gone") {
  ProcDir proc;
  auto s = proc.read(0, false);
  REQUIRE(s);
  CHECK(s->rss_bytes > 0);
  CHECK_FALSE(s->open_fds);
  CHECK_FALSE(proc.read(0x3fffffff));
  auto with_fds = proc.read(::getpid());
  REQUIRE(with_fds);
  REQUIRE(with_fds->open_fds);
  CHECK(*with_fds->open_fds >= 3);
}

TEST_CASE("saved counters restore to the same numbers, a BACKOFF stay still running") {
  using namespace std::chrono_literals;
  ProcessCounters c;
  const auto t0 = std::chrono::steady_clock::time_point(100s);
  c.spawned();
  c.exited(9, false);  // killed by SIGKILL
  c.spawned();
  c.stateChanged(ProcessState::kStarting, ProcessState::kBackoff, t0);
  c.stateChanged(ProcessState::kBackoff, ProcessState::kStarting, t0 + 2s);
  c.stateChanged(ProcessState::kStarting, ProcessState::kBackoff, t0 + 3s);
  ProcessCounters copy;
  copy.restore(c.save());
  CHECK(copy.starts() == 2);
  CHECK(copy.restarts() == 1);
  CHECK(copy.exitsUnexpected() == 1);
  CHECK(copy.exitsExpected() == 0);
  CHECK(copy.lastExitStatus() == 0);
  CHECK(copy.lastExitSignal() == 9);
  // 2 s done, plus the stay that began at t0 + 3 s.
  CHECK(copy.backoffSeconds(t0 + 4s) == Approx(3.0));
  CHECK(copy.backoffSeconds(t0 + 4s) == Approx(c.backoffSeconds(t0 + 4s)));
}
