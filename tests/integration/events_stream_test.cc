// The JSON event stream through supervisorctl: `events` prints the recent
// history, `events -f` follows (a shell script can react to
// PROCESS_STATE_FATAL without writing a listener) and ends with exit 0 when
// the daemon stops; filters by type and name.
#include <signal.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>

#include "tests/integration/daemon_harness.h"
#include "tests/integration/event_records.h"
#include "tests/integration/rpc_client.h"

using namespace sup::test;

TEST_CASE("supervisorctl events prints the recent events, filtered by type and name") {
  DaemonHarness d;
  d.writeConfig(d.header() + DaemonHarness::ctlSections() +
                "[program:web]\ncommand={helpers}/sleeper\nstartsecs=0\n\n"
                "[program:db]\ncommand={helpers}/sleeper\nstartsecs=0\n");
  REQUIRE(d.start());
  REQUIRE(d.waitForLogLine("success: web entered RUNNING"));
  REQUIRE(d.waitForLogLine("success: db entered RUNNING"));
  std::string web = std::to_string(spawnedPid(d.mainLog(), "web"));
  auto all = d.ctl("events");
  CHECK(all.exit == 0);
  const std::string stamp = "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d ";
  CHECK(std::regex_search(all.out, std::regex(stamp + "PROCESS_GROUP_ADDED groupname:db\n")));
  CHECK(std::regex_search(all.out, std::regex(stamp + "SUPERVISOR_STATE_CHANGE_RUNNING\n")));
  auto running = d.ctl("events PROCESS_STATE_RUNNING web");
  CHECK(running.exit == 0);
  CHECK(std::regex_match(running.out,
                         std::regex(stamp +
                                    "PROCESS_STATE_RUNNING processname:web groupname:web "
                                    "from_state:STARTING pid:" +
                                    web + "\n")));
  auto json = d.ctl("events --json -n 1 PROCESS_STATE web");
  auto record = nlohmann::json::parse(json.out);
  CHECK(record["eventname"] == "PROCESS_STATE_RUNNING");
  CHECK(record["headers"]["pid"] == std::stoi(web));
  CHECK(record["payload"] == "processname:web groupname:web from_state:STARTING pid:" + web);
  CHECK(record["serial"].is_null());  // no listener pool took it
  auto bad = d.ctl("events --nope");
  CHECK(bad.exit == 2);
  CHECK(bad.err ==
        "supervisorctl events: unrecognized option '--nope'\n"
        "Usage: supervisorctl events [OPTION]... [TYPE]... [name|group:*]...\n"
        "Try 'supervisorctl help events' for more information.\n");
}

TEST_CASE("supervisorctl events -f lets a script react to FATAL, and exits 0 at shutdown") {
  DaemonHarness d;
  d.writeConfig(d.header("trace") + DaemonHarness::ctlSections() +
                "[program:broken]\ncommand=/bin/false\nstartretries=0\nautostart=false\n");
  REQUIRE(d.start());
  auto pid =
      run("(" + d.ctlCommand("events -f --json PROCESS_STATE_FATAL") + " >" + d.path("follow.out") +
          " 2>&1 </dev/null; echo $? >" + d.path("follow.rc") + ") >/dev/null 2>&1 &");
  REQUIRE(pid.exit == 0);
  REQUIRE(d.waitForLogLine("calls supervisor.subscribeEvents"));
  d.ctl("start broken");
  REQUIRE(waitFor([&] { return !readFile(d.path("follow.out")).empty(); }));
  auto line = readFile(d.path("follow.out"));
  auto record = nlohmann::json::parse(line.substr(0, line.find('\n')));
  CHECK(record["eventname"] == "PROCESS_STATE_FATAL");
  CHECK(record["payload"] == "processname:broken groupname:broken from_state:BACKOFF");
  REQUIRE(d.signal(SIGTERM));
  REQUIRE(d.waitForExit() == 0);
  REQUIRE(waitFor([&] { return !readFile(d.path("follow.rc")).empty(); }));
  CHECK(readFile(d.path("follow.rc")) == "0\n");
}

TEST_CASE("sendRemoteCommEvent reaches listeners and the stream, and takes any two values") {
  DaemonHarness d;
  d.writeConfig(d.header() + DaemonHarness::ctlSections() +
                recorderSection("rec", "REMOTE_COMMUNICATION"));
  REQUIRE(d.start());
  REQUIRE(d.waitForLogLine("success: rec entered RUNNING"));
  RpcClient stream(d.path("sv.sock"));
  int id = stream.send("supervisor.subscribeEvents", {{"REMOTE_COMMUNICATION"}});
  REQUIRE(resultOf(stream.waitReply(id)) == true);
  RpcClient rpc(d.path("sv.sock"));
  CHECK(resultOf(rpc.call("supervisor.sendRemoteCommEvent", {"alert", "disk full\n"})) == true);
  CHECK(resultOf(rpc.call("supervisor.sendRemoteCommEvent", {7, true})) == true);
  CHECK(errorCode(rpc.call("supervisor.sendRemoteCommEvent", {"only one"})) == 2);
  auto note = stream.read();
  REQUIRE(note);
  CHECK((*note)["params"]["payload"] == "type:alert\ndisk full\n");
  CHECK((*note)["params"]["serial"] == 0);
  REQUIRE(waitFor([&] { return readReceived(d.path("rec.raw")).size() == 2; }));
  auto got = readReceived(d.path("rec.raw"));
  CHECK(got[0].payload == "type:alert\ndisk full\n");
  CHECK(got[1].payload == "type:7\nTrue");
}
