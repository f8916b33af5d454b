// Fault: programs whose processes do not simply die on SIGTERM. Stop acts
// as Python Supervisor 4.2 does (process.py kill()): the stop signal goes to
// the program's pid, or to its process group with stopasgroup; after
// stopwaitsecs SIGKILL goes to the pid, or to the group with killasgroup
// (which defaults to stopasgroup). Supervisor signals nothing else, so:
//   - a child that stayed in the group dies with killasgroup/stopasgroup,
//     and survives without them;
//   - a child that left the group (setsid or setpgid) survives in every
//     case, in Supervisor and here;
//   - a daemon double-forked by a launcher that exits is out of reach once
//     the launcher has exited: the program is EXITED, the daemon survives
//     stop and shutdown.
// Every helper that ignores a signal prints a "ready" line once it has set
// up; the tests wait for that line before stopping anything.
#include <catch2/catch.hpp>
#include <csignal>
#include <fstream>
#include <map>

#include "daemon_harness.h"
#include "rpc_client.h"

using namespace sup::test;

namespace {

/// SIGKILLs what a test leaves alive on purpose, even when a check failed.
struct Survivors {
  std::vector<int> pids;
  ~Survivors() {
    for (int pid : pids)
      if (pid > 1) ::kill(pid, SIGKILL);
  }
};

bool waitReady(const DaemonHarness& d, const std::string& process) {
  return waitFor([&] { return d.childLog(process).find("ready") != std::string::npos; });
}

std::vector<int> readPids(const std::string& path) {
  std::ifstream in(path);
  std::vector<int> pids;
  int pid;
  while (in >> pid) pids.push_back(pid);
  return pids;
}

int pidOf(RpcClient& c, const std::string& name) {
  auto info = resultOf(c.call("supervisor.getProcessInfo", {name}));
  return info.is_object() ? info.value("pid", 0) : 0;
}

std::string stateName(RpcClient& c, const std::string& name) {
  auto info = resultOf(c.call("supervisor.getProcessInfo", {name}));
  return info.is_object() ? info.value("statename", "") : "";
}

}  // namespace

TEST_CASE("fault: a program that ignores SIGTERM is SIGKILLed after stopwaitsecs by an API stop") {
  DaemonHarness d;
  d.writeConfig(d.header() + DaemonHarness::socketSection() +
                "[program:stubborn]\ncommand={helpers}/ignore_sigterm\nstartsecs=0\n"
                "stopwaitsecs=1\n");
  REQUIRE(d.start());
  RpcClient c(d.path("sv.sock"));
  REQUIRE(waitFor(
      [&] { return d.childLog("stubborn").find("ignoring SIGTERM") != std::string::npos; }));
  int pid = pidOf(c, "stubborn");
  REQUIRE(pid > 0);
  auto t0 = std::chrono::steady_clock::now();
  CHECK(resultOf(c.call("supervisor.stopProcess", {"stubborn", true}, 6s)) == true);
  auto took = std::chrono::steady_clock::now() - t0;
  CHECK(took >= 950ms);
  CHECK(d.countLogLines("WARN killing 'stubborn' \\(" + std::to_string(pid) + "\\) with SIGKILL") ==
        1);
  CHECK(d.countLogLines("WARN stopped: stubborn \\(terminated by SIGKILL\\)") == 1);
  CHECK(stateName(c, "stubborn") == "STOPPED");
  CHECK_FALSE(processAlive(pid));
}

