// The process lifecycle with real children: startsecs, backoff and FATAL,
// autorestart variants, stop signals and SIGKILL escalation, process groups,
// priorities, autostart.
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <csignal>
#include <sstream>

#include "daemon_harness.h"

using namespace sup::test;

TEST_CASE("a program that stays up for startsecs enters RUNNING") {
  DaemonHarness d;
  d.writeConfig(d.header() + "[program:web]\ncommand={helpers}/sleeper\nstartsecs=1\n");
  REQUIRE(d.start());
  REQUIRE(d.waitForLogLine("INFO spawned: 'web' with pid \\d+"));
  REQUIRE(d.waitForLogLine(
      "INFO success: web entered RUNNING state, process has stayed up for > than 1 seconds "
      "\\(startsecs\\)"));
  auto spawned = d.logStampsMs("spawned: 'web'");
  auto success = d.logStampsMs("success: web");
  REQUIRE(spawned.size() == 1);
  CHECK(success.at(0) - spawned.at(0) >= 950);
}

TEST_CASE("a program that exits too quickly backs off 1 s then 2 s and then goes FATAL") {
  DaemonHarness d;
  d.writeConfig(d.header() +
                "[program:quick]\ncommand={helpers}/exit_with 1\nstartsecs=1\nstartretries=2\n");
  REQUIRE(d.start());
  REQUIRE(d.waitForLogLine(
      "INFO gave up: quick entered FATAL state, too many start retries too quickly", 8s));
  CHECK(d.countLogLines("WARN exited: quick \\(exit status 1; not expected\\)") == 3);
  auto spawned = d.logStampsMs("spawned: 'quick'");
  REQUIRE(spawned.size() == 3);
  CHECK(spawned[1] - spawned[0] >= 950);
  CHECK(spawned[1] - spawned[0] < 1600);
  CHECK(spawned[2] - spawned[1] >= 1950);
  CHECK(spawned[2] - spawned[1] < 2600);
}

TEST_CASE("autorestart=unexpected restarts after an unexpected exit code") {
  DaemonHarness d;
  d.writeConfig(d.header() + "[program:crash]\ncommand={helpers}/exit_with 3 0.3\nstartsecs=0\n");
  REQUIRE(d.start());
  REQUIRE(d.waitForLogLine("WARN exited: crash \\(exit status 3; not expected\\)"));
  REQUIRE(d.waitForLogLine("spawned: 'crash'", 3s, 1));
}

TEST_CASE("autorestart=unexpected leaves a program that exits with an expected code alone") {
  DaemonHarness d;
  d.writeConfig(d.header() +
                "[program:done]\ncommand={helpers}/exit_with 0 0.2\nstartsecs=0\n"
                "[program:marker]\ncommand={helpers}/exit_with 0 1.2\nstartsecs=0\n");
  REQUIRE(d.start());
  REQUIRE(d.waitForLogLine("INFO exited: done \\(exit status 0; expected\\)"));
  // By the time the later marker exits, a restart of `done` would have shown.
  REQUIRE(d.waitForLogLine("INFO exited: marker \\(exit status 0; expected\\)"));
  CHECK(d.countLogLines("spawned: 'done'") == 1);
}

TEST_CASE("autorestart=true restarts after an expected exit - false never restarts") {
  DaemonHarness d;
  d.writeConfig(d.header() +
                "[program:always]\ncommand={helpers}/exit_with 0 0.2\nstartsecs=0\n"
                "autorestart=true\n"
                "[program:never]\ncommand={helpers}/exit_with 1 0.2\nstartsecs=0\n"
                "autorestart=false\n");
  REQUIRE(d.start());
  REQUIRE(d.waitForLogLine("spawned: 'always'", 3s, 2));
  REQUIRE(d.waitForLogLine("WARN exited: never \\(exit status 1; not expected\\)"));
  CHECK(d.countLogLines("spawned: 'never'") == 1);
}

TEST_CASE("exitcodes lists the expected exit statuses") {
  DaemonHarness d;
  d.writeConfig(d.header() +
                "[program:odd]\ncommand={helpers}/exit_with 7 0.2\nstartsecs=0\nexitcodes=0,7\n");
  REQUIRE(d.start());
  REQUIRE(d.waitForLogLine("INFO exited: odd \\(exit status 7; expected\\)"));
}

TEST_CASE("shutdown uses stopsignal") {
  DaemonHarness d;
  d.writeConfig(d.header() + "[program:web]\ncommand={helpers}/sleeper\nstopsignal=INT\n");
  REQUIRE(d.start());
  REQUIRE(d.waitForLogLine("success: web entered RUNNING"));
  d.signal(SIGTERM);
  REQUIRE(d.waitForLogLine("WARN stopped: web \\(terminated by SIGINT\\)"));
  CHECK(d.waitForExit() == 0);
}

TEST_CASE("a program that ignores its stop signal is SIGKILLed after stopwaitsecs") {
  DaemonHarness d;
  d.writeConfig(d.header() +
                "[program:stubborn]\ncommand={helpers}/ignore_sigterm\nstopwaitsecs=1\n"
                "startsecs=0\n");
  REQUIRE(d.start());
  REQUIRE(d.waitForLogLine("success: stubborn entered RUNNING"));
  // It says so once SIGTERM is ignored; a TERM before that would kill it.
  REQUIRE(waitFor(
      [&] { return d.childLog("stubborn").find("ignoring SIGTERM") != std::string::npos; }));
  d.signal(SIGTERM);
  REQUIRE(d.waitForLogLine("WARN killing 'stubborn' \\(\\d+\\) with SIGKILL", 4s));
  REQUIRE(d.waitForLogLine("WARN stopped: stubborn \\(terminated by SIGKILL\\)"));
  CHECK(d.waitForExit() == 0);
  auto sent = d.logStampsMs("received SIGTERM");
  auto killed = d.logStampsMs("killing 'stubborn'");
  CHECK(killed.at(0) - sent.at(0) >= 950);
}

