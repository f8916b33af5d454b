// supervisord's own signals: TERM/INT/QUIT shut down, HUP restarts with the
// re-read config, USR2 reopens logs; the pidfile lock refuses a second
// daemon; daemonizing returns to the shell at once.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <csignal>
#include <filesystem>
#include <sstream>
#include <thread>

#include "daemon_harness.h"

using namespace sup::test;

TEST_CASE("TERM, INT and QUIT stop every program and exit 0, removing the pidfile") {
  int sig = GENERATE(SIGTERM, SIGINT, SIGQUIT);
  DaemonHarness d;
  d.writeConfig(d.header() +
                "[program:a]\ncommand={helpers}/sleeper\n"
                "[program:b]\ncommand={helpers}/sleeper\n");
  REQUIRE(d.start());
  REQUIRE(d.waitForLogLine("success: b entered RUNNING"));
  REQUIRE(std::filesystem::exists(d.pidfilePath()));
  CHECK(std::stoi(readFile(d.pidfilePath())) == d.pid());
  d.signal(sig);
  REQUIRE(d.waitForExit() == 0);
  std::string name = sig == SIGTERM ? "SIGTERM" : sig == SIGINT ? "SIGINT" : "SIGQUIT";
  CHECK(d.countLogLines("WARN received " + name + " indicating exit request") == 1);
  CHECK(d.countLogLines("stopped: a \\(terminated by SIGTERM\\)") == 1);
  CHECK(d.countLogLines("stopped: b \\(terminated by SIGTERM\\)") == 1);
  CHECK_FALSE(std::filesystem::exists(d.pidfilePath()));
}

TEST_CASE("many programs of equal priority stop in parallel") {
  DaemonHarness d;
  std::string conf = d.header();
  for (int i = 0; i < 20; ++i)
    conf += "[program:p" + std::to_string(i) + "]\ncommand={helpers}/sleeper\nstartsecs=0\n";
  d.writeConfig(conf);
  REQUIRE(d.start());
  REQUIRE(waitFor([&] { return d.countLogLines("success: p") == 20; }));
  auto t0 = std::chrono::steady_clock::now();
  d.signal(SIGTERM);
  REQUIRE(d.waitForExit() == 0);
  CHECK(std::chrono::steady_clock::now() - t0 < 2s);
  CHECK(d.countLogLines("stopped: p\\d+ \\(terminated by SIGTERM\\)") == 20);
}

TEST_CASE("HUP restarts with the re-read config in the same process") {
  DaemonHarness d;
  d.writeConfig(d.header() + "[program:old]\ncommand={helpers}/sleeper\nstartsecs=0\n");
  REQUIRE(d.start());
  REQUIRE(d.waitForLogLine("success: old entered RUNNING"));
  d.writeConfig(d.header() + "[program:new]\ncommand={helpers}/sleeper\nstartsecs=0\n");
  d.signal(SIGHUP);
  REQUIRE(d.waitForLogLine("WARN received SIGHUP indicating restart request"));
  REQUIRE(d.waitForLogLine("stopped: old \\(terminated by SIGTERM\\)"));
  REQUIRE(d.waitForLogLine("success: new entered RUNNING"));
  CHECK(d.running());
  CHECK(std::stoi(readFile(d.pidfilePath())) == d.pid());
  CHECK(d.countLogLines("spawned: 'old'") == 1);
}

// HUP with a broken config: unlike Supervisor (which stops everything and
// exits 2) we keep running on the old config; see reload_config_test.cc.

