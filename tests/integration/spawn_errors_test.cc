// What the spawner sets up and how it fails: Supervisor's spawnerr texts
// logged at once with the real cause, the child's environment, user,
// directory, umask and open fds, and reaping of adopted orphans.
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <csignal>
#include <fstream>
#include <map>
#include <sstream>

#include "daemon_harness.h"

using namespace sup::test;

namespace {

// probe's "key=value" lines and "env NAME=VALUE" lines.
struct Probe {
  std::map<std::string, std::string> facts;
  std::map<std::string, std::string> env;
};

Probe parseProbe(const std::string& text) {
  Probe p;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("env ", 0) == 0) {
      auto eq = line.find('=');
      p.env[line.substr(4, eq - 4)] = line.substr(eq + 1);
    } else if (auto eq = line.find('='); eq != std::string::npos) {
      p.facts[line.substr(0, eq)] = line.substr(eq + 1);
    }
  }
  return p;
}

Probe runProbe(DaemonHarness& d, const std::string& extra_program_lines,
               const std::string& supervisord_lines = "") {
  std::string header = d.header();
  header.insert(header.find("\n") + 1, supervisord_lines);
  d.writeConfig(header + "[program:probe]\ncommand={helpers}/probe\nstartsecs=0\n"
                         "stdout_logfile={dir}/probe.out\n" + extra_program_lines);
  REQUIRE(d.start());
  REQUIRE(waitFor([&] { return readFile(d.path("probe.out")).find("probe done") != std::string::npos; }));
  return parseProbe(readFile(d.path("probe.out")));
}

}  // namespace

TEST_CASE("a missing command is a spawn error logged at once, then FATAL") {
  DaemonHarness d;
  d.writeConfig(d.header() + "[program:ghost]\ncommand=no-such-command-xyz\nstartretries=1\n");
  REQUIRE(d.start());
  REQUIRE(d.waitForLogLine("INFO spawnerr: can't find command 'no-such-command-xyz'", 1s));
  REQUIRE(d.waitForLogLine("gave up: ghost entered FATAL state", 3s));
  CHECK(d.countLogLines("spawned: 'ghost'") == 0);
}

TEST_CASE("a file without execute bits is not executable") {
  DaemonHarness d;
  std::ofstream(d.path("script.sh")) << "#!/bin/sh\n";
  ::chmod(d.path("script.sh").c_str(), 0644);
  d.writeConfig(d.header() + "[program:noexec]\ncommand={dir}/script.sh\nstartretries=0\n");
  REQUIRE(d.start());
  REQUIRE(d.waitForLogLine("spawnerr: command at '" + d.path("script.sh") + "' is not executable", 1s));
}

TEST_CASE("a directory is not a command") {
  DaemonHarness d;
  d.writeConfig(d.header() + "[program:dir]\ncommand={dir}\nstartretries=0\n");
  REQUIRE(d.start());
  REQUIRE(d.waitForLogLine("spawnerr: command at '" + d.dir() + "' is a directory", 1s));
}

TEST_CASE("a bad directory= is reported with the real cause, not as a mystery exit") {
  DaemonHarness d;
  d.writeConfig(d.header() + "[program:lost]\ncommand={helpers}/sleeper\n"
                             "directory=/nonexistent-dir-xyz\nstartretries=0\n");
  REQUIRE(d.start());
  REQUIRE(d.waitForLogLine("INFO spawnerr: couldn't chdir to /nonexistent-dir-xyz: ENOENT", 1s));
  REQUIRE(d.waitForLogLine("gave up: lost entered FATAL state"));
  CHECK(d.countLogLines("exited: lost") == 0);
  // The child's own stderr still says what Supervisor's child would say.
  CHECK(waitFor([&] {
    return d.childLog("lost", "stderr").find(
               "supervisor: couldn't chdir to /nonexistent-dir-xyz: ENOENT\n"
               "supervisor: child process was not spawned\n") != std::string::npos;
  }));
}

TEST_CASE("an exec failure (a script with a missing interpreter) is reported at once") {
  DaemonHarness d;
  std::ofstream(d.path("bad.sh")) << "#!/no/such/interpreter\n";
  ::chmod(d.path("bad.sh").c_str(), 0755);
  d.writeConfig(d.header() + "[program:bad]\ncommand={dir}/bad.sh\nstartretries=0\n");
  REQUIRE(d.start());
  REQUIRE(d.waitForLogLine("INFO spawnerr: couldn't exec " + d.path("bad.sh") + ": ENOENT", 1s));
}

