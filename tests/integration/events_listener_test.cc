// Event listeners against a private supervisord: a standard-library Python
// listener (listeners/recorder.py) and shell one-liners receive Supervisor's
// events; headers and payloads are asserted byte for byte as Python
// Supervisor 4.2.5 sends them (recorded with the same listener and configs,
// see docs/events.md).
#include <signal.h>

#include <catch2/catch.hpp>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "tests/integration/daemon_harness.h"
#include "tests/integration/event_records.h"
#include "tests/integration/rpc_client.h"

using namespace sup::test;

namespace {

std::vector<std::string> payloadsAbout(const std::vector<ReceivedEvent>& events,
                                       const std::string& process, const std::string& prefix) {
  std::vector<std::string> out;
  for (const auto& e : events) {
    if (e.payload.rfind("processname:" + process + " ", 0) == 0 &&
        e.field("eventname").rfind(prefix, 0) == 0) {
      out.push_back(e.field("eventname") + " " + e.payload);
    }
  }
  return out;
}

bool received(const DaemonHarness& d, const std::string& pool, const std::string& eventname,
              const std::string& payload_part = "") {
  for (const auto& e : readReceived(d.path(pool + ".raw")))
    if (e.field("eventname") == eventname && e.payload.find(payload_part) != std::string::npos)
      return true;
  return false;
}

}  // namespace

