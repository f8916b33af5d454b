// The control API over the real socket of a private supervisord: every
// supervisor.* and system.* method's result and faults, as Supervisor's
// rpcinterface.py defines them.
#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>

#include "common/protocol.h"
#include "daemon_harness.h"
#include "rpc_client.h"

using namespace sup::test;
namespace proto = sup::proto;

namespace {

int stateOf(RpcClient& c, const std::string& name) {
  auto info = resultOf(c.call("supervisor.getProcessInfo", {name}));
  return info.is_object() ? info.value("state", -1) : -1;
}

bool waitState(RpcClient& c, const std::string& name, int state,
               std::chrono::milliseconds timeout = 5s) {
  return waitFor([&] { return stateOf(c, name) == state; }, timeout);
}

constexpr int kRunning = 20;
constexpr int kStopped = 0;

}  // namespace

TEST_CASE("the informational methods answer with Supervisor's values") {
  DaemonHarness d;
  d.writeConfig(d.header() + "identifier=ident-test\n" + DaemonHarness::socketSection());
  REQUIRE(d.start());
  RpcClient c(d.path("sv.sock"));
  REQUIRE(c.connected());
  CHECK(resultOf(c.call("supervisor.getAPIVersion")) == "3.0");
  CHECK(resultOf(c.call("supervisor.getVersion")) == "3.0");
  CHECK(resultOf(c.call("supervisor.getSupervisorVersion")) == "4.2.5");
  CHECK(resultOf(c.call("supervisor.getIdentification")) == "ident-test");
  CHECK(resultOf(c.call("supervisor.getState")) ==
        json{{"statecode", 1}, {"statename", "RUNNING"}});
  CHECK(resultOf(c.call("supervisor.getPID")) == d.daemonPid());
  CHECK(resultOf(c.call("supervisor.sendRemoteCommEvent", {"type", "data"})) == true);
  CHECK(errorCode(c.call("supervisor.noSuchMethod")) == 1);
  CHECK(errorMessage(c.call("supervisor.noSuchMethod")) == "UNKNOWN_METHOD");
  CHECK(errorCode(c.call("supervisor.getState", {1})) == 2);
  CHECK(errorMessage(c.call("supervisor.getPID", {1, 2})) == "INCORRECT_PARAMETERS");
}

