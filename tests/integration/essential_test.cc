// essential=true on a real daemon (container mode, docs/restart-policies.md):
// the essential program's end stops everything and becomes supervisord's
// exit status; as PID 1 of a PID namespace, as in a container, nothing of
// the namespace is left running afterwards.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <csignal>
#include <filesystem>
#include <string>

#include "daemon_harness.h"

using namespace sup::test;

namespace {

/// The pid of the process `name` logged as "spawned: 'name' with pid N".
int spawnedPid(DaemonHarness& d, const std::string& name) {
  std::smatch m;
  if (!d.waitForLogLine("spawned: '" + name + "' with pid (\\d+)", 5s, 0, &m)) return -1;
  return std::stoi(m[1].str());
}

/// Every process (outside pid) whose pid namespace is `ns` (an inode).
std::vector<int> processesInNamespace(ino_t ns) {
  std::vector<int> out;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    struct stat st {};
    if (::stat((entry.path() / "ns/pid").c_str(), &st) == 0 && st.st_ino == ns)
      out.push_back(std::stoi(name));
  }
  return out;
}

}  // namespace

TEST_CASE("an essential program's exit stops the others and becomes supervisord's status",
          "[policy]") {
  DaemonHarness d;
  d.writeConfig(d.header() +
                "[program:app]\ncommand={helpers}/exit_with 3 1\nessential=true\n"
                "autorestart=false\npriority=20\n"
                "[program:db]\ncommand={helpers}/sleeper\npriority=10\nstartsecs=0\n");
  REQUIRE(d.start());
  int db = spawnedPid(d, "db");
  REQUIRE(db > 0);
  auto status = d.waitForExit(10s);
  REQUIRE(status.has_value());
  CHECK(*status == 3);
  CHECK(d.countLogLines("WARN exited: app \\(exit status 3; not expected\\)") == 1);
  CHECK(d.countLogLines("WARN essential program app exited and will not be restarted: shutting "
                        "down, exit status 3") == 1);
  CHECK(d.countLogLines("WARN stopped: db \\(terminated by SIGTERM\\)") == 1);
  CHECK_FALSE(processAlive(db));
}

TEST_CASE("an essential program killed by a signal gives 128 plus its number", "[policy]") {
  DaemonHarness d;
  d.writeConfig(d.header() +
                "[program:app]\ncommand={helpers}/sleeper\nessential=true\nautorestart=false\n"
                "startsecs=0\n");
  REQUIRE(d.start());
  int app = spawnedPid(d, "app");
  REQUIRE(app > 0);
  REQUIRE(::kill(app, SIGKILL) == 0);
  auto status = d.waitForExit(10s);
  REQUIRE(status.has_value());
  CHECK(*status == 128 + SIGKILL);
  CHECK(d.countLogLines("essential program app exited and will not be restarted: shutting down, "
                        "exit status 137") == 1);
}

TEST_CASE("an essential program that goes FATAL ends supervisord with its last status",
          "[policy]") {
  DaemonHarness d;
  d.writeConfig(d.header() +
                "[program:app]\ncommand={helpers}/exit_with 4\nessential=true\nstartretries=1\n"
                "[program:other]\ncommand={helpers}/sleeper\nstartsecs=0\n");
  REQUIRE(d.start());
  auto status = d.waitForExit(10s);
  REQUIRE(status.has_value());
  CHECK(*status == 4);
  CHECK(d.countLogLines("INFO gave up: app entered FATAL state") == 1);
  CHECK(d.countLogLines("WARN essential program app entered FATAL state: shutting down, exit "
                        "status 4") == 1);
  CHECK(d.countLogLines("stopped: other") == 1);
}

TEST_CASE("an essential program that is restarted keeps supervisord running", "[policy]") {
  DaemonHarness d;
  d.writeConfig(d.header() +
                "[program:app]\ncommand={helpers}/exit_with 0 0.2\nessential=true\n"
                "autorestart=true\nstartsecs=0\n");
  REQUIRE(d.start());
  REQUIRE(d.waitForLogLine("spawned: 'app'", 5s, 3));
  CHECK(d.running());
  CHECK(d.countLogLines("essential program") == 0);
  CHECK(d.stop() == 0);
}

TEST_CASE("as PID 1 of a PID namespace, an essential exit leaves nothing running", "[policy]") {
  if (::getuid() != 0 || run("unshare -fp --mount-proc true").exit != 0) {
    WARN("unshare unavailable: the container recipe cannot be tested here");
    return;
  }
  DaemonHarness d;
  // As in a container: supervisord -n is PID 1; a program with a child in
  // its process group, one that leaves an orphan behind, and a plain one.
  d.writeConfig(
      d.header() +
      "[program:app]\ncommand={helpers}/exit_with 5 " + std::to_string(2 * kSlowdown) +
      "\nessential=true\n"
      "autorestart=false\npriority=900\n"
      "[program:tree]\ncommand={helpers}/spawn_grandchild {dir}/grandchild.pid\n"
      "stopasgroup=true\nstopwaitsecs=1\nstartsecs=0\n"
      "[program:orphans]\ncommand={helpers}/double_fork {dir}/daemon.pid\nstopwaitsecs=1\n"
      "startsecs=0\n"
      "[program:plain]\ncommand={helpers}/sleeper\nstartsecs=0\n");
  REQUIRE(d.start({}, {"unshare", "-fp", "--mount-proc"}));
  REQUIRE(d.waitForLogLine("spawned: 'plain'", 5s));
  REQUIRE(waitFor([&] { return !readFile(d.path("daemon.pid")).empty(); }));
  REQUIRE(d.daemonPid() == 1);
  std::vector<int> children = childrenOf(d.pid());
  REQUIRE_FALSE(children.empty());
  struct stat ns {};
  REQUIRE(::stat(("/proc/" + std::to_string(children.front()) + "/ns/pid").c_str(), &ns) == 0);
  // supervisord, 4 programs, the grandchild, the double-forked daemon: the
  // last two appear a moment after their parents are spawned.
  std::vector<int> inside;
  waitFor([&] {
    inside = processesInNamespace(ns.st_ino);
    return inside.size() >= 7;
  });
  INFO(inside.size() << " processes in the namespace");
  CHECK(inside.size() >= 7);

  auto status = d.waitForExit(15s);
  REQUIRE(status.has_value());
  CHECK(*status == 5);  // unshare passes PID 1's status on
  CHECK(d.countLogLines("essential program app exited and will not be restarted: shutting "
                        "down, exit status 5") == 1);
  CHECK(d.countLogLines("stopped: plain \\(terminated by SIGTERM\\)") == 1);
  CHECK(d.countLogLines("stopped: tree \\(terminated by SIGKILL\\)") == 1);
  CHECK(d.countLogLines("stopped: orphans") == 1);
  for (int pid : inside) {
    INFO("pid " << pid);
    CHECK(waitFor([&] { return !processAlive(pid); }, 2s));
  }
  CHECK(processesInNamespace(ns.st_ino).empty());
}
