// depends_on and ready= in the Supervisor, on the fake clock with a fake
// spawner (tests/unit/supervisor_fixture.h): start order, status while
// waiting, stop order, failures, `start x`, update, and the ready checks
// (a real notify datagram; exec probes through the fake spawner).
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <csignal>
#include <cstddef>
#include <cstring>

#include "tests/unit/supervisor_fixture.h"

using namespace sup;
using namespace sup::test;
using namespace std::chrono_literals;

namespace {

ProcessConfig dependent(const std::string& name, std::vector<std::string> deps, int startsecs = 1) {
  ProcessConfig p = proc(name, name);
  p.depends_on = std::move(deps);
  p.startsecs = startsecs;
  return p;
}

GroupConfig single(ProcessConfig p, int priority = 999) {
  GroupConfig g;
  g.name = p.group;
  g.priority = priority;
  g.processes.push_back(std::move(p));
  return g;
}

// a -> b -> c, each up after startsecs=1.
std::vector<GroupConfig> chain() {
  return {single(dependent("a", {"b"}), 1), single(dependent("b", {"c"}), 500),
          single(dependent("c", {}), 999)};
}

// What sd_notify does: one datagram to NOTIFY_SOCKET ("@name": abstract).
void sdNotify(const std::string& address, const std::string& message) {
  REQUIRE(address.size() > 1);
  REQUIRE(address[0] == '@');
  int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path + 1, address.data() + 1, address.size() - 1);
  auto len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + address.size());
  CHECK(::sendto(fd, message.data(), message.size(), 0, reinterpret_cast<sockaddr*>(&addr), len) ==
        static_cast<ssize_t>(message.size()));
  ::close(fd);
}

}  // namespace

TEST_CASE("a chain starts each process once what it depends on is RUNNING", "[deps]") {
  Fixture f(chain());
  f.sup->startup();
  REQUIRE(f.runUntil([&] { return f.state("a", "a") == ProcessState::kRunning; }));
  // a has the lowest priority number, yet c goes first, then b, then a.
  CHECK(f.spawner.spawned == std::vector<std::string>{"c", "b", "a"});
  CHECK(f.spawner.spawn_ms["c"] == std::vector<long long>{0});
  CHECK(f.spawner.spawn_ms["b"] == std::vector<long long>{1000});
  CHECK(f.spawner.spawn_ms["a"] == std::vector<long long>{2000});
  CHECK(f.logText().find("INFO waiting for b before spawning 'a'") != std::string::npos);
}

TEST_CASE("a waiting process is STARTING without a pid and says what it waits for", "[deps]") {
  Fixture f(chain());
  f.sup->startup();
  f.loop.poll();
  auto a = *f.sup->processInfo({"a", "a"});
  CHECK(a.statename == "STARTING");
  CHECK(a.pid == 0);
  CHECK(a.description == "waiting for b");
  CHECK(a.waiting_for == std::vector<std::string>{"b"});
  auto c = *f.sup->processInfo({"c", "c"});
  CHECK(c.description.empty());
  CHECK(c.waiting_for.empty());
}

TEST_CASE("shutdown stops dependents before what they depend on, whatever the priorities",
          "[deps]") {
  Fixture f(chain());
  f.sup->startup();
  REQUIRE(f.runUntil([&] { return f.state("a", "a") == ProcessState::kRunning; }));
  f.sup->shutdown();
  f.loop.poll();
  // Descending priority alone would stop c (999) first.
  CHECK(f.spawner.killed("a"));
  CHECK_FALSE(f.spawner.killed("b"));
  CHECK_FALSE(f.spawner.killed("c"));
  f.exit("a", 0);
  f.loop.poll();
  CHECK(f.spawner.killed("b"));
  CHECK_FALSE(f.spawner.killed("c"));
  f.exit("b", 0);
  f.loop.poll();
  CHECK(f.spawner.killed("c"));
  f.exit("c", 0);
  REQUIRE(f.runUntil([&] { return f.outcome.has_value(); }));
}

