// A Supervisor under test: a FakeSpawner instead of fork/exec, a fake clock
// under the event loop, a real main log in a temp dir. Shared by the
// Supervisor tests (supervisor_test.cc) and its timing tests
// (supervisor_timing_test.cc).
#pragma once

#include <stdlib.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "supervisord/log_registry.h"
#include "supervisord/main_log.h"
#include "supervisord/supervisor.h"
#include "tests/unit/fake_clock.h"

namespace sup::test {

/// Records what the Supervisor asks of child processes, and when (in the
/// fake clock's milliseconds).
class FakeSpawner : public Spawner {
 public:
  struct Kill {
    int pid;
    int signo;
    long long at_ms;
  };
  explicit FakeSpawner(const FakeClock& clock) : clock_(clock) {}

  std::vector<std::string> spawned;                        // process names in spawn order
  std::map<std::string, std::vector<long long>> spawn_ms;  // name -> times of its spawns
  std::map<std::string, int> pids;                         // name -> last pid
  std::map<std::string, int> stdin_sockets;                // name -> last stdin_socket
  std::vector<Kill> kills;
  std::set<std::string> failing;   // names whose spawn fails
  std::vector<ReapedChild> exits;  // what the next reap() reports
  int next_pid = 1000;
  // Helpers (ready=exec: probes) are kept apart from the programs.
  std::map<std::string, std::vector<long long>> probe_ms;  // program name -> probe spawn times
  std::map<std::string, int> probe_pids;                   // program name -> last probe pid
  std::map<std::string, std::map<std::string, std::string>> extra_env;  // name -> last one

  Result<SpawnedChild> spawn(const SpawnRequest& req) override {
    const std::string& name = req.config->name;
    if (req.helper) {
      probe_ms[name].push_back(clock_.elapsedMs());
      SpawnedChild c;
      c.pid = probe_pids[name] = next_pid++;
      return c;
    }
    extra_env[name] = req.extra_environment;
    spawn_ms[name].push_back(clock_.elapsedMs());
    stdin_sockets[name] = req.stdin_socket;
    if (failing.count(name)) return Error{"can't find command 'x'"};
    spawned.push_back(name);
    SpawnedChild c;
    c.pid = next_pid++;
    pids[name] = c.pid;
    return c;
  }
  // The real check: it only stat()s the command.
  CommandCheck checkCommand(const ProcessConfig& config) override { return resolveCommand(config); }
  int kill(int pid, int signo) override {
    kills.push_back({pid, signo, clock_.elapsedMs()});
    return 0;
  }
  std::vector<ReapedChild> reap() override { return std::exchange(exits, {}); }
  bool killed(const std::string& name) const { return !killsOf(name).empty(); }
  /// The signals sent to `name`'s pid or process group, in order.
  std::vector<Kill> killsOf(const std::string& name) const {
    std::vector<Kill> out;
    auto it = pids.find(name);
    if (it == pids.end()) return out;
    for (auto& k : kills)
      if (k.pid == it->second || k.pid == -it->second) out.push_back(k);
    return out;
  }

 private:
  const FakeClock& clock_;
};

inline ProcessConfig proc(const std::string& group, const std::string& name, int priority = 999) {
  ProcessConfig p;
  p.name = name;
  p.group = group;
  p.command = "/bin/true";
  p.argv = std::vector<std::string>{"/bin/true"};
  p.priority = priority;
  p.startsecs = 0;
  p.stdout_log.logfile.kind = LogFileSpec::Kind::None;
  p.stderr_log.logfile.kind = LogFileSpec::Kind::None;
  return p;
}

inline GroupConfig group(const std::string& name, int priority,
                         std::vector<ProcessConfig> procs = {}) {
  GroupConfig g;
  g.name = name;
  g.priority = priority;
  if (procs.empty()) procs.push_back(proc(name, name, priority));
  g.processes = std::move(procs);
  return g;
}

struct Fixture {
  std::filesystem::path dir;
  FakeClock clock;
  EventLoop loop{clock};
  LogRegistry logs;
  MainLog log;
  FakeSpawner spawner{clock};
  std::unique_ptr<Supervisor> sup;
  std::optional<RunOutcome> outcome;

  explicit Fixture(std::vector<GroupConfig> groups) {
    std::string tmpl = (std::filesystem::temp_directory_path() / "suptest-XXXXXX").string();
    dir = ::mkdtemp(tmpl.data());
    MainLogOptions o;
    o.path = (dir / "sv.log").string();
    o.level = LogLevel::Debug;
    std::string err;
    REQUIRE(log.open(o, &err));
    Config c;
    c.supervisord.childlogdir = dir.string();
    c.groups = std::move(groups);
    sup = std::make_unique<Supervisor>(loop, log, spawner, c, logs);
    sup->onFinished([this](RunOutcome r) { outcome = r; });
  }
  ~Fixture() {
    sup.reset();
    std::filesystem::remove_all(dir);
  }
  /// Turn the loop on the fake clock until pred() holds (at most an hour of
  /// fake time; no real sleep).
  bool runUntil(const std::function<bool()>& pred) { return test::runUntil(loop, clock, pred); }
  /// Let `d` of fake time pass, firing the timers due on the way.
  void advance(std::chrono::milliseconds d) { test::advance(loop, clock, d); }
  ProcessState state(const std::string& g, const std::string& n) {
    return static_cast<ProcessState>(sup->processInfo({g, n})->state);
  }
  /// The child `name` exits with `code` (reaped now).
  void exit(const std::string& name, int code) {
    sup->childExited(spawner.pids.at(name), (code & 0xff) << 8);
  }
  std::string logText() {
    std::ifstream in(dir / "sv.log");
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
};

}  // namespace sup::test
