// depends_on= and ready= (docs/dependencies.md) with a real daemon and real
// children: a chain started and stopped in order, each ready kind
// (systemd-notify, libsystemd's sd_notify, a TCP port, a probe command), a
// dependency that never gets ready, `start x` pulling in what x needs, a
// cycle rejected at load and at reread, and what status shows meanwhile.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "daemon_harness.h"

using namespace sup::test;

namespace {

// Where `needle` first appears among the main log lines (-1 if nowhere).
long lineOf(const DaemonHarness& d, const std::string& needle) {
  auto lines = d.logLines();
  for (size_t i = 0; i < lines.size(); ++i)
    if (lines[i].find(needle) != std::string::npos) return static_cast<long>(i);
  return -1;
}

// A TCP port nobody listens on right now.
int freePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

// `web` depends on `db`, which becomes ready by `ready`, the way `command`
// says; both must reach RUNNING, web only after db was ready (`shown` is how
// the log spells the check).
void readyThenDependent(DaemonHarness& d, const std::string& command, const std::string& ready,
                        const std::string& shown) {
  d.writeConfig(d.header() + DaemonHarness::ctlSections() + "[program:db]\ncommand=" + command +
                "\nready=" + ready + "\nstartsecs=0\nready_timeout=20\n" +
                "[program:web]\ncommand={helpers}/sleeper\ndepends_on=db\nstartsecs=0\n");
  REQUIRE(d.start());
  REQUIRE(d.waitForLogLine("success: web entered RUNNING state", 10s));
  CHECK(lineOf(d, "success: db entered RUNNING state, process is ready (" + shown + ")") >= 0);
  CHECK(lineOf(d, "success: db entered RUNNING") < lineOf(d, "spawned: 'web'"));
  CHECK(d.countLogLines("spawned: 'db'") == 1);
}

}  // namespace

TEST_CASE("a dependency chain starts in dependency order and stops in reverse") {
  DaemonHarness d;
  // The priorities say the opposite of the dependencies: a first, c last.
  d.writeConfig(d.header() + DaemonHarness::ctlSections() +
                "[program:a]\ncommand={helpers}/sleeper\npriority=1\ndepends_on=b\nstartsecs=0\n"
                "[program:b]\ncommand={helpers}/sleeper\npriority=500\ndepends_on=c\n"
                "startsecs=0\n"
                "[program:c]\ncommand={helpers}/sleeper\npriority=999\nstartsecs=0\n");
  REQUIRE(d.start());
  REQUIRE(d.waitForLogLine("success: a entered RUNNING state"));
  CHECK(lineOf(d, "success: c entered RUNNING") < lineOf(d, "spawned: 'b'"));
  CHECK(lineOf(d, "success: b entered RUNNING") < lineOf(d, "spawned: 'a'"));
  CHECK(lineOf(d, "waiting for b before spawning 'a'") >= 0);

  auto stop = d.ctl("stop all");
  CHECK(stop.exit == 0);
  CHECK(lineOf(d, "stopped: a") < lineOf(d, "stopped: b"));
  CHECK(lineOf(d, "stopped: b") < lineOf(d, "stopped: c"));

  auto start = d.ctl("start all");
  CHECK(start.exit == 0);
  CHECK(start.out == "c: started\nb: started\na: started\n");
  REQUIRE(d.waitForLogLine("success: a entered RUNNING state", 5s, 1));
  REQUIRE(d.stop() == 0);
  auto lines = d.logLines();
  long a = -1, b = -1, c = -1;  // the shutdown's stops: the last of each
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].find("stopped: a") != std::string::npos) a = static_cast<long>(i);
    if (lines[i].find("stopped: b") != std::string::npos) b = static_cast<long>(i);
    if (lines[i].find("stopped: c") != std::string::npos) c = static_cast<long>(i);
  }
  CHECK(a < b);
  CHECK(b < c);
}

TEST_CASE("ready=notify: systemd-notify --ready from a wrapper script") {
  DaemonHarness d;
  readyThenDependent(d, "sh -c 'sleep 0.3; systemd-notify --ready; exec {helpers}/sleeper'",
                     "notify", "notify");
}

