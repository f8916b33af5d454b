// Fault: supervisord is killed with SIGKILL while its programs run, and is
// started again with the same config. The programs outlive the daemon
// (reparented to init), so without care the new daemon would run each of
// them a second time. The orphan guard (supervisord/orphan_guard.h) keeps
// "<pidfile>.children" with the pid and start time of every running child;
// the new daemon stops those still alive, as their program's stop settings
// say, before it spawns anything. Processes are counted by a marker in
// their argv (the test's temp dir), so nothing else on the machine counts.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "daemon_harness.h"
#include "proc_probe.h"

using namespace sup::test;

namespace {

// Every program, and how many live processes carry its marker (tree's
// grandchild is a fork without exec: same argv as its leader).
const std::map<std::string, size_t> kExpected = {
    {"web", 1}, {"stubborn", 1}, {"tree", 2}, {"worker_0", 1}, {"worker_1", 1}};

std::string config(const DaemonHarness& d) {
  return d.header() +
         "[program:web]\ncommand={helpers}/sleeper 100000 {dir}/mark-web\nstartsecs=0\n"
         "[program:stubborn]\ncommand={helpers}/ignore_sigterm {dir}/mark-stubborn\nstartsecs=0\n"
         "stopwaitsecs=1\n"
         "[program:tree]\ncommand={helpers}/spawn_grandchild {dir}/mark-tree\nstartsecs=0\n"
         "stopwaitsecs=1\nkillasgroup=true\n"
         "[program:worker]\ncommand={helpers}/sleeper 100000 {dir}/mark-worker_%(process_num)d\n"
         "process_name=worker_%(process_num)d\nnumprocs=2\nstartsecs=0\n";
}

std::map<std::string, std::vector<int>> census(const DaemonHarness& d) {
  std::map<std::string, std::vector<int>> out;
  for (const auto& [name, n] : kExpected) out[name] = pidsWithArg(d.path("mark-" + name));
  return out;
}

bool allRunningOnce(const DaemonHarness& d) {
  for (const auto& [name, pids] : census(d))
    if (pids.size() != kExpected.at(name)) return false;
  return true;
}

// Every program has printed its first line and the daemon has logged it.
// Until then, killing the daemon closes a pipe the program is about to
// write to, and SIGPIPE (not the orphan guard) would end it.
bool allPrinted(const DaemonHarness& d) {
  const std::map<std::string, std::string> first_line = {{"web", "sleeper "},
                                                         {"stubborn", "ignoring SIGTERM"},
                                                         {"tree", "grandchild "},
                                                         {"worker_0", "sleeper "},
                                                         {"worker_1", "sleeper "}};
  for (const auto& [name, text] : first_line)
    if (d.childLog(name).find(text) == std::string::npos) return false;
  return true;
}

}  // namespace

TEST_CASE("fault: after supervisord is killed with SIGKILL, the next one stops the orphans first "
          "and every program runs exactly once") {
  DaemonHarness d;
  d.writeConfig(config(d));
  REQUIRE(d.start());
  REQUIRE(waitFor([&] { return allRunningOnce(d) && allPrinted(d); }));
  auto first = census(d);

  REQUIRE(d.signal(SIGKILL));
  REQUIRE(d.waitForExit() == 128 + SIGKILL);
  // The programs outlived their daemon.
  CHECK(census(d) == first);
  std::filesystem::rename(d.logPath(), d.path("first-supervisord.log"));
  // The new daemon's own AUTO log cleanup removes the old child logs, so the
  // ready lines below are the new children's.
  REQUIRE(d.start({}, {}, 15s));
  REQUIRE(waitFor([&] { return allRunningOnce(d) && allPrinted(d); }));
  // Give a second spawn the time to show up: every program is RUNNING.
  for (const auto& [name, n] : kExpected)
    REQUIRE(d.waitForLogLine("success: " + name + " entered RUNNING state"));
  auto second = census(d);
  for (const auto& [name, pids] : second) {
    INFO(name);
    CHECK(pids.size() == kExpected.at(name));
    for (int old : first[name]) CHECK_FALSE(processAlive(old));
  }
  // One line per orphan; SIGKILL only for the one that ignores SIGTERM,
  // to the group where killasgroup says so.
  CHECK(d.countLogLines("WARN stopping orphan '\\w+:\\w+' \\(pid \\d+\\) left by a supervisord") ==
        5);
  CHECK(d.countLogLines("stopping orphan 'web:web' \\(pid " + std::to_string(first["web"][0]) +
                        "\\).*SIGTERM to pid") == 1);
  CHECK(d.countLogLines("WARN killing orphan 'stubborn:stubborn' .* with SIGKILL to pid") == 1);
  CHECK(d.countLogLines("killing orphan 'tree:tree' .* with SIGKILL to process group") == 1);
  CHECK(d.countLogLines("killing orphan '(web|worker):") == 0);
}

TEST_CASE("fault: the children state file lists what runs and is gone after a clean shutdown") {
  DaemonHarness d;
  d.writeConfig(d.header() + "[program:web]\ncommand={helpers}/sleeper\nstartsecs=0\n");
  REQUIRE(d.start());
  std::string state_file = d.pidfilePath() + ".children";
  std::smatch m;
  REQUIRE(d.waitForLogLine("spawned: 'web' with pid (\\d+)", 5s, 0, &m));
  std::string pid = m[1];
  REQUIRE(waitFor([&] { return readFile(state_file).find("\n" + pid + " ") != std::string::npos; }));
  CHECK(readFile(state_file).find(" web:web\n") != std::string::npos);
  REQUIRE(d.stop() == 0);
  CHECK_FALSE(std::filesystem::exists(state_file));
}

TEST_CASE("fault: a recorded pid that now belongs to another process is never signalled") {
  DaemonHarness d;
  d.writeConfig(d.header());
  // A process of ours with the recorded pid but a different start time: a
  // reused pid, as after the orphan died and the pid came round again.
  pid_t other = ::fork();
  if (other == 0) {
    int devnull = ::open("/dev/null", O_WRONLY);
    ::dup2(devnull, 1);
    ::execl(DaemonHarness::helper("sleeper").c_str(), "sleeper", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  REQUIRE(other > 0);
  std::string stat = readFile("/proc/" + std::to_string(other) + "/stat");
  std::istringstream fields(stat.substr(stat.rfind(')') + 2));
  std::string field;
  for (int i = 3; i < 22; ++i) fields >> field;
  unsigned long long start_time = 0;
  fields >> start_time;
  std::string boot = readFile("/proc/sys/kernel/random/boot_id");
  boot.pop_back();
  std::ofstream(d.pidfilePath() + ".children")
      << "boot " << boot << "\n"
      << other << " " << start_time + 1 << " 9 1 1 0 ghost:ghost\n";
  REQUIRE(d.start());
  CHECK(d.countLogLines("orphan") == 0);
  CHECK(processAlive(other));
  ::kill(other, SIGKILL);
  ::waitpid(other, nullptr, 0);
}
