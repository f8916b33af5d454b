// The Supervisor with [fcgi-program:x] pools, on a FakeSpawner and a fake
// socket opener: when the pool's socket is created and closed, what the
// children get as fd 0, and bind failures as spawn errors. The log lines and
// their order are Python Supervisor 4.2.5's on the same sequence of events.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "tests/unit/fake_socket_opener.h"
#include "tests/unit/supervisor_fixture.h"

using namespace sup;
using namespace sup::test;
using sup::proto::Fault;

namespace {

const std::string kUrl = "unix:///run/fc.sock";

GroupConfig pool(int numprocs, const std::string& url = kUrl) {
  std::vector<ProcessConfig> procs;
  for (int i = 0; i < numprocs; ++i) procs.push_back(proc("fc", "fc_" + std::to_string(i)));
  GroupConfig g = group("fc", 999, procs);
  g.kind = GroupConfig::Kind::FcgiProgram;
  g.socket = FcgiSocketConfig{};
  g.socket->url = url;
  return g;
}

// A Fixture whose Supervisor opens sockets through a FakeSocketOpener.
struct PoolFixture : Fixture {
  FakeSocketOpener* opener;
  explicit PoolFixture(std::vector<GroupConfig> groups) : Fixture(std::move(groups)) {
    auto fake = std::make_unique<FakeSocketOpener>();
    opener = fake.get();
    sup->setSocketOpener(std::move(fake));
  }
  // Main log lines without their timestamps ("INFO spawned: ..."), only those
  // about sockets, spawns and exits.
  std::vector<std::string> lines() {
    std::vector<std::string> out;
    std::string text = logText();
    size_t start = 0;
    while (start < text.size()) {
      size_t nl = text.find('\n', start);
      std::string line = text.substr(start + 24, nl - start - 24);
      start = nl + 1;
      for (const char* key : {"socket", "spawn", "exited:", "stopped:", "FastCGI"}) {
        if (line.find(key) != std::string::npos) {
          out.push_back(line);
          break;
        }
      }
    }
    return out;
  }
};

}  // namespace

TEST_CASE("an fcgi pool's processes share one socket, created once, as their fd 0") {
  PoolFixture f({pool(2)});
  f.sup->startup();
  CHECK(f.spawner.spawned == std::vector<std::string>{"fc_0", "fc_1"});
  CHECK(f.spawner.stdin_sockets["fc_0"] == 41);
  CHECK(f.spawner.stdin_sockets["fc_1"] == 41);
  // The probe when the group is created (40), then the socket the pool uses.
  CHECK(f.opener->calls == std::vector<std::string>{"open " + kUrl, "close 40", "open " + kUrl});
  CHECK(f.lines() == std::vector<std::string>{
                         "INFO Creating socket " + kUrl,
                         "INFO Closing socket " + kUrl,
                         "INFO Creating socket " + kUrl,
                         "INFO spawned: 'fc_0' with pid 1000",
                         "INFO spawned: 'fc_1' with pid 1001",
                     });
}

TEST_CASE("the fcgi socket closes when the last process of the pool is reaped") {
  PoolFixture f({pool(2)});
  f.sup->startup();
  REQUIRE(f.runUntil([&] { return f.state("fc", "fc_1") == ProcessState::kRunning; }));
  f.sup->stopProcess({"fc", "fc_0"}, false, [](const proto::CallResult&) {});
  f.exit("fc_0", 0);
  CHECK(f.opener->calls.size() == 3);  // still open: fc_1 holds it
  f.sup->stopProcess({"fc", "fc_1"}, false, [](const proto::CallResult&) {});
  f.exit("fc_1", 0);
  CHECK(f.opener->calls.back() == "close 41");
  auto lines = f.lines();
  REQUIRE(lines.size() >= 2);
  CHECK(lines[lines.size() - 2] == "INFO stopped: fc_1 (exit status 0)");
  CHECK(lines.back() == "INFO Closing socket " + kUrl);
  // Starting again creates it again.
  f.sup->startProcess({"fc", "fc_0"}, false, [](const proto::CallResult&) {});
  CHECK(f.opener->calls.back() == "open " + kUrl);
  CHECK(f.spawner.stdin_sockets["fc_0"] == 42);
}

TEST_CASE("an fcgi process restarted on exit gives its socket back before taking it again") {
  auto g = pool(1);
  g.processes[0].autorestart = AutoRestart::True;
  PoolFixture f({g});
  f.sup->startup();
  REQUIRE(f.runUntil([&] { return f.state("fc", "fc_0") == ProcessState::kRunning; }));
  f.exit("fc_0", 0);
  auto lines = f.lines();
  REQUIRE(lines.size() == 8);
  CHECK(std::vector<std::string>(lines.begin() + 4, lines.end()) ==
        std::vector<std::string>{
            "INFO exited: fc_0 (exit status 0; expected)",
            "INFO Closing socket " + kUrl,
            "INFO Creating socket " + kUrl,
            "INFO spawned: 'fc_0' with pid 1001",
        });
  CHECK(f.spawner.stdin_sockets["fc_0"] == 42);
}