TEST_CASE("system methods list, describe and batch the API") {
  DaemonHarness d;
  d.writeConfig(d.header() + DaemonHarness::socketSection() +
                "[program:a]\ncommand={helpers}/sleeper\nstartsecs=0\nautostart=false\n");
  REQUIRE(d.start());
  RpcClient c(d.path("sv.sock"));
  auto methods = resultOf(c.call("system.listMethods"));
  REQUIRE(methods.is_array());
  auto names = methods.get<std::vector<std::string>>();
  CHECK(std::is_sorted(names.begin(), names.end()));
  // Every method Python Supervisor 4.2.5 lists (recorded from its
  // system.listMethods), and each of ours beyond them documented.
  const std::vector<std::string> python_methods = {"supervisor.addProcessGroup",
                                                   "supervisor.clearAllProcessLogs",
                                                   "supervisor.clearLog",
                                                   "supervisor.clearProcessLog",
                                                   "supervisor.clearProcessLogs",
                                                   "supervisor.getAPIVersion",
                                                   "supervisor.getAllConfigInfo",
                                                   "supervisor.getAllProcessInfo",
                                                   "supervisor.getIdentification",
                                                   "supervisor.getPID",
                                                   "supervisor.getProcessInfo",
                                                   "supervisor.getState",
                                                   "supervisor.getSupervisorVersion",
                                                   "supervisor.getVersion",
                                                   "supervisor.readLog",
                                                   "supervisor.readMainLog",
                                                   "supervisor.readProcessLog",
                                                   "supervisor.readProcessStderrLog",
                                                   "supervisor.readProcessStdoutLog",
                                                   "supervisor.reloadConfig",
                                                   "supervisor.removeProcessGroup",
                                                   "supervisor.restart",
                                                   "supervisor.sendProcessStdin",
                                                   "supervisor.sendRemoteCommEvent",
                                                   "supervisor.shutdown",
                                                   "supervisor.signalAllProcesses",
                                                   "supervisor.signalProcess",
                                                   "supervisor.signalProcessGroup",
                                                   "supervisor.startAllProcesses",
                                                   "supervisor.startProcess",
                                                   "supervisor.startProcessGroup",
                                                   "supervisor.stopAllProcesses",
                                                   "supervisor.stopProcess",
                                                   "supervisor.stopProcessGroup",
                                                   "supervisor.tailProcessLog",
                                                   "supervisor.tailProcessStderrLog",
                                                   "supervisor.tailProcessStdoutLog",
                                                   "system.listMethods",
                                                   "system.methodHelp",
                                                   "system.methodSignature",
                                                   "system.multicall"};
  for (const auto& m : python_methods) CHECK(std::count(names.begin(), names.end(), m) == 1);
  std::string protocol_doc = readFile(std::string(SUP_SOURCE_DIR) + "/docs/protocol.md");
  for (const auto& m : names) {
    if (std::count(python_methods.begin(), python_methods.end(), m)) continue;
    INFO("a method beyond Supervisor's: " << m);
    CHECK(protocol_doc.find("`" + m) != std::string::npos);
  }
  CHECK(resultOf(c.call("system.methodSignature", {"supervisor.startProcess"})) ==
        json{"boolean", "string", "boolean"});
  CHECK(resultOf(c.call("system.methodHelp", {"supervisor.getPID"}))
            .get<std::string>()
            .find("@return int PID") != std::string::npos);
  CHECK(errorCode(c.call("system.methodHelp", {"supervisor.nope"})) == 4);
  CHECK(errorCode(c.call("system.methodSignature", {"nope"})) == 4);

  json calls = json::array(
      {json{{"methodName", "supervisor.getAPIVersion"}},
       json{{"methodName", "supervisor.startProcess"}, {"params", {"a"}}},
       json{{"methodName", "system.multicall"}, {"params", json::array({json::array()})}},
       json{{"params", json::array()}},
       json{{"methodName", "supervisor.startProcess"}, {"params", {"nope"}}},
       json{{"methodName", "supervisor.getProcessInfo"}, {"params", {"a"}}}});
  auto r = resultOf(c.call("system.multicall", json::array({calls})));
  REQUIRE(r.is_array());
  REQUIRE(r.size() == 6);
  CHECK(r[0] == "3.0");
  CHECK(r[1] == true);
  CHECK(r[2] ==
        json{{"faultCode", 2},
             {"faultString", "INCORRECT_PARAMETERS: Recursive system.multicall forbidden"}});
  CHECK(r[3] == json{{"faultCode", 2}, {"faultString", "INCORRECT_PARAMETERS: No methodName"}});
  CHECK(r[4] == json{{"faultCode", 10}, {"faultString", "BAD_NAME: nope"}});
  // The waiting startProcess held the rest back until a was RUNNING.
  CHECK(r[5].value("statename", "") == "RUNNING");
  CHECK(errorCode(c.call("system.multicall", {"not a list"})) == 2);
}

