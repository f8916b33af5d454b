// The order of a child's environment, end to end: what /usr/bin/env prints
// under our supervisord equals what it printed under Python Supervisor 4.2.5
// with the same config and the same inherited environment (see
// tests/unit/child_environment_test.cc for the recording).
#include <catch2/catch.hpp>
#include <cstdlib>
#include <sstream>

#include "daemon_harness.h"

using namespace sup::test;

TEST_CASE("a child sees supervisord's environment in its order with the additions after it") {
  DaemonHarness d;
  // header() is the [supervisord] section: its environment= follows it.
  d.writeConfig(d.header() + "environment=ZED=\"daemon\",HOME=\"/daemon-home\",ALPHA=daemon\n" +
                DaemonHarness::ctlSections() +
                "[program:envdump]\ncommand=/usr/bin/env\nstartsecs=0\nautorestart=false\n"
                "stdout_logfile={dir}/env.out\n"
                "environment=MIDDLE=prog,ALPHA=prog,BETA=prog,PATH=\"/prog/bin:/usr/bin\"\n");

  std::vector<std::string> inherited;
  // The sanitizer build needs its options to reach the daemon; they lead.
  for (const char* name : {"ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"}) {
    if (const char* v = std::getenv(name)) inherited.push_back(std::string(name) + "=" + v);
  }
  std::vector<std::string> expected = inherited;
  for (const char* e :
       {"LANG=C.UTF-8", "PATH=/usr/bin:/bin", "HOME=/root", "Q=1", "SUPERVISOR_GROUP_NAME=outer"}) {
    inherited.push_back(e);
  }
  std::vector<std::string> prefix{"env", "-i"};
  prefix.insert(prefix.end(), inherited.begin(), inherited.end());
  REQUIRE(d.start({}, prefix));
  REQUIRE(waitFor([&] { return d.countLogLines("exited: envdump") == 1; }));

  for (const std::string& e : std::vector<std::string>{
           "LANG=C.UTF-8", "PATH=/prog/bin:/usr/bin", "HOME=/daemon-home", "Q=1",
           "SUPERVISOR_GROUP_NAME=envdump", "SUPERVISOR_ENABLED=1",
           "SUPERVISOR_SERVER_URL=unix://" + d.path("sv.sock"), "SUPERVISOR_PROCESS_NAME=envdump",
           "ZED=daemon", "ALPHA=prog", "MIDDLE=prog", "BETA=prog"}) {
    expected.push_back(e);
  }
  std::vector<std::string> got;
  std::istringstream in(readFile(d.path("env.out")));
  for (std::string line; std::getline(in, line);) got.push_back(line);
  CHECK(got == expected);
}