TEST_CASE("a Python listener receives every event type with Supervisor's header and payload") {
  DaemonHarness d;
  d.writeConfig(d.header() + DaemonHarness::ctlSections() +
                recorderSection("rec",
                                "PROCESS_STATE,PROCESS_LOG,PROCESS_COMMUNICATION,"
                                "REMOTE_COMMUNICATION,SUPERVISOR_STATE_CHANGE,PROCESS_GROUP",
                                "", "buffer_size=100") +
                "[program:out]\ncommand=/bin/sh -c 'printf \"h\\303\\251llo w\\303\\266rld\\n\"; "
                "printf \"oops\\n\" >&2; exec sleep 1000'\nstartsecs=0\n"
                "stdout_events_enabled=true\nstderr_events_enabled=true\n\n"
                "[program:comm]\ncommand=/bin/sh -c 'trap \"exit 0\" TERM; "
                "printf \"<!--XSUPERVISOR:BEGIN-->comm out<!--XSUPERVISOR:END-->\"; "
                "printf \"<!--XSUPERVISOR:BEGIN-->comm err<!--XSUPERVISOR:END-->\" >&2; "
                "while :; do sleep 0.1; done'\nstartsecs=0\n"
                "stdout_capture_maxbytes=1KB\nstderr_capture_maxbytes=1KB\n\n"
                "[program:fail]\ncommand=/bin/false\nstartretries=0\n");
  REQUIRE(d.start());
  REQUIRE(d.waitForLogLine("gave up: fail entered FATAL state"));
  REQUIRE(waitFor([&] { return received(d, "rec", "PROCESS_STATE_FATAL"); }, 10s));
  REQUIRE(waitFor([&] { return received(d, "rec", "PROCESS_LOG_STDERR"); }));
  REQUIRE(waitFor([&] { return received(d, "rec", "PROCESS_COMMUNICATION_STDERR"); }));
  RpcClient rpc(d.path("sv.sock"));
  CHECK(resultOf(rpc.call("supervisor.sendRemoteCommEvent",
                          {"t\xc3\xbfpe", "d\xc3\xa4t\xc3\xa4\nline2"})) == true);
  REQUIRE(waitFor([&] { return received(d, "rec", "REMOTE_COMMUNICATION"); }));
  CHECK(d.ctl("stop out").exit == 0);
  CHECK(d.ctl("remove out").exit == 0);
  REQUIRE(waitFor([&] { return received(d, "rec", "PROCESS_GROUP_REMOVED"); }));
  REQUIRE(d.signal(SIGTERM));
  REQUIRE(d.waitForExit() == 0);

  std::string log = d.mainLog();
  std::string out = std::to_string(spawnedPid(log, "out"));
  std::string comm = std::to_string(spawnedPid(log, "comm"));
  std::string rec = std::to_string(spawnedPid(log, "rec"));
  auto events = readReceived(d.path("rec.raw"));
  REQUIRE(events.size() > 10);
  // One pool: the pool serial is the global serial, both counting from 0.
  for (std::size_t i = 0; i < events.size(); ++i) {
    INFO("event " << i << ": " << events[i].header);
    CHECK(std::regex_match(events[i].header,
                           std::regex("ver:3\\.0 server:supervisor serial:" + std::to_string(i) +
                                      " pool:rec poolserial:" + std::to_string(i) +
                                      " eventname:[A-Z_0-9]+ len:[0-9]+")));
  }
  std::vector<std::string> first;
  for (std::size_t i = 0; i < 5; ++i)
    first.push_back(events[i].field("eventname") + " " + events[i].payload);
  CHECK(first == std::vector<std::string>{
                     "PROCESS_GROUP_ADDED groupname:rec\n", "PROCESS_GROUP_ADDED groupname:comm\n",
                     "PROCESS_GROUP_ADDED groupname:fail\n", "PROCESS_GROUP_ADDED groupname:out\n",
                     "SUPERVISOR_STATE_CHANGE_RUNNING "});
  CHECK(payloadsAbout(events, "fail", "PROCESS_STATE") ==
        std::vector<std::string>{
            "PROCESS_STATE_STARTING processname:fail groupname:fail from_state:STOPPED tries:0",
            "PROCESS_STATE_BACKOFF processname:fail groupname:fail from_state:STARTING tries:1",
            "PROCESS_STATE_FATAL processname:fail groupname:fail from_state:BACKOFF"});
  CHECK(payloadsAbout(events, "out", "PROCESS_STATE") ==
        std::vector<std::string>{
            "PROCESS_STATE_STARTING processname:out groupname:out from_state:STOPPED tries:0",
            "PROCESS_STATE_RUNNING processname:out groupname:out from_state:STARTING pid:" + out,
            "PROCESS_STATE_STOPPING processname:out groupname:out from_state:RUNNING pid:" + out,
            "PROCESS_STATE_STOPPED processname:out groupname:out from_state:STOPPING pid:" + out});
  CHECK(payloadsAbout(events, "out", "PROCESS_LOG") ==
        std::vector<std::string>{"PROCESS_LOG_STDOUT processname:out groupname:out pid:" + out +
                                     " channel:stdout\nh\xc3\xa9llo w\xc3\xb6rld\n",
                                 "PROCESS_LOG_STDERR processname:out groupname:out pid:" + out +
                                     " channel:stderr\noops\n"});
  CHECK(
      payloadsAbout(events, "comm", "PROCESS_COMMUNICATION") ==
      std::vector<std::string>{
          "PROCESS_COMMUNICATION_STDOUT processname:comm groupname:comm pid:" + comm + "\ncomm out",
          "PROCESS_COMMUNICATION_STDERR processname:comm groupname:comm pid:" + comm +
              "\ncomm err"});
  CHECK(payloadsAbout(events, "rec", "PROCESS_STATE_RUNNING") ==
        std::vector<std::string>{
            "PROCESS_STATE_RUNNING processname:rec groupname:rec from_state:STARTING pid:" + rec});
  std::map<std::string, std::string> by_name;
  for (const auto& e : events) by_name[e.field("eventname")] = e.header + "\n" + e.payload;
  // len counts characters, as Supervisor's len() of the decoded payload.
  CHECK(
      std::regex_replace(by_name["REMOTE_COMMUNICATION"], std::regex("serial:\\d+"), "serial:N") ==
      "ver:3.0 server:supervisor serial:N pool:rec poolserial:N eventname:REMOTE_COMMUNICATION "
      "len:20\ntype:t\xc3\xbfpe\nd\xc3\xa4t\xc3\xa4\nline2");
  CHECK(by_name["PROCESS_GROUP_REMOVED"].substr(by_name["PROCESS_GROUP_REMOVED"].find('\n')) ==
        "\ngroupname:out\n");
  // At shutdown, listeners (priority -1, stopped last) still hear about it.
  CHECK(by_name.count("SUPERVISOR_STATE_CHANGE_STOPPING") == 1);
}