TEST_CASE("startProcess and stopProcess report Supervisor's faults") {
  DaemonHarness d;
  std::ofstream(d.path("not_exec")) << "#!/bin/sh\n";
  d.writeConfig(d.header() + DaemonHarness::socketSection() +
                "[program:a]\ncommand={helpers}/sleeper\nstartsecs=0\n"
                "[program:missing]\ncommand={dir}/nonexistent\nautostart=false\n"
                "[program:noexec]\ncommand={dir}/not_exec\nautostart=false\n"
                "[program:dies]\ncommand={helpers}/exit_with 3\nstartsecs=1\nautostart=false\n"
                "startretries=0\n"
                "[group:g]\nprograms=x,y\n"
                "[program:x]\ncommand={helpers}/sleeper\nstartsecs=0\nautostart=false\n"
                "[program:y]\ncommand={helpers}/sleeper\nstartsecs=0\nautostart=false\n");
  REQUIRE(d.start());
  RpcClient c(d.path("sv.sock"));
  REQUIRE(waitState(c, "a", kRunning));
  CHECK(errorMessage(c.call("supervisor.startProcess", {"nope"})) == "BAD_NAME: nope");
  CHECK(errorMessage(c.call("supervisor.startProcess", {"g:nope"})) == "BAD_NAME: g:nope");
  CHECK(errorMessage(c.call("supervisor.startProcess", {"a"})) == "ALREADY_STARTED: a");
  CHECK(errorCode(c.call("supervisor.startProcess", {"missing"})) == 20);
  CHECK(errorMessage(c.call("supervisor.startProcess", {"missing"})).rfind("NO_FILE: ", 0) == 0);
  CHECK(errorCode(c.call("supervisor.startProcess", {"noexec"})) == 21);
  // Exiting before startsecs sets Supervisor's spawnerr ("Exited too quickly").
  CHECK(errorMessage(c.call("supervisor.startProcess", {"dies"}, 8s)) == "SPAWN_ERROR: dies");
  CHECK(errorCode(c.call("supervisor.startProcess", {42})) == 2);
  CHECK(errorCode(c.call("supervisor.startProcess")) == 2);

  // group:* delegates to startProcessGroup and answers with result structs.
  auto started = resultOf(c.call("supervisor.startProcess", {"g:*"}));
  REQUIRE(started.is_array());
  CHECK(started.size() == 2);
  for (auto& s : started) {
    CHECK(s.value("group", "") == "g");
    CHECK(s.value("status", 0) == 80);
    CHECK(s.value("description", "") == "OK");
  }
  CHECK(resultOf(c.call("supervisor.startProcessGroup", {"g"})) == json::array());
  CHECK(errorMessage(c.call("supervisor.startProcessGroup", {"nope"})) == "BAD_NAME: nope");
  auto stopped = resultOf(c.call("supervisor.stopProcessGroup", {"g"}));
  CHECK(stopped.size() == 2);
  CHECK(errorMessage(c.call("supervisor.stopProcess", {"g:x"})) == "NOT_RUNNING: g:x");
  CHECK(errorMessage(c.call("supervisor.stopProcessGroup", {"nope"})) == "BAD_NAME: nope");
  CHECK(resultOf(c.call("supervisor.stopProcess", {"a"})) == true);
  CHECK(stateOf(c, "a") == kStopped);

  auto all = resultOf(c.call("supervisor.startAllProcesses", json::array(), 8s));
  REQUIRE(all.is_array());
  // a, x, y start; missing, noexec and dies fail with their faults.
  int ok = 0, failed = 0;
  for (auto& s : all) (s.value("status", 0) == 80 ? ok : failed)++;
  CHECK(ok == 3);
  CHECK(failed == 3);
  auto stopall = resultOf(c.call("supervisor.stopAllProcesses"));
  CHECK(stopall.size() == 3);
  CHECK(d.waitForLogLine("INFO control: uid \\d+ pid \\d+ stopAllProcesses"));
}