TEST_CASE("a dependency that goes FATAL takes its waiting dependents with it", "[deps]") {
  auto groups = chain();
  groups[2].processes[0].startretries = 0;
  Fixture f(groups);
  f.spawner.failing.insert("c");
  f.sup->startup();
  REQUIRE(f.runUntil([&] { return f.state("a", "a") == ProcessState::kFatal; }));
  CHECK(f.state("b", "b") == ProcessState::kFatal);
  CHECK(f.sup->processInfo({"b", "b"})->description == "dependency c is FATAL");
  CHECK(f.sup->processInfo({"a", "a"})->description == "dependency b is FATAL");
  CHECK(f.spawner.spawned.empty());
  CHECK(f.logText().find("gave up: a entered FATAL state, dependency b is FATAL") !=
        std::string::npos);
}

TEST_CASE("start x starts what x depends on first, autostart=false or not", "[deps]") {
  auto groups = chain();
  for (auto& g : groups) g.processes[0].autostart = false;
  Fixture f(groups);
  f.sup->startup();
  f.loop.poll();
  CHECK(f.spawner.spawned.empty());
  std::optional<proto::CallResult> result;
  f.sup->startProcess({"a", "a"}, true, [&](const proto::CallResult& r) { result = r; });
  REQUIRE(f.runUntil([&] { return result.has_value(); }));
  CHECK(result->status == static_cast<int>(proto::Fault::kSuccess));
  CHECK(f.spawner.spawned == std::vector<std::string>{"c", "b", "a"});
  CHECK(f.state("a", "a") == ProcessState::kRunning);
  CHECK(f.logText().find("starting c, which b depends on") != std::string::npos);
}

TEST_CASE("start all starts dependencies first, so none is reported already started", "[deps]") {
  auto groups = chain();
  for (auto& g : groups) g.processes[0].autostart = false;
  Fixture f(groups);
  f.sup->startup();
  std::optional<std::vector<proto::CallResult>> results;
  f.sup->startProcesses(f.sup->allProcessIds(), true,
                        [&](std::vector<proto::CallResult> r) { results = std::move(r); });
  REQUIRE(f.runUntil([&] { return results.has_value(); }));
  REQUIRE(results->size() == 3);
  for (const auto& r : *results) CHECK(r.status == static_cast<int>(proto::Fault::kSuccess));
  CHECK(f.spawner.spawned == std::vector<std::string>{"c", "b", "a"});
  CHECK(f.logText().find("which") == std::string::npos);  // nothing pulled in
}

TEST_CASE("start x answers SPAWN_ERROR when a dependency cannot start", "[deps]") {
  auto groups = chain();
  for (auto& g : groups) g.processes[0].autostart = false;
  groups[2].processes[0].startretries = 1;
  Fixture f(groups);
  f.spawner.failing.insert("c");
  f.sup->startup();
  std::optional<proto::CallResult> result;
  f.sup->startProcess({"a", "a"}, true, [&](const proto::CallResult& r) { result = r; });
  REQUIRE(f.runUntil([&] { return result.has_value(); }));
  CHECK(result->status == static_cast<int>(proto::Fault::kSpawnError));
  CHECK(f.state("a", "a") == ProcessState::kFatal);
}

TEST_CASE("stopping a group stops the dependents in it first", "[deps]") {
  GroupConfig g;
  g.name = "app";
  g.priority = 999;
  g.processes = {proc("app", "db", 1), dependent("web", {"app:db"})};
  g.processes[1].group = "app";
  g.processes[1].priority = 2;
  Fixture f({g});
  f.sup->startup();
  REQUIRE(f.runUntil([&] { return f.state("app", "web") == ProcessState::kRunning; }));
  std::optional<std::vector<proto::CallResult>> results;
  f.sup->stopProcesses(f.sup->groupProcesses("app"), true,
                       [&](std::vector<proto::CallResult> r) { results = std::move(r); });
  f.loop.poll();
  CHECK(f.spawner.killed("web"));
  CHECK_FALSE(f.spawner.killed("db"));
  f.exit("web", 0);
  f.loop.poll();
  CHECK(f.spawner.killed("db"));
  CHECK_FALSE(results.has_value());
  f.exit("db", 0);
  REQUIRE(f.runUntil([&] { return results.has_value(); }));
  CHECK(results->size() == 2);
}