TEST_CASE("ready=notify: libsystemd's sd_notify from the program itself") {
  DaemonHarness d;
  readyThenDependent(d, "{helpers}/sd_notify_ready 0.3", "notify", "notify");
  CHECK(waitFor([&] { return d.childLog("db").find("sd_notify 1") != std::string::npos; }));
}

TEST_CASE("ready=tcp: a connect to the program's port succeeds") {
  DaemonHarness d;
  int port = freePort();
  readyThenDependent(d, "{helpers}/listen_after " + std::to_string(port) + " 0.5",
                     "tcp:" + std::to_string(port), "tcp:127.0.0.1:" + std::to_string(port));
}

TEST_CASE("ready=exec: a probe command exits 0") {
  DaemonHarness d;
  readyThenDependent(d, "sh -c 'sleep 0.5; touch {dir}/up; exec {helpers}/sleeper'",
                     "exec:test -e {dir}/up", "exec:test -e " + d.dir() + "/up");
}

TEST_CASE("status shows what a process waits for, and --json carries it") {
  DaemonHarness d;
  d.writeConfig(d.header() + DaemonHarness::ctlSections() +
                "[program:db]\ncommand={helpers}/sleeper\nready=notify\nready_timeout=0\n"
                "[program:web]\ncommand={helpers}/sleeper\ndepends_on=db\n");
  REQUIRE(d.start());
  REQUIRE(d.waitForLogLine("waiting for db before spawning 'web'"));
  auto status = d.ctl("status");
  CHECK(status.out.find("db                               STARTING  waiting until ready "
                        "(notify)\n") != std::string::npos);
  CHECK(status.out.find("web                              STARTING  waiting for db\n") !=
        std::string::npos);
  auto json = nlohmann::json::parse(d.ctl("status --json").out);
  REQUIRE(json.size() == 2);
  CHECK(json[0]["awaiting_ready"] == "notify");
  CHECK(json[1]["waiting_for"] == nlohmann::json::array({"db"}));
  CHECK(json[1]["pid"] == 0);
  // Stopping the waiting one needs no signal.
  auto stop = d.ctl("stop web");
  CHECK(stop.out == "web: stopped\n");
  CHECK(d.ctl("status web").out.find("STOPPED") != std::string::npos);
}

TEST_CASE("a dependency never ready fails its start, then its dependent gives up") {
  DaemonHarness d;
  d.writeConfig(d.header() + DaemonHarness::ctlSections() +
                "[program:db]\ncommand={helpers}/sleeper\nready=notify\nready_timeout=1\n"
                "startsecs=0\nstartretries=1\nstopwaitsecs=1\n"
                "[program:web]\ncommand={helpers}/sleeper\ndepends_on=db\n");
  REQUIRE(d.start());
  REQUIRE(d.waitForLogLine("gave up: web entered FATAL state, dependency db is FATAL", 15s));
  CHECK(d.countLogLines("not ready: db was not ready within 1 seconds \\(ready_timeout\\), "
                        "killing it with SIGTERM") == 2);
  CHECK(d.countLogLines("spawned: 'db'") == 2);
  CHECK(d.countLogLines("spawned: 'web'") == 0);
  auto status = d.ctl("status");
  CHECK(status.out.find("db                               FATAL     not ready within 1 seconds "
                        "(ready_timeout)\n") != std::string::npos);
  CHECK(status.out.find("web                              FATAL     dependency db is FATAL\n") !=
        std::string::npos);
}

TEST_CASE("start x starts what x depends on first") {
  DaemonHarness d;
  d.writeConfig(d.header() + DaemonHarness::ctlSections() +
                "[program:db]\ncommand={helpers}/sleeper\nautostart=false\nstartsecs=0\n"
                "[program:cache]\ncommand={helpers}/sleeper\nautostart=false\n"
                "[program:web]\ncommand={helpers}/sleeper\nautostart=false\nstartsecs=0\n"
                "depends_on=db, cache\n");
  REQUIRE(d.start());
  auto start = d.ctl("start web");
  CHECK(start.out == "web: started\n");
  CHECK(start.exit == 0);
  CHECK(lineOf(d, "starting db, which web depends on") >= 0);
  CHECK(lineOf(d, "success: db entered RUNNING") < lineOf(d, "spawned: 'web'"));
  CHECK(lineOf(d, "success: cache entered RUNNING") < lineOf(d, "spawned: 'web'"));
  auto status = d.ctl("status");
  CHECK(status.exit == 0);
  CHECK(d.countLogLines("entered RUNNING state") == 3);
}

