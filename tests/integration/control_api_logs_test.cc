// The control API's log and config methods on a private supervisord: the
// main log and process logs (read/tail/clear with Supervisor's offset rules),
// stdin, reloadConfig with add/remove of groups, shutdown and restart.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <csignal>
#include <fstream>

#include "daemon_harness.h"
#include "rpc_client.h"

using namespace sup::test;

namespace {

int stateOf(RpcClient& c, const std::string& name) {
  auto info = resultOf(c.call("supervisor.getProcessInfo", {name}));
  return info.is_object() ? info.value("state", -1) : -1;
}

bool exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

}  // namespace

TEST_CASE("process logs are read, tailed and cleared with Supervisor's offset rules") {
  DaemonHarness d;
  d.writeConfig(d.header() + DaemonHarness::socketSection() +
                "[program:talk]\ncommand={helpers}/chatty 5 0\nstartsecs=0\n"
                "[program:quiet]\ncommand={helpers}/sleeper\nstartsecs=0\n"
                "stdout_logfile=NONE\n");
  REQUIRE(d.start());
  RpcClient c(d.path("sv.sock"));
  std::string want = "line 1\nline 2\nline 3\nline 4\nline 5\n";
  REQUIRE(waitFor([&] {
    return resultOf(c.call("supervisor.readProcessStdoutLog", {"talk", 0, 0})) == want;
  }));
  CHECK(resultOf(c.call("supervisor.readProcessLog", {"talk", 7, 6})) == "line 2");
  CHECK(resultOf(c.call("supervisor.readProcessStdoutLog", {"talk", -7, 0})) == "line 5\n");
  CHECK(resultOf(c.call("supervisor.readProcessStdoutLog", {"talk", 1000, 0})) == "");
  CHECK(errorMessage(c.call("supervisor.readProcessStdoutLog", {"talk", -7, 3})) ==
        "BAD_ARGUMENTS");
  CHECK(errorMessage(c.call("supervisor.readProcessStdoutLog", {"talk", 0, -3})) ==
        "BAD_ARGUMENTS");
  CHECK(errorMessage(c.call("supervisor.readProcessStdoutLog", {"nope", 0, 0})) ==
        "BAD_NAME: nope");
  CHECK(errorMessage(c.call("supervisor.readProcessStdoutLog", {"quiet", 0, 0})) == "NO_FILE");
  CHECK(resultOf(c.call("supervisor.readProcessStderrLog", {"talk", 0, 0})) == "");

  // tail: [bytes, offset, overflow]; offset is always the file size.
  CHECK(resultOf(c.call("supervisor.tailProcessStdoutLog", {"talk", 0, 100})) ==
        json{want, want.size(), false});
  CHECK(resultOf(c.call("supervisor.tailProcessLog", {"talk", 0, 7})) ==
        json{"line 5\n", want.size(), true});
  CHECK(resultOf(c.call("supervisor.tailProcessStdoutLog", {"talk", 35, 100})) ==
        json{"", want.size(), false});
  CHECK(resultOf(c.call("supervisor.tailProcessStdoutLog", {"quiet", 0, 100})) ==
        json{"", 0, false});
  CHECK(resultOf(c.call("supervisor.tailProcessStderrLog", {"talk", 0, 100})) ==
        json{"", 0, false});

  CHECK(resultOf(c.call("supervisor.clearProcessLogs", {"talk"})) == true);
  CHECK(resultOf(c.call("supervisor.readProcessStdoutLog", {"talk", 0, 0})) == "");
  CHECK(resultOf(c.call("supervisor.clearProcessLog", {"talk"})) == true);
  CHECK(errorMessage(c.call("supervisor.clearProcessLogs", {"nope"})) == "BAD_NAME: nope");
  auto all = resultOf(c.call("supervisor.clearAllProcessLogs"));
  REQUIRE(all.size() == 2);
  for (auto& r : all) CHECK(r.value("status", 0) == 80);
}

TEST_CASE("the main log is read with offsets and cleared") {
  DaemonHarness d;
  d.writeConfig(d.header() + DaemonHarness::socketSection());
  REQUIRE(d.start());
  RpcClient c(d.path("sv.sock"));
  auto text = resultOf(c.call("supervisor.readLog", {0, 0}));
  REQUIRE(text.is_string());
  CHECK(text.get<std::string>().find("supervisord started with pid") != std::string::npos);
  CHECK(resultOf(c.call("supervisor.readMainLog", {0, 10})).get<std::string>().size() == 10);
  CHECK(errorMessage(c.call("supervisor.readLog", {-5, 5})) == "BAD_ARGUMENTS");
  CHECK(errorCode(c.call("supervisor.readLog", {"x", 0})) == 2);
  CHECK(resultOf(c.call("supervisor.clearLog")) == true);
  auto after = resultOf(c.call("supervisor.readLog", {0, 0})).get<std::string>();
  CHECK(after.find("supervisord started with pid") == std::string::npos);
}

TEST_CASE("sendProcessStdin writes to a running process and faults otherwise") {
  DaemonHarness d;
  d.writeConfig(d.header() + DaemonHarness::socketSection() +
                "[program:cat]\ncommand=/bin/cat\nstartsecs=0\n"
                "[program:off]\ncommand=/bin/cat\nautostart=false\n");
  REQUIRE(d.start());
  RpcClient c(d.path("sv.sock"));
  REQUIRE(waitFor([&] { return stateOf(c, "cat") == 20; }));
  CHECK(resultOf(c.call("supervisor.sendProcessStdin", {"cat", "hello stdin\n"})) == true);
  CHECK(waitFor([&] { return d.childLog("cat").find("hello stdin") != std::string::npos; }));
  CHECK(errorMessage(c.call("supervisor.sendProcessStdin", {"off", "x"})) == "NOT_RUNNING: off");
  CHECK(errorMessage(c.call("supervisor.sendProcessStdin", {"nope", "x"})) == "BAD_NAME: nope");
  CHECK(errorCode(c.call("supervisor.sendProcessStdin", {"cat", 5})) == 2);
}