TEST_CASE("getProcessInfo and getAllProcessInfo describe each process") {
  DaemonHarness d;
  d.writeConfig(d.header() + DaemonHarness::socketSection() +
                "[program:b]\ncommand={helpers}/sleeper\nstartsecs=0\n"
                "[program:a]\ncommand={helpers}/sleeper\nautostart=false\n");
  REQUIRE(d.start());
  RpcClient c(d.path("sv.sock"));
  REQUIRE(waitState(c, "b", kRunning));
  auto b = resultOf(c.call("supervisor.getProcessInfo", {"b:b"}));
  CHECK(b.value("name", "") == "b");
  CHECK(b.value("group", "") == "b");
  CHECK(b.value("statename", "") == "RUNNING");
  CHECK(b.value("pid", 0) > 0);
  CHECK(b.value("description", "")
            .rfind("pid " + std::to_string(b.value("pid", 0)) + ", uptime ", 0) == 0);
  CHECK(b.value("logfile", "") == b.value("stdout_logfile", "-"));
  auto a = resultOf(c.call("supervisor.getProcessInfo", {"a"}));
  CHECK(a.value("description", "") == "Not started");
  CHECK(a.value("pid", -1) == 0);
  CHECK(errorMessage(c.call("supervisor.getProcessInfo", {"b:*"})) == "BAD_NAME: b:*");
  auto all = resultOf(c.call("supervisor.getAllProcessInfo"));
  REQUIRE(all.size() == 2);
  CHECK(all[0].value("name", "") == "a");  // lexical order
  CHECK(all[1].value("name", "") == "b");
  // The reply is written as text; inside system.multicall it is a value again.
  json calls = json::array(
      {json{{"methodName", "supervisor.getAllProcessInfo"}, {"params", json::array()}}});
  auto multi = resultOf(c.call("system.multicall", json::array({calls})));
  REQUIRE(multi.size() == 1);
  REQUIRE(multi[0].size() == 2);
  CHECK(multi[0][0].value("description", "") == "Not started");
  CHECK(multi[0][1].value("pid", 0) == b.value("pid", 0));
  auto config = resultOf(c.call("supervisor.getAllConfigInfo"));
  REQUIRE(config.size() == 2);
  CHECK(config[0].value("name", "") == "a");
  CHECK(config[0].value("inuse", false) == true);
  CHECK(config[0].value("autostart", true) == false);
  CHECK(config[0].value("directory", "") == "none");
  CHECK(config[0].value("stopsignal", 0) == 15);
  CHECK(config[1].value("stdout_logfile", "") == b.value("stdout_logfile", "-"));
}

TEST_CASE("startProcess with wait answers once RUNNING while other clients are served") {
  DaemonHarness d;
  d.writeConfig(d.header() + DaemonHarness::socketSection() +
                "[program:slow]\ncommand={helpers}/sleeper\nstartsecs=2\nautostart=false\n"
                "[program:stubborn]\ncommand={helpers}/ignore_sigterm\nstartsecs=0\n"
                "stopwaitsecs=1\n");
  REQUIRE(d.start());
  RpcClient waiter(d.path("sv.sock"));
  RpcClient other(d.path("sv.sock"));
  REQUIRE(waitState(other, "stubborn", kRunning));
  REQUIRE(waitFor(
      [&] { return d.childLog("stubborn").find("ignoring SIGTERM") != std::string::npos; }));

  auto t0 = std::chrono::steady_clock::now();
  int id = waiter.send("supervisor.startProcess", {"slow"});
  // While the start waits, other clients get their answers at once.
  for (int i = 0; i < 20; ++i) {
    CHECK(resultOf(other.call("supervisor.getState", json::array(), 500ms))["statename"] ==
          "RUNNING");
  }
  // Requests on two connections have no order between them, so wait to see
  // STARTING rather than assume the start was handled first.
  CHECK(waitState(other, "slow", 10));  // STARTING
  auto reply = waiter.waitReply(id, 5s);
  auto waited = std::chrono::steady_clock::now() - t0;
  CHECK(resultOf(reply) == true);
  CHECK(waited >= 1900ms);
  CHECK(stateOf(other, "slow") == kRunning);

  // wait=false answers at once, in STARTING.
  REQUIRE(resultOf(other.call("supervisor.stopProcess", {"slow"})) == true);
  CHECK(resultOf(other.call("supervisor.startProcess", {"slow", false})) == true);
  CHECK(stateOf(other, "slow") == 10);

  // stopProcess with wait answers only once the SIGKILL after stopwaitsecs worked.
  t0 = std::chrono::steady_clock::now();
  id = waiter.send("supervisor.stopProcess", {"stubborn"});
  CHECK(waitFor([&] { return stateOf(other, "stubborn") == 40; }));  // STOPPING
  reply = waiter.waitReply(id, 5s);
  CHECK(resultOf(reply) == true);
  CHECK(std::chrono::steady_clock::now() - t0 >= 900ms);
  CHECK(stateOf(other, "stubborn") == kStopped);
}