TEST_CASE("a socket that cannot be created is a spawn error of each process that needs it") {
  PoolFixture f({});
  f.opener->fail_with = "[Errno 98] Address already in use";
  CHECK(f.sup->addGroup(pool(1, "tcp://127.0.0.1:9000")) == Fault::kSuccess);
  const std::string why =
      "Could not create FastCGI socket tcp://127.0.0.1:9000: [Errno 98] Address already in use";
  CHECK(f.spawner.spawned.empty());
  CHECK(f.state("fc", "fc_0") == ProcessState::kBackoff);
  CHECK(f.sup->processInfo({"fc", "fc_0"})->spawnerr == why);
  CHECK(f.lines() == std::vector<std::string>{
                         "INFO Creating socket tcp://127.0.0.1:9000",
                         "ERRO " + why,
                         "INFO Creating socket tcp://127.0.0.1:9000",
                         "INFO spawnerr: " + why,
                     });
  // startretries (3) more tries, then FATAL; no reference is ever left held.
  REQUIRE(f.runUntil([&] { return f.state("fc", "fc_0") == ProcessState::kFatal; }));
  CHECK(f.logText().find("INFO gave up: fc_0 entered FATAL state, too many start retries too "
                         "quickly") != std::string::npos);
  // Once the address is free, a start works.
  f.opener->fail_with.clear();
  std::optional<proto::CallResult> r;
  f.sup->startProcess({"fc", "fc_0"}, false, [&](const proto::CallResult& x) { r = x; });
  REQUIRE(r);
  CHECK(r->fault() == Fault::kSuccess);
  CHECK(f.spawner.spawned == std::vector<std::string>{"fc_0"});
}

TEST_CASE("startProcess on an fcgi process whose socket fails answers SPAWN_ERROR") {
  auto g = pool(1);
  g.processes[0].autostart = false;
  PoolFixture f({g});
  f.sup->startup();
  f.opener->fail_with = "[Errno 2] No such file or directory";
  std::optional<proto::CallResult> r;
  f.sup->startProcess({"fc", "fc_0"}, true, [&](const proto::CallResult& x) { r = x; });
  REQUIRE(r);
  CHECK(r->fault() == Fault::kSpawnError);
}

TEST_CASE("an fcgi process whose spawn fails gives the socket back at once") {
  PoolFixture f({pool(1)});
  f.spawner.failing.insert("fc_0");
  f.sup->startup();
  auto lines = f.lines();
  REQUIRE(lines.size() == 5);
  CHECK(lines[3] == "INFO spawnerr: can't find command 'x'");
  CHECK(lines[4] == "INFO Closing socket " + kUrl);
}

TEST_CASE("reread: a new socket url changes the pool, its mode, owner or backlog alone do not") {
  PoolFixture f({pool(1)});
  f.sup->startup();
  Config c;
  c.groups = {pool(1)};
  c.groups[0].socket->mode = 0666;
  c.groups[0].socket->backlog = 5;
  c.groups[0].socket->owner = std::make_pair(std::string("nobody"), std::nullopt);
  CHECK(f.sup->diffConfig(c).changed.empty());
  c.groups[0].socket->url = "unix:///run/other.sock";
  CHECK(f.sup->diffConfig(c).changed == std::vector<std::string>{"fc"});
}

TEST_CASE("a group re-added with another socket (update) creates the new one") {
  PoolFixture f({pool(1)});
  f.sup->startup();
  f.sup->stopProcess({"fc", "fc_0"}, false, [](const proto::CallResult&) {});
  f.exit("fc_0", 0);
  CHECK(f.sup->removeGroup("fc") == Fault::kSuccess);
  auto fresh = pool(1, "unix:///run/other.sock");
  CHECK(f.sup->addGroup(fresh) == Fault::kSuccess);
  CHECK(f.opener->calls.back() == "open unix:///run/other.sock");
  CHECK(f.spawner.stdin_sockets["fc_0"] == f.opener->next_fd - 1);
}

TEST_CASE("sockets probed before startup (as the daemon does) are not probed a second time") {
  auto other = pool(1, "tcp://127.0.0.1:9000");
  other.name = "other";
  other.priority = 1;
  for (auto& p : other.processes) {
    p.group = "other";
    p.name = "other_0";
  }
  PoolFixture f({pool(1), other});
  f.sup->prepareFcgiSockets();
  // In start order (priority, then name), before any process exists.
  CHECK(f.opener->calls == std::vector<std::string>{"open tcp://127.0.0.1:9000", "close 40",
                                                    "open " + kUrl, "close 41"});
  f.sup->startup();
  CHECK(f.opener->calls.size() == 6);  // one open per pool for its processes, nothing else
  CHECK(f.spawner.stdin_sockets["other_0"] == 42);
  CHECK(f.spawner.stdin_sockets["fc_0"] == 43);
}
