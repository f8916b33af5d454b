// Fault: crash-looping programs. A program that exits before startsecs
// backs off 1 s, 2 s, 3 s ... and goes FATAL after startretries + 1 tries,
// exactly as Python Supervisor 4.2.5 does (checked by hand against it: with
// startretries=3, /bin/false is spawned 4 times, then "gave up"); one that
// dies after startsecs has passed was RUNNING, so it restarts at once and
// never goes FATAL, however low startretries is. Throughout, the daemon
// sleeps between retries (low CPU) and closes every pipe of every failed
// run (fd count back to where it was).
#include <catch2/catch.hpp>
#include <sstream>

#include "daemon_harness.h"
#include "proc_probe.h"
#include "rpc_client.h"

using namespace sup::test;

namespace {

std::string stateName(RpcClient& c, const std::string& name) {
  auto info = resultOf(c.call("supervisor.getProcessInfo", {name}));
  return info.is_object() ? info.value("statename", "") : "";
}

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += s + "\n";
  return out;
}

}  // namespace

TEST_CASE(
    "fault: /bin/false backs off 1, 2, 3 s and goes FATAL after startretries+1 tries, "
    "with low CPU and no fd leak") {
  DaemonHarness d;
  d.writeConfig(d.header() + DaemonHarness::socketSection() +
                "[program:crash]\ncommand=/bin/false\nstartretries=3\nautostart=false\n");
  REQUIRE(d.start());
  RpcClient c(d.path("sv.sock"));
  REQUIRE(c.connected());
  int daemon = d.daemonPid();
  // Baseline with the client connected (one answered call: the daemon has
  // accepted it) and the log files open, no child yet.
  REQUIRE(resultOf(c.call("supervisor.getState")).is_object());
  int fds_before = openFdCount(daemon);
  auto targets_before = openFdTargets(daemon);
  long cpu_before = cpuTicks(daemon);
  auto t0 = std::chrono::steady_clock::now();
  REQUIRE(resultOf(c.call("supervisor.startProcess", {"crash", false})) == true);
  REQUIRE(d.waitForLogLine(
      "INFO gave up: crash entered FATAL state, too many start retries too quickly", 12s));
  double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  long cpu_used = cpuTicks(daemon) - cpu_before;

  CHECK(d.countLogLines("INFO spawned: 'crash' with pid \\d+") == 4);
  CHECK(d.countLogLines("WARN exited: crash \\(exit status 1; not expected\\)") == 4);
  CHECK(d.countLogLines("gave up: crash") == 1);
  CHECK(d.countLogLines("success: crash") == 0);
  CHECK(stateName(c, "crash") == "FATAL");
  // The n-th retry comes n seconds after the exit before it.
  auto spawned = d.logStampsMs("spawned: 'crash'");
  auto exited = d.logStampsMs("exited: crash");
  REQUIRE(spawned.size() == 4);
  REQUIRE(exited.size() == 4);
  for (int n = 1; n <= 3; ++n) {
    long gap = spawned[n] - exited[n - 1];
    INFO("retry " << n << " came " << gap << " ms after the exit");
    CHECK(gap >= n * 1000 - 20);
    CHECK(gap < n * 1000 + 700);
  }
  // Asleep between retries: well under 10% of one core (measured: 0-2 ticks
  // of 100 Hz over ~6.5 s).
  INFO("daemon CPU: " << cpu_used << " ticks in " << wall_s << " s");
  CHECK(cpu_used * 10 < static_cast<long>(wall_s * static_cast<double>(ticksPerSecond())));
  // Every pipe of the four runs is closed again.
  INFO("fds before:\n"
       << joined(targets_before) << "fds after:\n"
       << joined(openFdTargets(daemon)));
  CHECK(openFdCount(daemon) == fds_before);
}

TEST_CASE("fault: a program that dies before startsecs has passed backs off and goes FATAL") {
  DaemonHarness d;
  // Dies after 0.5 s while startsecs is 2: every run is a failed start.
  d.writeConfig(d.header() +
                "[program:early]\ncommand={helpers}/exit_with 1 0.5\nstartsecs=2\n"
                "startretries=1\n");
  REQUIRE(d.start());
  REQUIRE(d.waitForLogLine(
      "INFO gave up: early entered FATAL state, too many start retries too quickly", 8s));
  CHECK(d.countLogLines("INFO spawned: 'early'") == 2);
  CHECK(d.countLogLines("WARN exited: early \\(exit status 1; not expected\\)") == 2);
  CHECK(d.countLogLines("success: early") == 0);
  auto spawned = d.logStampsMs("spawned: 'early'");
  auto exited = d.logStampsMs("exited: early");
  REQUIRE(spawned.size() == 2);
  REQUIRE(exited.size() == 2);
  CHECK(spawned[1] - exited[0] >= 980);
  CHECK(spawned[1] - exited[0] < 1700);
}

TEST_CASE(
    "fault: a program that dies 2 s after start, past startsecs, restarts at once and "
    "never goes FATAL") {
  DaemonHarness d;
  // startretries=0: a single failed start would be FATAL; these runs are not
  // failed starts, since each was RUNNING when it died (Supervisor resets
  // the backoff on RUNNING and restarts an EXITED autorestart process at once).
  d.writeConfig(d.header() +
                "[program:late]\ncommand={helpers}/exit_with 1 2\nstartsecs=1\n"
                "startretries=0\n");
  REQUIRE(d.start());
  int daemon = d.daemonPid();
  long cpu_before = cpuTicks(daemon);
  auto t0 = std::chrono::steady_clock::now();
  REQUIRE(d.waitForLogLine("WARN exited: late \\(exit status 1; not expected\\)", 6s));
  REQUIRE(d.waitForLogLine("INFO success: late entered RUNNING state", 4s, 1));
  double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  long cpu_used = cpuTicks(daemon) - cpu_before;
  CHECK(d.countLogLines("gave up: late") == 0);
  auto spawned = d.logStampsMs("spawned: 'late'");
  auto exited = d.logStampsMs("exited: late");
  REQUIRE(spawned.size() >= 2);
  REQUIRE(exited.size() >= 1);
  CHECK(spawned[1] - exited[0] < 500);  // no backoff delay
  INFO("daemon CPU: " << cpu_used << " ticks in " << wall_s << " s");
  CHECK(cpu_used * 10 < static_cast<long>(wall_s * static_cast<double>(ticksPerSecond())));
}
