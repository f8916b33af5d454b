// The supervisorctl binary against a private supervisord: the lines and exit
// codes Python supervisorctl 4.2.5 prints for the same config and commands
// (recorded by hand against the real Supervisor, see ctl_format_test.cc).
#include <catch2/catch.hpp>
#include <regex>

#include "tests/integration/daemon_harness.h"

using namespace sup::test;

namespace {

struct Ctl {
  DaemonHarness d;
  Ctl() {
    d.writeConfig(d.header() + DaemonHarness::ctlSections() +
                  "[program:sleeper]\ncommand={helpers}/sleeper\nstartsecs=0\n"
                  "[program:manual]\ncommand={helpers}/sleeper\nautostart=false\nstartsecs=0\n"
                  "[program:quick]\ncommand={helpers}/exit_with 1\nstartretries=0\n"
                  "[group:grp]\nprograms=ga,gb\n"
                  "[program:ga]\ncommand={helpers}/sleeper\nstartsecs=0\n"
                  "[program:gb]\ncommand={helpers}/sleeper\nautostart=false\n");
  }
  RunResult ctl(const std::string& args) { return d.ctl(args); }
  bool started() {
    if (!d.start()) return false;
    return waitFor([&] {
      std::string s = ctl("status").out;
      return s.find("quick                            FATAL") != std::string::npos &&
             s.find("sleeper                          RUNNING") != std::string::npos &&
             s.find("grp:ga                           RUNNING") != std::string::npos;
    });
  }
};

std::string normalized(std::string s) {
  s = std::regex_replace(s, std::regex("pid [0-9]+, uptime [0-9:]+"), "pid N, uptime T");
  return s;
}

}  // namespace

TEST_CASE("supervisorctl status prints Supervisor's table and exit code") {
  Ctl c;
  REQUIRE(c.started());
  auto r = c.ctl("status");
  CHECK(normalized(r.out) ==
        "grp:ga                           RUNNING   pid N, uptime T\n"
        "grp:gb                           STOPPED   Not started\n"
        "manual                           STOPPED   Not started\n"
        "quick                            FATAL     Exited too quickly (process log may have "
        "details)\n"
        "sleeper                          RUNNING   pid N, uptime T\n");
  CHECK(r.exit == 3);
  r = c.ctl("status sleeper nope");
  CHECK(normalized(r.out) ==
        "nope: ERROR (no such process)\nsleeper                          RUNNING   pid N, uptime "
        "T\n");
  CHECK(r.exit == 4);
}

TEST_CASE("supervisorctl start, stop, signal and pid give Supervisor's lines and codes") {
  Ctl c;
  REQUIRE(c.started());
  auto r = c.ctl("start sleeper grp:gb");
  CHECK(r.out == "sleeper: ERROR (already started)\ngrp:gb: started\n");
  CHECK(r.exit == 0);
  r = c.ctl("start nogrp:*");
  CHECK(r.out == "nogrp: ERROR (no such group)\n");
  CHECK(r.exit == 2);
  r = c.ctl("stop manual sleeper");
  CHECK(r.out == "manual: ERROR (not running)\nsleeper: stopped\n");
  CHECK(r.exit == 0);
  r = c.ctl("signal HUP manual");
  CHECK(r.out == "manual: ERROR (not running)\n");
  CHECK(r.exit == 7);
  r = c.ctl("signal BOGUS grp:ga");
  CHECK(r.out == "grp:ga: ERROR (bad signal name)\n");
  CHECK(r.exit == 1);
  r = c.ctl("pid manual");
  CHECK(r.out == "0\n");
  CHECK(r.exit == 7);
  r = c.ctl("pid");
  CHECK(r.out == std::to_string(c.d.daemonPid()) + "\n");
  r = c.ctl("restart manual");
  CHECK(r.out == "manual: ERROR (not running)\nmanual: started\n");
}

TEST_CASE("supervisorctl tail, avail, reread and unknown commands") {
  Ctl c;
  REQUIRE(c.started());
  REQUIRE(waitFor([&] { return c.ctl("tail sleeper").out.find("sleeper ") == 0; }));
  auto r = c.ctl("tail sleeper bad");
  CHECK(r.out == "Error: bad channel 'bad'\n");
  CHECK(r.exit == 1);
  r = c.ctl("avail");
  CHECK(r.out ==
        "grp:ga                           in use    auto      999:999\n"
        "grp:gb                           in use    manual    999:999\n"
        "manual                           in use    manual    999:999\n"
        "quick                            in use    auto      999:999\n"
        "sleeper                          in use    auto      999:999\n");
  r = c.ctl("reread");
  CHECK(r.out == "No config updates to processes\n");
  r = c.ctl("bogus arg");
  CHECK(r.out == "*** Unknown syntax: bogus arg\n");
  CHECK(r.exit == 1);
  r = c.ctl("status --json sleeper");
  CHECK(r.out.find("\"name\":\"sleeper\"") != std::string::npos);
}

TEST_CASE("supervisorctl against a stopped daemon prints Supervisor's connection errors") {
  Ctl c;
  REQUIRE(c.started());
  auto r = c.ctl("shutdown");
  CHECK(r.out == "Shut down\n");
  REQUIRE(c.d.waitForExit());
  std::string url = "unix://" + c.d.path("sv.sock");
  r = c.ctl("status");
  CHECK(r.out == url + " no such file\n");
  CHECK(r.exit == 4);
  r = c.ctl("start x");
  CHECK(r.exit == 7);
  r = c.ctl("shutdown");
  CHECK(r.out == "ERROR: " + url + " no such file (already shut down?)\n");
  CHECK(r.exit == 1);
}