TEST_CASE("a shell one-liner listener gets TICK_5 on the wall clock's 5 second boundaries") {
  DaemonHarness d;
  // %% is a literal % in a supervisord.conf value.
  d.writeConfig(d.header() +
                "[eventlistener:tick]\ncommand=/bin/sh -c 'while :; do printf \"READY\\n\"; "
                "read -r h; n=${h##*len:}; p=$(head -c \"$n\"); "
                "printf \"%%s|%%s\\n\" \"$h\" \"$p\" >> {dir}/tick.txt; "
                "printf \"RESULT 2\\nOK\"; done'\nevents=TICK_5\n");
  auto started = std::time(nullptr);
  REQUIRE(d.start());
  REQUIRE(waitFor([&] { return !readFile(d.path("tick.txt")).empty(); }, 8s));
  std::smatch m;
  std::string line = readFile(d.path("tick.txt"));
  REQUIRE(
      std::regex_search(line, m,
                        std::regex("^ver:3\\.0 server:supervisor serial:0 pool:tick "
                                   "poolserial:0 eventname:TICK_5 len:15\\|when:(\\d{10})\\n")));
  long when = std::stol(m[1]);
  CHECK(when % 5 == 0);
  CHECK(when > started);
  CHECK(when <= std::time(nullptr));
}

TEST_CASE("FAIL puts the event back at the head: the listener gets it again, then the next") {
  DaemonHarness d;
  d.writeConfig(d.header() + recorderSection("rec", "PROCESS_GROUP", "--fail-first 2") +
                "[program:a]\ncommand={helpers}/sleeper\n");
  REQUIRE(d.start());
  REQUIRE(waitFor([&] { return readReceived(d.path("rec.raw")).size() >= 4; }, 10s));
  // What Python Supervisor 4.2.5 sends with this config and listener.
  CHECK(readFile(d.path("rec.raw")) ==
        "ver:3.0 server:supervisor serial:0 pool:rec poolserial:0 eventname:PROCESS_GROUP_ADDED "
        "len:14\ngroupname:rec\n"
        "ver:3.0 server:supervisor serial:0 pool:rec poolserial:0 eventname:PROCESS_GROUP_ADDED "
        "len:14\ngroupname:rec\n"
        "ver:3.0 server:supervisor serial:0 pool:rec poolserial:0 eventname:PROCESS_GROUP_ADDED "
        "len:14\ngroupname:rec\n"
        "ver:3.0 server:supervisor serial:1 pool:rec poolserial:1 eventname:PROCESS_GROUP_ADDED "
        "len:12\ngroupname:a\n");
  CHECK(d.countLogLines(" WARN rec: event was rejected$") == 2);
}

TEST_CASE("past buffer_size the oldest events are dropped with Supervisor's ERRO line") {
  DaemonHarness d;
  d.writeConfig(d.header() +
                recorderSection("rec", "PROCESS_STATE", "--slow 0.2", "buffer_size=2") +
                "[program:a]\ncommand={helpers}/sleeper\nnumprocs=4\n"
                "process_name=%(program_name)s%(process_num)d\nstartsecs=0\n");
  REQUIRE(d.start());
  REQUIRE(waitFor([&] { return readReceived(d.path("rec.raw")).size() >= 2; }, 10s));
  // rec STARTING (0), a0-a3 STARTING (1-4) and RUNNING (5-8) come before the
  // listener is RUNNING (9): the queue of 2 keeps the last two.
  for (int serial = 0; serial <= 7; ++serial) {
    CHECK(d.countLogLines(" ERRO pool rec event buffer overflowed, discarding event " +
                          std::to_string(serial) + "$") == 1);
  }
  auto events = readReceived(d.path("rec.raw"));
  CHECK(events[0].field("serial") == "8");
  CHECK(events[0].field("eventname") == "PROCESS_STATE_RUNNING");
  CHECK(events[1].field("serial") == "9");
  CHECK(events[1].payload.rfind("processname:rec groupname:rec from_state:STARTING pid:", 0) == 0);
}

