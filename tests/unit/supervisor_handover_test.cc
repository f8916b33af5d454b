// Supervisor::handOver / adopt with a FakeSpawner on a fake clock: the new
// image's Supervisor takes the old one's processes (pids, states, backoff,
// start times, the pending timer) and applies its own config as update
// does. The exec itself is tested end to end in
// tests/integration/reexec_test.cc.
#include <catch2/catch.hpp>
#include <csignal>

#include <nlohmann/json.hpp>

#include "supervisord/handover_format.h"
#include "tests/unit/supervisor_fixture.h"

using namespace sup;
using namespace sup::test;
using namespace std::chrono_literals;

namespace {

// The new image: a second Supervisor on the same loop, clock and spawner,
// with its own (freshly read) config, adopting what the first handed over.
struct NewImage {
  std::unique_ptr<Supervisor> sup;
  NewImage(Fixture& f, std::vector<GroupConfig> groups, const handover::State& state) {
    Config c;
    c.supervisord.childlogdir = f.dir.string();
    c.groups = std::move(groups);
    sup = std::make_unique<Supervisor>(f.loop, f.log, f.spawner, c, f.logs);
    // Through the encoding, as across a real exec.
    auto decoded = handover::decode(handover::encode(state));
    REQUIRE(decoded.ok());
    Status st = sup->adopt(*decoded);
    REQUIRE(st.ok());
  }
  ProcessState state(const std::string& g, const std::string& n) const {
    return static_cast<ProcessState>(sup->processInfo({g, n})->state);
  }
};

handover::State handOver(Fixture& f) {
  handover::State state;
  state.pid = 4242;
  f.sup->handOver(state);
  return state;
}

GroupConfig slowStarter(const std::string& name, int startsecs) {
  GroupConfig g = group(name, 10);
  g.processes[0].startsecs = startsecs;
  return g;
}

}  // namespace

TEST_CASE(
    "adopt: unchanged programs keep pid, state and start time, nothing is spawned or killed") {
  Fixture f({group("a", 1), group("b", 2)});
  f.sup->startup();
  f.advance(3s);
  REQUIRE(f.state("a", "a") == ProcessState::kRunning);
  auto before = f.sup->allProcessInfo();
  handover::State state = handOver(f);
  CHECK(state.processCount() == 2);
  std::size_t spawns = f.spawner.spawned.size();

  NewImage next(f, {group("a", 1), group("b", 2)}, state);
  auto after = next.sup->allProcessInfo();
  REQUIRE(after.size() == 2);
  for (std::size_t i = 0; i < after.size(); ++i) {
    CHECK(after[i].pid == before[i].pid);
    CHECK(after[i].state == before[i].state);
    CHECK(after[i].start == before[i].start);
  }
  CHECK(f.spawner.spawned.size() == spawns);
  CHECK(f.spawner.kills.empty());
  CHECK(f.logText().find("adopted 2 processes from the previous image") != std::string::npos);
  // The adopted child's exit reaches the new image's state machine.
  next.sup->childExited(f.spawner.pids.at("a"), 0);
  CHECK(next.state("a", "a") == ProcessState::kExited);
}

TEST_CASE("adopt: a STARTING process becomes RUNNING at the deadline the old image set") {
  Fixture f({slowStarter("slow", 10)});
  f.sup->startup();
  f.advance(4s);
  REQUIRE(f.state("slow", "slow") == ProcessState::kStarting);
  handover::State state = handOver(f);
  f.sup.reset();  // the old image is gone (its timer with it)

  NewImage next(f, {slowStarter("slow", 10)}, state);
  f.advance(5900ms);
  CHECK(next.state("slow", "slow") == ProcessState::kStarting);
  f.advance(200ms);
  CHECK(next.state("slow", "slow") == ProcessState::kRunning);
}

TEST_CASE("adopt: BACKOFF keeps its retry count and its pending retry") {
  Fixture f({group("flaky", 1)});
  f.spawner.failing.insert("flaky");
  f.sup->startup();
  f.advance(1500ms);  // the retry at 1 s failed too: backoff 2, next try at 3 s
  REQUIRE(f.state("flaky", "flaky") == ProcessState::kBackoff);
  handover::State state = handOver(f);
  CHECK(state.groups[0].processes[0].backoff == 2);
  f.sup.reset();
  f.spawner.failing.clear();
  std::size_t spawns = f.spawner.spawn_ms["flaky"].size();

  NewImage next(f, {group("flaky", 1)}, state);
  f.advance(1400ms);
  CHECK(f.spawner.spawn_ms["flaky"].size() == spawns);
  f.advance(200ms);
  CHECK(f.spawner.spawn_ms["flaky"].size() == spawns + 1);
  CHECK(f.runUntil([&] { return next.state("flaky", "flaky") == ProcessState::kRunning; }));
}