TEST_CASE("stopping a dependency alone leaves its dependents running", "[deps]") {
  Fixture f(chain());
  f.sup->startup();
  REQUIRE(f.runUntil([&] { return f.state("a", "a") == ProcessState::kRunning; }));
  f.sup->stopProcess({"c", "c"}, false, [](const proto::CallResult&) {});
  f.loop.poll();
  CHECK(f.spawner.killed("c"));
  CHECK_FALSE(f.spawner.killed("b"));
}

TEST_CASE("a dependent's autorestart waits for a stopped dependency without starting it",
          "[deps]") {
  auto groups = chain();
  groups[0].processes[0].autorestart = AutoRestart::True;
  Fixture f(groups);
  f.sup->startup();
  REQUIRE(f.runUntil([&] { return f.state("a", "a") == ProcessState::kRunning; }));
  f.sup->stopProcess({"b", "b"}, false, [](const proto::CallResult&) {});
  f.exit("b", 0);
  f.exit("a", 1);  // a dies, and restarts: into a wait for b
  f.loop.poll();
  CHECK(f.state("a", "a") == ProcessState::kStarting);
  CHECK(f.sup->processInfo({"a", "a"})->description == "waiting for b");
  CHECK(f.state("b", "b") == ProcessState::kStopped);
  // Starting b by hand lets a go on.
  f.sup->startProcess({"b", "b"}, false, [](const proto::CallResult&) {});
  REQUIRE(f.runUntil([&] { return f.state("a", "a") == ProcessState::kRunning; }));
  CHECK(f.spawner.spawn_ms["a"].size() == 2);
}

TEST_CASE("stopping a process that waits for its dependencies stops it at once", "[deps]") {
  Fixture f(chain());
  f.sup->startup();
  f.loop.poll();
  std::optional<proto::CallResult> result;
  f.sup->stopProcess({"a", "a"}, true, [&](const proto::CallResult& r) { result = r; });
  REQUIRE(f.runUntil([&] { return result.has_value(); }));
  CHECK(result->status == static_cast<int>(proto::Fault::kSuccess));
  CHECK(f.state("a", "a") == ProcessState::kStopped);
  // b still comes up; a, stopped, does not.
  REQUIRE(f.runUntil([&] { return f.state("b", "b") == ProcessState::kRunning; }));
  f.advance(10s);
  CHECK(f.spawner.spawn_ms["a"].empty());
}

TEST_CASE("a group added by update waits for a dependency added after it", "[deps]") {
  Fixture f({});
  f.sup->startup();
  CHECK(f.sup->addGroup(single(dependent("web", {"db"}))) == proto::Fault::kSuccess);
  f.loop.poll();
  CHECK(f.sup->processInfo({"web", "web"})->description == "waiting for db");
  CHECK(f.sup->addGroup(single(dependent("db", {}))) == proto::Fault::kSuccess);
  REQUIRE(f.runUntil([&] { return f.state("web", "web") == ProcessState::kRunning; }));
  CHECK(f.spawner.spawned == std::vector<std::string>{"db", "web"});
}