TEST_CASE("the child gets supervisord's environment plus SUPERVISOR_* and the configured variables") {
  DaemonHarness d;
  Probe p = runProbe(d, "environment=PROGVAR=\"from program\",SHARED=program\n",
                     "environment=DAEMONVAR=daemon,SHARED=daemon\n");
  CHECK(p.env["SUPERVISOR_ENABLED"] == "1");
  CHECK(p.env["SUPERVISOR_PROCESS_NAME"] == "probe");
  CHECK(p.env["SUPERVISOR_GROUP_NAME"] == "probe");
  CHECK(p.env["PROGVAR"] == "from program");
  CHECK(p.env["DAEMONVAR"] == "daemon");
  CHECK(p.env["SHARED"] == "program");
  CHECK(p.env.count("PATH") == 1);  // inherited from supervisord
}

TEST_CASE("a grouped process sees its group name") {
  DaemonHarness d;
  d.writeConfig(d.header() + "[group:grp]\nprograms=probe\n"
                             "[program:probe]\ncommand={helpers}/probe\nstartsecs=0\n"
                             "stdout_logfile={dir}/probe.out\n");
  REQUIRE(d.start());
  REQUIRE(waitFor([&] { return readFile(d.path("probe.out")).find("probe done") != std::string::npos; }));
  Probe p = parseProbe(readFile(d.path("probe.out")));
  CHECK(p.env["SUPERVISOR_GROUP_NAME"] == "grp");
  CHECK(p.env["SUPERVISOR_PROCESS_NAME"] == "probe");
}

TEST_CASE("the child runs in its own process group with only fds 0, 1 and 2 open") {
  DaemonHarness d;
  Probe p = runProbe(d, "");
  CHECK(p.facts["fds"] == "0,1,2");
  CHECK(p.facts["pgid"] == p.facts["pid"]);
  CHECK(p.facts["pgid"] != std::to_string(d.pid()));
}

TEST_CASE("a child spawned beside 300 open pipes and logs still gets only fds 0, 1 and 2") {
  // The child shares the daemon's fd table until it takes a private one
  // holding only the spawner's low slots: nothing else may leak through.
  DaemonHarness d;
  std::string sleepers;
  for (int i = 0; i < 60; ++i) {
    sleepers += "[program:s" + std::to_string(i) +
                "]\ncommand={helpers}/sleeper\nstartsecs=0\npriority=1\n";
  }
  Probe p = runProbe(d, "priority=999\n" + sleepers);
  CHECK(p.facts["fds"] == "0,1,2");
  CHECK(d.countLogLines("entered RUNNING state") >= 60);
}

TEST_CASE("directory= and umask= apply to the child") {
  DaemonHarness d;
  Probe p = runProbe(d, "directory={dir}\numask=027\n");
  CHECK(p.facts["cwd"] == d.dir());
  CHECK(p.facts["umask"] == "027");
}

TEST_CASE("user= switches uid and gid and drops root's supplementary groups") {
  if (::getuid() != 0) {
    WARN("not root: user= cannot be tested");
    return;
  }
  struct passwd* pw = ::getpwnam("nobody");
  REQUIRE(pw);
  DaemonHarness d;
  ::chmod(d.dir().c_str(), 0755);
  Probe p = runProbe(d, "user=nobody\n");
  CHECK(p.facts["uid"] == std::to_string(pw->pw_uid));
  CHECK(p.facts["gid"] == std::to_string(pw->pw_gid));
  CHECK(p.facts["groups"].find("0") != 0);  // root's group 0 is gone
  CHECK((p.facts["groups"] == std::to_string(pw->pw_gid) || p.facts["groups"].empty()));
}

TEST_CASE("supervisord as PID 1 reaps adopted orphans and logs them") {
  if (::getuid() != 0 || run("unshare -fp --mount-proc true").exit != 0) {
    WARN("unshare unavailable: orphan reaping cannot be tested");
    return;
  }
  DaemonHarness d;
  d.writeConfig(d.header() + "[program:parent]\ncommand={helpers}/make_orphan 5\nstartsecs=0\n");
  REQUIRE(d.start({}, {"unshare", "-fp", "--mount-proc", "--kill-child=SIGTERM"}));
  REQUIRE(d.waitForLogLine("INFO reaped unknown pid \\d+ \\(exit status 5\\)", 3s));
  // unshare does not pass TERM on: stop supervisord (its child) directly.
  std::vector<int> children = childrenOf(d.pid());
  REQUIRE_FALSE(children.empty());
  ::kill(children.front(), SIGTERM);
  CHECK(d.waitForExit(10s).has_value());
}