TEST_CASE("USR2 reopens the main log and the child logs") {
  DaemonHarness d;
  // debug: the child's output is echoed to the main log, so both files grow.
  d.writeConfig(d.header("debug") +
                "[program:tick]\ncommand={helpers}/chatty 0 50\n"
                "stdout_logfile={dir}/tick.log\n");
  REQUIRE(d.start());
  REQUIRE(waitFor([&] { return !readFile(d.path("tick.log")).empty(); }));
  std::filesystem::rename(d.logPath(), d.path("supervisord.log.old"));
  std::filesystem::rename(d.path("tick.log"), d.path("tick.log.old"));
  d.signal(SIGUSR2);
  // The request and "logreopen" lines still go to the old file, then the
  // daemon writes to fresh files under the configured names.
  REQUIRE(waitFor([&] {
    return readFile(d.path("supervisord.log.old")).find("INFO supervisord logreopen") !=
           std::string::npos;
  }));
  CHECK(readFile(d.path("supervisord.log.old"))
            .find("INFO received SIGUSR2 indicating log reopen request") != std::string::npos);
  CHECK(d.waitForLogLine("DEBG 'tick' stdout output:"));
  CHECK(waitFor([&] { return !readFile(d.path("tick.log")).empty(); }));
}

TEST_CASE("a second supervisord with the same pidfile refuses to start") {
  DaemonHarness d;
  d.writeConfig(d.header() + "[program:a]\ncommand={helpers}/sleeper\n");
  REQUIRE(d.start());
  RunResult second = run(DaemonHarness::supervisordBin() + " -n -c " + d.configPath());
  CHECK(second.exit == 2);
  CHECK(second.err.find("Another supervisord is already running with pid " +
                        std::to_string(d.pid())) != std::string::npos);
  CHECK(d.running());
  CHECK(std::stoi(readFile(d.pidfilePath())) == d.pid());
}

TEST_CASE(
    "without -n supervisord daemonizes: the command returns 0 and the pidfile names the daemon") {
  DaemonHarness d;
  d.writeConfig(d.header() + "[program:a]\ncommand={helpers}/sleeper\nstartsecs=0\n");
  RunResult r = run(DaemonHarness::supervisordBin() + " -c " + d.configPath());
  REQUIRE(r.exit == 0);
  REQUIRE(waitFor([&] { return !readFile(d.pidfilePath()).empty(); }));
  int pid = std::stoi(readFile(d.pidfilePath()));
  CHECK(processAlive(pid));
  REQUIRE(d.waitForLogLine("INFO daemonizing the supervisord process"));
  REQUIRE(d.waitForLogLine("success: a entered RUNNING"));
  ::kill(pid, SIGTERM);
  CHECK(waitFor([&] { return !processAlive(pid); }, 10s));
  CHECK_FALSE(std::filesystem::exists(d.pidfilePath()));
}

TEST_CASE("a config error is printed with Supervisor's framing and exits 2") {
  DaemonHarness d;
  d.writeConfig("[supervisord]\nloglevel=nope\n");
  RunResult r = run(DaemonHarness::supervisordBin() + " -n -c " + d.configPath());
  CHECK(r.exit == 2);
  CHECK(r.err.rfind("Error: ", 0) == 0);
  CHECK(r.err.find("For help, use " + DaemonHarness::supervisordBin() + " -h") !=
        std::string::npos);
}

TEST_CASE("positional arguments are refused") {
  RunResult r = run(DaemonHarness::supervisordBin() + " extra");
  CHECK(r.exit == 2);
  CHECK(r.err.rfind("Error: positional arguments are not supported: ['extra']\n", 0) == 0);
}

TEST_CASE("an idle supervisord sleeps without timers") {
  // Indirect check that nothing ticks: a RUNNING program with no pending
  // timer leaves the daemon blocked in epoll_wait. Start-up settles first:
  // with startsecs=0 "success" is logged at spawn, and the child's exec
  // still closes the spawn error pipe after it.
  DaemonHarness d;
  d.writeConfig(d.header() + "[program:a]\ncommand={helpers}/sleeper\nstartsecs=0\n");
  REQUIRE(d.start());
  REQUIRE(d.waitForLogLine("success: a entered RUNNING"));
  CHECK(staysAsleepInEpoll(d.pid()));
}