TEST_CASE("ready=notify: RUNNING on READY=1 from the program's user, after startsecs",
          "[deps][readiness]") {
  auto db = dependent("db", {});
  db.ready.kind = ReadyCheck::Kind::Notify;
  Fixture f({single(db), single(dependent("web", {"db"}, 0))});
  f.sup->startup();
  f.loop.poll();
  std::string address = f.spawner.extra_env["db"]["NOTIFY_SOCKET"];
  CHECK(address.rfind("@supervisord/", 0) == 0);
  f.advance(3s);
  auto info = *f.sup->processInfo({"db", "db"});
  CHECK(info.statename == "STARTING");
  CHECK(info.description == "waiting until ready (notify)");
  CHECK(info.awaiting_ready == "notify");
  sdNotify(address, "STATUS=warming up\n");
  f.loop.poll();
  CHECK(f.state("db", "db") == ProcessState::kStarting);
  sdNotify(address, "STATUS=up\nREADY=1\n");
  REQUIRE(f.runUntil([&] { return f.state("web", "web") == ProcessState::kRunning; }));
  CHECK(f.spawner.spawn_ms["web"] == std::vector<long long>{3000});
  CHECK(f.logText().find("success: db entered RUNNING state, process is ready (notify)") !=
        std::string::npos);
  // Each run gets a fresh socket.
  f.sup->stopProcess({"db", "db"}, false, [](const proto::CallResult&) {});
  f.exit("db", 0);
  f.sup->startProcess({"db", "db"}, false, [](const proto::CallResult&) {});
  CHECK(f.spawner.extra_env["db"]["NOTIFY_SOCKET"] != address);
}

TEST_CASE("ready=exec: the probe runs at 100, 200, 400 ms... until it exits 0",
          "[deps][readiness]") {
  auto db = dependent("db", {}, 0);
  db.ready.kind = ReadyCheck::Kind::Exec;
  db.ready.command = "pg_isready";
  db.ready.argv = {"pg_isready"};
  Fixture f({single(db)});
  f.sup->startup();
  for (int attempt = 1; attempt <= 3; ++attempt) {
    REQUIRE(f.runUntil([&] { return f.spawner.probe_ms["db"].size() == size_t(attempt); }));
    f.sup->childExited(f.spawner.probe_pids["db"], 1 << 8);
  }
  CHECK(f.spawner.probe_ms["db"] == std::vector<long long>{100, 300, 700});
  CHECK(f.state("db", "db") == ProcessState::kStarting);
  REQUIRE(f.runUntil([&] { return f.spawner.probe_ms["db"].size() == 4; }));
  f.sup->childExited(f.spawner.probe_pids["db"], 0);
  f.loop.poll();
  CHECK(f.state("db", "db") == ProcessState::kRunning);
  // Probes are not programs: no "reaped unknown pid", no program spawn.
  CHECK(f.logText().find("reaped unknown pid") == std::string::npos);
  CHECK(f.spawner.spawn_ms["db"].size() == 1);
  // Once ready, nothing is left on the timers.
  CHECK_FALSE(f.loop.nextDeadline().has_value());
}

TEST_CASE("a dependency that never gets ready fails its start, then its dependents",
          "[deps][readiness]") {
  auto db = dependent("db", {});
  db.ready.kind = ReadyCheck::Kind::Notify;
  db.ready_timeout = 2;
  db.startretries = 0;
  db.stopwaitsecs = 1;
  Fixture f({single(db), single(dependent("web", {"db"}))});
  f.sup->startup();
  REQUIRE(f.runUntil([&] { return f.spawner.killed("db"); }));
  CHECK(f.clock.elapsedMs() == 2000);
  CHECK(f.spawner.killsOf("db")[0].signo == SIGTERM);
  f.exit("db", 143);
  REQUIRE(f.runUntil([&] { return f.state("web", "web") == ProcessState::kFatal; }));
  CHECK(f.state("db", "db") == ProcessState::kFatal);
  CHECK(f.sup->processInfo({"db", "db"})->description ==
        "not ready within 2 seconds (ready_timeout)");
  CHECK(f.sup->processInfo({"web", "web"})->description == "dependency db is FATAL");
  CHECK(f.spawner.spawn_ms["web"].empty());
}