TEST_CASE("stopasgroup signals the whole process group, and SIGKILL follows to the group") {
  DaemonHarness d;
  d.writeConfig(d.header() +
                "[program:tree]\ncommand={helpers}/spawn_grandchild {dir}/gc.pid\n"
                "stopasgroup=true\nstopwaitsecs=1\nstartsecs=0\n");
  REQUIRE(d.start());
  REQUIRE(waitFor([&] { return !readFile(d.path("gc.pid")).empty(); }));
  int grandchild = std::stoi(readFile(d.path("gc.pid")));
  REQUIRE(processAlive(grandchild));
  d.signal(SIGTERM);
  // The grandchild dies of the group TERM at once; the leader ignores it.
  CHECK(waitFor([&] { return !processAlive(grandchild); }, 900ms));
  REQUIRE(d.waitForLogLine("WARN stopped: tree \\(terminated by SIGKILL\\)", 4s));
}

TEST_CASE("killasgroup SIGKILLs the whole group after stopwaitsecs") {
  DaemonHarness d;
  d.writeConfig(d.header() +
                "[program:tree]\ncommand={helpers}/spawn_grandchild {dir}/gc.pid\n"
                "killasgroup=true\nstopwaitsecs=1\nstartsecs=0\n");
  REQUIRE(d.start());
  REQUIRE(waitFor([&] { return !readFile(d.path("gc.pid")).empty(); }));
  int grandchild = std::stoi(readFile(d.path("gc.pid")));
  d.signal(SIGTERM);
  REQUIRE(d.waitForLogLine("WARN killing 'tree' \\(\\d+\\) with SIGKILL", 4s));
  REQUIRE(d.waitForLogLine("WARN stopped: tree \\(terminated by SIGKILL\\)"));
  CHECK(waitFor([&] { return !processAlive(grandchild); }, 2s));
}

TEST_CASE("without stopasgroup or killasgroup a grandchild outlives the stop") {
  DaemonHarness d;
  d.writeConfig(d.header() +
                "[program:tree]\ncommand={helpers}/spawn_grandchild {dir}/gc.pid\n"
                "stopwaitsecs=1\nstartsecs=0\n");
  REQUIRE(d.start());
  REQUIRE(waitFor([&] { return !readFile(d.path("gc.pid")).empty(); }));
  int grandchild = std::stoi(readFile(d.path("gc.pid")));
  d.signal(SIGTERM);
  REQUIRE(d.waitForLogLine("WARN stopped: tree \\(terminated by SIGKILL\\)", 4s));
  CHECK(processAlive(grandchild));
  ::kill(grandchild, SIGKILL);
}

TEST_CASE("programs start in ascending priority and stop in descending priority") {
  DaemonHarness d;
  d.writeConfig(d.header() +
                "[program:third]\ncommand={helpers}/sleeper\npriority=300\n"
                "[program:first]\ncommand={helpers}/sleeper\npriority=1\n"
                "[program:second]\ncommand={helpers}/sleeper\npriority=20\n");
  REQUIRE(d.start());
  REQUIRE(d.waitForLogLine("spawned: 'third'"));
  std::vector<std::string> order;
  for (const auto& l : d.logLines())
    if (l.rfind("INFO spawned: ", 0) == 0) order.push_back(l.substr(15, l.find('\'', 15) - 15));
  CHECK(order == std::vector<std::string>{"first", "second", "third"});
  REQUIRE(d.waitForLogLine("success: third"));
  d.signal(SIGTERM);
  REQUIRE(d.waitForExit() == 0);
  std::vector<std::string> stops;
  for (const auto& l : d.logLines())
    if (l.rfind("WARN stopped: ", 0) == 0) stops.push_back(l.substr(14, l.find(' ', 14) - 14));
  CHECK(stops == std::vector<std::string>{"third", "second", "first"});
}

TEST_CASE("autostart=false leaves a program stopped") {
  DaemonHarness d;
  d.writeConfig(d.header() +
                "[program:manual]\ncommand={helpers}/sleeper\nautostart=false\n"
                "[program:auto]\ncommand={helpers}/sleeper\n");
  REQUIRE(d.start());
  REQUIRE(d.waitForLogLine("success: auto entered RUNNING"));
  CHECK(d.countLogLines("manual") == 0);
}

TEST_CASE("child output lands in its AUTO log files, stdout and stderr apart") {
  DaemonHarness d;
  d.writeConfig(
      d.header() +
      "[program:talk]\ncommand=sh -c 'echo to-out; echo to-err >&2; exec {helpers}/sleeper'\n");
  REQUIRE(d.start());
  REQUIRE(waitFor([&] { return d.childLog("talk", "stderr") == "to-err\n"; }));
  CHECK(d.childLog("talk", "stdout").rfind("to-out\n", 0) == 0);
}

TEST_CASE("output written just before exit is not lost") {
  DaemonHarness d;
  d.writeConfig(d.header() +
                "[program:burst]\ncommand={helpers}/chatty 5000 0 stdout exit\n"
                "autorestart=false\nstartsecs=0\n"
                "stdout_logfile={dir}/burst.log\nstdout_logfile_maxbytes=0\n");
  REQUIRE(d.start());
  REQUIRE(waitFor(
      [&] { return readFile(d.path("burst.log")).find("line 5000\n") != std::string::npos; }));
  std::string text = readFile(d.path("burst.log"));
  CHECK(std::count(text.begin(), text.end(), '\n') == 5000);
}