TEST_CASE("a protocol violation: UNKNOWN for good, its event goes to another listener") {
  DaemonHarness d;
  // rec_0 (the first READY one, so it gets the first event) answers garbage.
  d.writeConfig(
      d.header() +
      "[eventlistener:rec]\ncommand=/bin/sh -c 'if [ $SUPERVISOR_PROCESS_NAME = rec_0 ]; then "
      "exec " +
      recorderPath() + " --raw {dir}/rec_0.raw --garbage-at 1; else exec " + recorderPath() +
      " --raw {dir}/rec_1.raw; fi'\n"
      "process_name=rec_%(process_num)d\nnumprocs=2\nevents=PROCESS_GROUP\n\n"
      "[program:x]\ncommand={helpers}/sleeper\n\n[program:y]\ncommand={helpers}/sleeper\n");
  REQUIRE(d.start());
  REQUIRE(d.waitForLogLine(" WARN rec_0: bad result line: 'this is not a result line'$", 10s));
  REQUIRE(d.waitForLogLine(
      " WARN rec_0: has entered the UNKNOWN state and will no longer receive events, this usually "
      "indicates the process violated the eventlistener protocol$"));
  // rec_1 ends up with every event, the rejected one included.
  REQUIRE(waitFor([&] { return readReceived(d.path("rec_1.raw")).size() == 3; }, 10s));
  std::set<std::string> serials;
  for (const auto& e : readReceived(d.path("rec_1.raw"))) serials.insert(e.field("serial"));
  CHECK(serials == std::set<std::string>{"0", "1", "2"});
  CHECK(readReceived(d.path("rec_0.raw")).size() == 1);
}

TEST_CASE("a listener that dies with an event in flight gets it again when restarted") {
  DaemonHarness d;
  d.writeConfig(d.header() +
                recorderSection("rec", "PROCESS_GROUP", "--die-at 1 --once {dir}/died") +
                "[program:a]\ncommand={helpers}/sleeper\n");
  REQUIRE(d.start());
  REQUIRE(waitFor([&] { return readReceived(d.path("rec.raw")).size() >= 3; }, 15s));
  std::vector<std::string> serials;
  for (const auto& e : readReceived(d.path("rec.raw"))) serials.push_back(e.field("serial"));
  CHECK(serials == std::vector<std::string>{"0", "0", "1"});
  CHECK(d.countLogLines(" WARN exited: rec \\(exit status 3; not expected\\)$") == 1);
  CHECK(d.countLogLines(" INFO spawned: 'rec' with pid") == 2);
}

TEST_CASE("a numprocs pool shares the events: each one once, to the first READY listener") {
  DaemonHarness d;
  std::string body = d.header() + "[eventlistener:pool]\ncommand=" + recorderPath() +
                     " --raw {dir}/pool_%(process_num)d.raw --slow 0.3\n"
                     "process_name=pool_%(process_num)d\nnumprocs=3\nevents=PROCESS_GROUP\n\n";
  for (int i = 0; i < 5; ++i)
    body += "[program:p" + std::to_string(i) + "]\ncommand={helpers}/sleeper\n\n";
  d.writeConfig(body);
  REQUIRE(d.start());
  auto all = [&] {
    std::vector<ReceivedEvent> out;
    for (int i = 0; i < 3; ++i)
      for (auto& e : readReceived(d.path("pool_" + std::to_string(i) + ".raw"))) out.push_back(e);
    return out;
  };
  REQUIRE(waitFor([&] { return all().size() == 6; }, 10s));
  std::set<std::string> serials;
  for (const auto& e : all()) {
    serials.insert(e.field("serial"));
    CHECK(e.field("serial") == e.field("poolserial"));
  }
  CHECK(serials == std::set<std::string>{"0", "1", "2", "3", "4", "5"});
  int listeners_used = 0;
  for (int i = 0; i < 3; ++i)
    listeners_used += readReceived(d.path("pool_" + std::to_string(i) + ".raw")).empty() ? 0 : 1;
  CHECK(listeners_used >= 2);
}