TEST_CASE("a depends_on cycle is refused at load, and at reread without harm") {
  DaemonHarness d;
  const std::string cycle =
      "[program:a]\ncommand={helpers}/sleeper\ndepends_on=b\n"
      "[program:b]\ncommand={helpers}/sleeper\ndepends_on=a\n";
  d.writeConfig(d.header() + DaemonHarness::ctlSections() + cycle);
  auto load = run(DaemonHarness::supervisordBin() + " -n -c " + d.configPath());
  CHECK(load.exit == 2);
  CHECK(load.err.rfind("Error: depends_on makes a cycle: a -> b -> a in section 'program:a' "
                       "(file: '" +
                           d.configPath() + "')\n",
                       0) == 0);

  d.writeConfig(d.header() + DaemonHarness::ctlSections() +
                "[program:a]\ncommand={helpers}/sleeper\nstartsecs=0\n");
  REQUIRE(d.start());
  REQUIRE(d.waitForLogLine("success: a entered RUNNING"));
  d.writeConfig(d.header() + DaemonHarness::ctlSections() + cycle);
  auto reread = d.ctl("reread");
  CHECK(reread.exit == 1);
  CHECK(reread.out ==
        "ERROR: CANT_REREAD: depends_on makes a cycle: a -> b -> a in section "
        "'program:a' (file: '" +
            d.configPath() + "')\n");
  auto update = d.ctl("update");
  CHECK(update.out.find("CANT_REREAD: depends_on makes a cycle") != std::string::npos);
  CHECK(d.running());
  CHECK(d.countLogLines("stopped:") == 0);
  CHECK(d.ctl("status a").out.find("RUNNING") != std::string::npos);
}

TEST_CASE("an unknown depends_on name is refused at load") {
  DaemonHarness d;
  d.writeConfig(d.header() + "[program:web]\ncommand={helpers}/sleeper\ndepends_on=db\n");
  auto load = run(DaemonHarness::supervisordBin() + " -n -c " + d.configPath());
  CHECK(load.exit == 2);
  CHECK(load.err.rfind("Error: depends_on names unknown program or group 'db' in section "
                       "'program:web' (file: '" +
                           d.configPath() + "')\n",
                       0) == 0);
}

TEST_CASE("update adds a dependent and its dependency in one go") {
  DaemonHarness d;
  d.writeConfig(d.header() + DaemonHarness::ctlSections());
  REQUIRE(d.start());
  // web sorts after db by name, so add web first through its own group name.
  d.writeConfig(d.header() + DaemonHarness::ctlSections() +
                "[program:aweb]\ncommand={helpers}/sleeper\ndepends_on=db\nstartsecs=0\n"
                "[program:db]\ncommand={helpers}/sleeper\nstartsecs=0\n");
  auto update = d.ctl("update");
  CHECK(update.out == "aweb: added process group\ndb: added process group\n");
  REQUIRE(d.waitForLogLine("success: aweb entered RUNNING"));
  CHECK(lineOf(d, "success: db entered RUNNING") < lineOf(d, "spawned: 'aweb'"));
}

TEST_CASE("once every program is ready the daemon sleeps: no probe, no timer left") {
  DaemonHarness d;
  int port = freePort();
  d.writeConfig(d.header() +
                "[program:n]\ncommand={helpers}/sd_notify_ready\nready=notify\n"
                "startsecs=0\n"
                "[program:t]\ncommand={helpers}/listen_after " +
                std::to_string(port) + " 0\nready=tcp:" + std::to_string(port) +
                "\nstartsecs=0\n"
                "[program:e]\ncommand={helpers}/sleeper\nready=exec:true\nstartsecs=0\n"
                "[program:w]\ncommand={helpers}/sleeper\ndepends_on=n,t,e\nstartsecs=0\n");
  REQUIRE(d.start());
  REQUIRE(d.waitForLogLine("success: w entered RUNNING"));
  CHECK(staysAsleepInEpoll(d.pid()));
}