TEST_CASE("adopt: a changed group restarts, a removed one stops and goes, an added one starts") {
  Fixture f({group("same", 1), group("changed", 2), group("gone", 3)});
  f.sup->startup();
  f.advance(1s);
  handover::State state = handOver(f);
  f.sup.reset();
  int changed_pid = f.spawner.pids.at("changed");
  int gone_pid = f.spawner.pids.at("gone");
  int same_pid = f.spawner.pids.at("same");

  GroupConfig changed = group("changed", 2);
  changed.processes[0].command = "/bin/true --new";
  changed.processes[0].argv = std::vector<std::string>{"/bin/true", "--new"};
  changed.processes[0].stopsignal = SIGINT;  // the old config's TERM must stop it
  NewImage next(f, {group("same", 1), changed, group("new", 4)}, state);
  // Stopped with the signal the program was started under.
  bool saw_changed = false, saw_gone = false;
  for (const auto& k : f.spawner.kills) {
    if (k.pid == changed_pid) saw_changed = k.signo == SIGTERM;
    if (k.pid == gone_pid) saw_gone = k.signo == SIGTERM;
    CHECK(k.pid != same_pid);
  }
  CHECK(saw_changed);
  CHECK(saw_gone);
  CHECK(f.runUntil([&] { return next.state("new", "new") == ProcessState::kRunning; }));
  next.sup->childExited(changed_pid, SIGTERM);
  next.sup->childExited(gone_pid, SIGTERM);
  f.runUntil([&] { return next.sup->groupConfig("gone") == nullptr; });
  CHECK(next.sup->groupConfig("gone") == nullptr);
  REQUIRE(f.runUntil([&] { return f.spawner.pids.at("changed") != changed_pid; }));
  CHECK(next.sup->processConfig({"changed", "changed"})->stopsignal == SIGINT);
  CHECK(f.spawner.pids.at("same") == same_pid);
  CHECK(f.logText().find("applying the configuration after re-exec: added new; changed changed; "
                         "removed gone") != std::string::npos);
}

TEST_CASE("adopt: a config the new image cannot read back adopts nothing") {
  Fixture f({group("a", 1)});
  f.sup->startup();
  handover::State state = handOver(f);
  state.groups[0].processes[0].config_json = "{\"name\": 3}";
  Config c;
  c.groups = {group("b", 1)};  // differs, so the old config is needed
  Supervisor next(f.loop, f.log, f.spawner, c, f.logs);
  Status st = next.adopt(state);
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().message.find("process config") != std::string::npos);
  CHECK(next.allProcessIds().empty());
}

TEST_CASE("adopt: a config holding bytes that are not UTF-8 is handed over and adopted unchanged") {
  GroupConfig g = group("odd", 1);
  g.processes[0].command = "/bin/true \xff\xfe";
  g.processes[0].environment.set("X", "\xc3");
  Fixture f({g});
  f.sup->startup();
  handover::State state = handOver(f);
  int pid = f.spawner.pids.at("odd");
  NewImage next(f, {g}, state);
  CHECK(next.sup->processInfo({"odd", "odd"})->pid == pid);
  CHECK(f.spawner.kills.empty());
}

TEST_CASE("adopt: /metrics counters carry on across a re-exec, a damaged record only resets") {
  auto g = group("a", 1);
  g.processes[0].autorestart = AutoRestart::Unexpected;
  Fixture f({g, group("b", 2)});
  f.sup->startup();
  REQUIRE(f.runUntil([&] { return f.state("a", "a") == ProcessState::kRunning; }));
  f.exit("a", 3);  // unexpected: autorestarted
  REQUIRE(f.runUntil([&] { return f.spawner.spawned.size() == 3; }));
  REQUIRE(f.runUntil([&] { return f.state("a", "a") == ProcessState::kRunning; }));
  auto before = f.sup->processMetrics(nullptr);
  REQUIRE(before[0].starts == 2);
  handover::State state = handOver(f);
  REQUIRE(state.extensions.count("metrics") == 1);
  handover::State damaged = state;
  f.sup.reset();

  {
    NewImage next(f, {g, group("b", 2)}, state);
    auto after = next.sup->processMetrics(nullptr);
    REQUIRE(after.size() == 2);
    CHECK(after[0].starts == 2);
    CHECK(after[0].restarts == 1);
    CHECK(after[0].exits_unexpected == 1);
    CHECK(after[0].last_exit_status == 3);
    CHECK(after[1].starts == 1);
  }
  // "a"'s record is not a record: its counters start over, b's carry on.
  auto j = nlohmann::json::parse(damaged.extensions["metrics"]);
  REQUIRE(j["processes"].contains("a"));  // a program alone in its group: "a", as namespecs go
  j["processes"]["a"]["starts"] = -1;
  damaged.extensions["metrics"] = j.dump();
  NewImage next(f, {g, group("b", 2)}, damaged);
  auto after = next.sup->processMetrics(nullptr);
  CHECK(after[0].starts == 0);
  CHECK_FALSE(after[0].last_exit_status);
  CHECK(after[1].starts == 1);
}