TEST_CASE("reloadConfig reports added, changed and removed groups for add and remove") {
  DaemonHarness d;
  std::string base = d.header() + DaemonHarness::socketSection();
  d.writeConfig(base + "[program:keep]\ncommand={helpers}/sleeper\nstartsecs=0\n" +
                "[program:edit]\ncommand={helpers}/sleeper\nstartsecs=0\n" +
                "[program:gone]\ncommand={helpers}/sleeper\nstartsecs=0\n");
  REQUIRE(d.start());
  RpcClient c(d.path("sv.sock"));
  REQUIRE(waitFor([&] { return stateOf(c, "gone") == 20; }));
  CHECK(resultOf(c.call("supervisor.reloadConfig")) == json::parse("[[[],[],[]]]"));

  d.writeConfig(base + "[program:keep]\ncommand={helpers}/sleeper\nstartsecs=0\n" +
                "[program:edit]\ncommand={helpers}/sleeper 100\nstartsecs=0\n" +
                "[program:fresh]\ncommand={helpers}/sleeper\nstartsecs=0\n");
  CHECK(resultOf(c.call("supervisor.reloadConfig")) ==
        json::parse(R"([[["fresh"],["edit"],["gone"]]])"));
  CHECK(errorMessage(c.call("supervisor.removeProcessGroup", {"gone"})) == "STILL_RUNNING: gone");
  CHECK(resultOf(c.call("supervisor.stopProcess", {"gone"})) == true);
  CHECK(resultOf(c.call("supervisor.removeProcessGroup", {"gone"})) == true);
  CHECK(errorMessage(c.call("supervisor.removeProcessGroup", {"gone"})) == "BAD_NAME: gone");
  CHECK(resultOf(c.call("supervisor.addProcessGroup", {"fresh"})) == true);
  CHECK(waitFor([&] { return stateOf(c, "fresh") == 20; }));
  CHECK(errorMessage(c.call("supervisor.addProcessGroup", {"fresh"})) == "ALREADY_ADDED: fresh");
  CHECK(errorMessage(c.call("supervisor.addProcessGroup", {"nope"})) == "BAD_NAME: nope");
  auto infos = resultOf(c.call("supervisor.getAllConfigInfo"));
  CHECK(infos.size() == 3);

  // A broken file: CANT_REREAD with the parser's text; the daemon runs on.
  d.writeConfig(base + "[program:bad]\n");
  auto bad = c.call("supervisor.reloadConfig");
  CHECK(errorCode(bad) == 92);
  CHECK(errorMessage(bad).rfind("CANT_REREAD: ", 0) == 0);
  CHECK(errorMessage(bad).find("command") != std::string::npos);
  CHECK(resultOf(c.call("supervisor.getState"))["statename"] == "RUNNING");
}

TEST_CASE("shutdown answers, then every supervisor call faults SHUTDOWN_STATE until exit") {
  DaemonHarness d;
  d.writeConfig(d.header() + DaemonHarness::socketSection() +
                "[program:stubborn]\ncommand={helpers}/ignore_sigterm\nstartsecs=0\n"
                "stopwaitsecs=2\n");
  REQUIRE(d.start());
  RpcClient c(d.path("sv.sock"));
  REQUIRE(waitFor([&] { return stateOf(c, "stubborn") == 20; }));
  // RUNNING comes at spawn (startsecs=0); the child ignores SIGTERM only once
  // it says so, and a TERM before that would let the daemon exit at once.
  REQUIRE(waitFor(
      [&] { return d.childLog("stubborn").find("ignoring SIGTERM") != std::string::npos; }));
  CHECK(resultOf(c.call("supervisor.shutdown")) == true);
  CHECK(errorMessage(c.call("supervisor.getState")) == "SHUTDOWN_STATE");
  CHECK(errorCode(c.call("supervisor.startProcess", {"stubborn"})) == 6);
  CHECK(resultOf(c.call("system.listMethods")).is_array());
  CHECK(d.waitForExit(10s) == 0);
  CHECK(c.waitClosed(2s));
  CHECK_FALSE(exists(d.path("sv.sock")));
  CHECK(d.waitForLogLine("INFO control: uid \\d+ pid \\d+ shutdown"));
}

TEST_CASE("restart closes the socket and opens it again for the next run") {
  DaemonHarness d;
  d.writeConfig(d.header() + DaemonHarness::socketSection() +
                "[program:a]\ncommand={helpers}/sleeper\nstartsecs=0\n");
  REQUIRE(d.start());
  RpcClient c(d.path("sv.sock"));
  REQUIRE(waitFor([&] { return stateOf(c, "a") == 20; }));
  CHECK(resultOf(c.call("supervisor.restart")) == true);
  CHECK(c.waitClosed(10s));
  REQUIRE(d.waitForLogLine("INFO spawned: 'a' with pid", 10s, 1));
  RpcClient again(d.path("sv.sock"));
  REQUIRE(again.connected());
  CHECK(resultOf(again.call("supervisor.getState"))["statename"] == "RUNNING");
  CHECK(waitFor([&] { return stateOf(again, "a") == 20; }));
  // SIGHUP does the same.
  REQUIRE(d.signal(SIGHUP));
  CHECK(again.waitClosed(10s));
  REQUIRE(d.waitForLogLine("INFO spawned: 'a' with pid", 10s, 2));
  RpcClient third(d.path("sv.sock"));
  CHECK(resultOf(third.call("supervisor.getPID")) == d.daemonPid());
}