TEST_CASE(
    "fault: stop kills the children that stayed in the group with killasgroup or stopasgroup, "
    "while a child that left the group survives, as in Supervisor") {
  DaemonHarness d;
  // Each leader ignores SIGTERM, so every stop ends in SIGKILL after 1 s.
  auto program = [](const std::string& name, const std::string& extra, const std::string& how) {
    return "[program:" + name + "]\ncommand={helpers}/leave_group {dir}/" + name + ".pids " + how +
           "\nstartsecs=0\nstopwaitsecs=1\n" + extra;
  };
  d.writeConfig(d.header() + DaemonHarness::socketSection() +
                program("killgroup", "killasgroup=true\n", "setsid") +
                program("stopgroup", "stopasgroup=true\n", "setsid") +
                program("pgid", "killasgroup=true\n", "setpgid") + program("plain", "", "setsid"));
  REQUIRE(d.start());
  RpcClient c(d.path("sv.sock"));
  Survivors survivors;
  std::map<std::string, std::vector<int>> kids;  // {stayed, left}
  std::map<std::string, int> leaders;
  for (std::string name : {"killgroup", "stopgroup", "pgid", "plain"}) {
    REQUIRE(waitReady(d, name));
    kids[name] = readPids(d.path(name + ".pids"));
    REQUIRE(kids[name].size() == 2);
    survivors.pids.insert(survivors.pids.end(), kids[name].begin(), kids[name].end());
    leaders[name] = pidOf(c, name);
    REQUIRE(leaders[name] > 0);
  }
  auto results = resultOf(c.call("supervisor.stopAllProcesses", {true}, 8s));
  REQUIRE(results.is_array());
  CHECK(results.size() == 4);
  for (const auto& r : results) CHECK(r.value("description", "") == "OK");
  for (std::string name : {"killgroup", "stopgroup", "pgid", "plain"}) {
    INFO(name);
    CHECK(d.countLogLines("WARN stopped: " + name + " \\(terminated by SIGKILL\\)") == 1);
    CHECK_FALSE(processAlive(leaders[name]));
    CHECK(processAlive(kids[name][1]));  // left the group: never signalled
  }
  // Stayed in the group: killed by the group SIGKILL (or, with stopasgroup,
  // by the group SIGTERM already); without either option only the leader was
  // signalled.
  CHECK(waitFor([&] { return !processAlive(kids["killgroup"][0]); }, 2s));
  CHECK(waitFor([&] { return !processAlive(kids["stopgroup"][0]); }, 2s));
  CHECK(waitFor([&] { return !processAlive(kids["pgid"][0]); }, 2s));
  CHECK(processAlive(kids["plain"][0]));
}

TEST_CASE(
    "fault: a double-forked daemon that stayed in the group dies with killasgroup and "
    "survives without it") {
  DaemonHarness d;
  // The launchers ignore SIGTERM and stay up, like a wrapper that waits.
  d.writeConfig(d.header() + DaemonHarness::socketSection() +
                "[program:grouped]\ncommand={helpers}/double_fork {dir}/grouped.pid\n"
                "startsecs=0\nstopwaitsecs=1\nkillasgroup=true\n"
                "[program:plain]\ncommand={helpers}/double_fork {dir}/plain.pid\n"
                "startsecs=0\nstopwaitsecs=1\n");
  REQUIRE(d.start());
  RpcClient c(d.path("sv.sock"));
  Survivors survivors;
  REQUIRE(waitReady(d, "grouped"));
  REQUIRE(waitReady(d, "plain"));
  int grouped = readPids(d.path("grouped.pid")).at(0);
  int plain = readPids(d.path("plain.pid")).at(0);
  survivors.pids = {grouped, plain};
  auto results = resultOf(c.call("supervisor.stopAllProcesses", {true}, 8s));
  REQUIRE(results.is_array());
  CHECK(results.size() == 2);
  CHECK(waitFor([&] { return !processAlive(grouped); }, 2s));
  CHECK(processAlive(plain));
}

TEST_CASE(
    "fault: a daemon double-forked by a launcher that exits is out of reach: the program is "
    "EXITED and the daemon outlives stop and shutdown, as in Supervisor") {
  DaemonHarness d;
  d.writeConfig(d.header() + DaemonHarness::socketSection() +
                "[program:launcher]\ncommand={helpers}/double_fork {dir}/daemon.pid setsid exit\n"
                "startsecs=0\nautorestart=false\nstopasgroup=true\nkillasgroup=true\n");
  REQUIRE(d.start());
  RpcClient c(d.path("sv.sock"));
  Survivors survivors;
  REQUIRE(d.waitForLogLine("INFO exited: launcher \\(exit status 0; expected\\)"));
  REQUIRE(waitReady(d, "launcher"));
  int daemon = readPids(d.path("daemon.pid")).at(0);
  survivors.pids = {daemon};
  CHECK(stateName(c, "launcher") == "EXITED");
  CHECK(errorMessage(c.call("supervisor.stopProcess", {"launcher", true})) ==
        "NOT_RUNNING: launcher");
  REQUIRE(d.stop() == 0);
  CHECK(processAlive(daemon));
}