TEST_CASE("signalProcess takes names and numbers and reports BAD_SIGNAL and NOT_RUNNING") {
  DaemonHarness d;
  d.writeConfig(d.header() + DaemonHarness::socketSection() +
                "[group:g]\nprograms=x,y\n"
                "[program:x]\ncommand={helpers}/sleeper\nstartsecs=0\nautorestart=false\n"
                "[program:y]\ncommand={helpers}/sleeper\nstartsecs=0\nautostart=false\n");
  REQUIRE(d.start());
  RpcClient c(d.path("sv.sock"));
  REQUIRE(waitState(c, "g:x", kRunning));
  CHECK(errorMessage(c.call("supervisor.signalProcess", {"g:x", "BOGUS"})) == "BAD_SIGNAL: BOGUS");
  CHECK(errorMessage(c.call("supervisor.signalProcess", {"g:y", "HUP"})) == "NOT_RUNNING: g:y");
  CHECK(errorMessage(c.call("supervisor.signalProcess", {"nope", "HUP"})) == "BAD_NAME: nope");
  CHECK(resultOf(c.call("supervisor.signalProcess", {"g:x", "CONT"})) == true);
  CHECK(resultOf(c.call("supervisor.signalProcess", {"g:x", 18})) == true);
  // A group gets one result per signallable process; a bad signal is per process too.
  auto bad = resultOf(c.call("supervisor.signalProcessGroup", {"g", "BOGUS"}));
  REQUIRE(bad.size() == 1);
  CHECK(bad[0].value("status", 0) == 11);
  CHECK(bad[0].value("description", "") == "BAD_SIGNAL: BOGUS");
  auto grp = resultOf(c.call("supervisor.signalProcess", {"g:*", "SIGCONT"}));
  REQUIRE(grp.size() == 1);
  CHECK(grp[0].value("name", "") == "x");
  CHECK(grp[0].value("status", 0) == 80);
  CHECK(errorMessage(c.call("supervisor.signalProcessGroup", {"nope", "HUP"})) == "BAD_NAME: nope");
  auto killed = resultOf(c.call("supervisor.signalAllProcesses", {"9"}));
  REQUIRE(killed.size() == 1);
  CHECK(waitFor([&] { return stateOf(c, "g:x") == 100; }));  // EXITED
}

TEST_CASE("start-up logs each rpcinterface and warns when the socket has no username") {
  const std::string rpc =
      "[rpcinterface:supervisor]\n"
      "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n";
  DaemonHarness open;
  open.writeConfig(open.header() + DaemonHarness::socketSection() + rpc);
  REQUIRE(open.start());
  REQUIRE(open.waitForLogLine("supervisord started with pid"));
  std::string log = open.mainLog();
  auto rpc_at = log.find("INFO RPC interface 'supervisor' initialized");
  auto crit_at =
      log.find("CRIT Server 'unix_http_server' running without any HTTP authentication checking");
  auto started_at = log.find("supervisord started with pid");
  REQUIRE(rpc_at != std::string::npos);
  REQUIRE(crit_at != std::string::npos);
  CHECK(rpc_at < crit_at);
  CHECK(crit_at < started_at);

  DaemonHarness guarded;
  guarded.writeConfig(guarded.header() +
                      "[unix_http_server]\nfile={dir}/sv.sock\nusername=u\npassword=p\n" + rpc);
  REQUIRE(guarded.start());
  REQUIRE(guarded.waitForLogLine("supervisord started with pid"));
  CHECK(guarded.mainLog().find("RPC interface 'supervisor' initialized") != std::string::npos);
  CHECK(guarded.mainLog().find("without any HTTP authentication") == std::string::npos);
}