TEST_CASE("stop the container on FATAL: a listener that kills supervisord makes it exit 0") {
  DaemonHarness d;
  d.writeConfig(
      d.header() +
      "[eventlistener:fatal]\ncommand=/bin/sh -c 'printf \"READY\\n\"; read -r h; "
      "kill -TERM $(cat {dir}/supervisord.pid); printf \"RESULT 2\\nOK\"; exec sleep 100'\n"
      "events=PROCESS_STATE_FATAL\n\n"
      "[program:web]\ncommand={helpers}/sleeper\n\n"
      "[program:broken]\ncommand=/bin/false\nstartretries=1\n");
  REQUIRE(d.start());
  REQUIRE(d.waitForLogLine("gave up: broken entered FATAL state", 10s));
  auto status = d.waitForExit(20s);
  REQUIRE(status);
  CHECK(*status == 0);
  std::string log = d.mainLog();
  CHECK(log.find("WARN received SIGTERM indicating exit request") != std::string::npos);
  CHECK(std::regex_search(log, std::regex("stopped: web \\(terminated by SIGTERM\\)")));
  CHECK(std::regex_search(log, std::regex("stopped: fatal \\(terminated by SIGTERM\\)")));
  CHECK_FALSE(processAlive(spawnedPid(log, "web")));
  CHECK_FALSE(processAlive(spawnedPid(log, "fatal")));
}

TEST_CASE(
    "listeners get Supervisor's environment, log stderr, and keep the protocol in stdout's log") {
  DaemonHarness d;
  d.writeConfig(d.header() + DaemonHarness::ctlSections() +
                "[eventlistener:rec]\ncommand=/bin/sh -c 'env | grep ^SUPERVISOR_ | sort >&2; "
                "exec " +
                recorderPath() + " --raw {dir}/rec.raw'\nevents=PROCESS_GROUP\n");
  REQUIRE(d.start());
  REQUIRE(waitFor([&] { return readReceived(d.path("rec.raw")).size() == 1; }, 10s));
  CHECK(d.childLog("rec", "stderr") ==
        "SUPERVISOR_ENABLED=1\nSUPERVISOR_GROUP_NAME=rec\nSUPERVISOR_PROCESS_NAME=rec\n"
        "SUPERVISOR_SERVER_URL=unix://" +
            d.path("sv.sock") + "\n");
  REQUIRE(waitFor([&] { return d.childLog("rec") == "READY\nRESULT 2\nOKREADY\n"; }));
}

TEST_CASE("after a restart (HUP) the global serial goes on and the pool serial starts over") {
  DaemonHarness d;
  d.writeConfig(d.header() + recorderSection("rec", "PROCESS_GROUP") +
                "[program:a]\ncommand={helpers}/sleeper\n");
  REQUIRE(d.start());
  REQUIRE(waitFor([&] { return readReceived(d.path("rec.raw")).size() == 2; }, 10s));
  REQUIRE(d.signal(SIGHUP));
  REQUIRE(waitFor([&] { return readReceived(d.path("rec.raw")).size() == 4; }, 20s));
  // What Python Supervisor 4.2.5 sends across its restart.
  std::vector<std::string> got;
  for (const auto& e : readReceived(d.path("rec.raw")))
    got.push_back(e.field("serial") + "/" + e.field("poolserial") + " " + e.payload);
  CHECK(got == std::vector<std::string>{"0/0 groupname:rec\n", "1/1 groupname:a\n",
                                        "2/0 groupname:rec\n", "3/1 groupname:a\n"});
}
