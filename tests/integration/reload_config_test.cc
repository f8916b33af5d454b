// Reloads with a broken config file: SIGHUP, `supervisorctl reload`,
// `reread` and `update`. Each gives a clear error naming the problem and
// leaves what runs untouched (same pids, no spawn, no stop), and a fixed
// file is taken afterwards as usual.
//
// A deliberate difference from Supervisor 4.2.5: on SIGHUP (and on
// supervisor.restart) with a broken file, Python Supervisor first stops every
// program, then exits 2 ("Error: ... For help, use supervisord -h"), leaving
// nothing running. We read the file before stopping anything, log the error
// and keep running on the configuration we have.
#include <csignal>

#include <catch2/catch.hpp>
#include <string>

#include "daemon_harness.h"
#include "rpc_client.h"

using namespace sup::test;

namespace {

const char* kBroken = "[program:a]\ncommand={helpers}/sleeper\nstartsecs=notanumber\n";
const char* kBrokenText =
    "invalid literal for int() with base 10: 'notanumber' in section 'program:a'";

std::string programs() {
  return "[program:a]\ncommand={helpers}/sleeper\nstartsecs=0\n"
         "[program:b]\ncommand={helpers}/sleeper\nstartsecs=0\n";
}

std::string withSocket(const DaemonHarness& d) {
  return d.header() + DaemonHarness::ctlSections();
}

int pidOf(RpcClient& c, const std::string& name) {
  auto info = resultOf(c.call("supervisor.getProcessInfo", {name}));
  return info.is_object() ? info.value("pid", 0) : 0;
}

// Where every test starts: a and b RUNNING from a good file, a control
// connection, and their pids; then the test breaks the file.
struct Running {
  DaemonHarness d;
  bool started = start();
  RpcClient c{d.path("sv.sock")};
  const int pid_a = pidOf(c, "a");
  const int pid_b = pidOf(c, "b");

 private:
  bool start() {
    d.writeConfig(withSocket(d) + programs());
    return d.start() && d.waitForLogLine("success: b entered RUNNING");
  }
};

}  // namespace

TEST_CASE("HUP with a broken config logs the error and leaves every program running") {
  Running s;
  REQUIRE(s.started);
  auto& [d, started, c, pid_a, pid_b] = s;
  REQUIRE(pid_a > 0);

  d.writeConfig(withSocket(d) + kBroken);
  d.signal(SIGHUP);
  REQUIRE(d.waitForLogLine(
      "ERRO not restarting: invalid literal for int\\(\\) with base 10: 'notanumber' in section "
      "'program:a' \\(file: '.*sv.conf'\\) \\(the running configuration is kept\\)"));
  CHECK(d.countLogLines("WARN received SIGHUP indicating restart request") == 1);
  CHECK(d.running());
  CHECK(pidOf(c, "a") == pid_a);
  CHECK(pidOf(c, "b") == pid_b);
  CHECK(processAlive(pid_a));
  CHECK(d.countLogLines("stopped:") == 0);
  CHECK(d.countLogLines("spawned:") == 2);
  CHECK(resultOf(c.call("supervisor.getState"))["statename"] == "RUNNING");

  // Fixed: the next HUP restarts with the new file.
  d.writeConfig(withSocket(d) + "[program:c]\ncommand={helpers}/sleeper\nstartsecs=0\n");
  d.signal(SIGHUP);
  REQUIRE(d.waitForLogLine("success: c entered RUNNING", 10s));
  CHECK(d.countLogLines("stopped: a \\(terminated by SIGTERM\\)") == 1);
  CHECK(d.running());
}

TEST_CASE("supervisorctl reload with a broken config is refused and nothing restarts") {
  Running s;
  REQUIRE(s.started);
  auto& [d, started, c, pid_a, pid_b] = s;

  d.writeConfig(withSocket(d) + kBroken);
  auto r = d.ctl("reload");
  CHECK(r.exit == 1);
  CHECK(r.out.find("CANT_REREAD: " + std::string(kBrokenText)) != std::string::npos);
  CHECK(d.running());
  CHECK(pidOf(c, "a") == pid_a);
  CHECK(d.countLogLines("stopped:") == 0);
  CHECK(resultOf(c.call("supervisor.getState"))["statename"] == "RUNNING");
}

TEST_CASE("reread and update with a broken config report CANT_REREAD and change nothing") {
  Running s;
  REQUIRE(s.started);
  auto& [d, started, c, pid_a, pid_b] = s;

  // b is removed and a new group added, but a is broken: nothing may apply.
  d.writeConfig(withSocket(d) + kBroken + "[program:n]\ncommand={helpers}/sleeper\nstartsecs=0\n");
  auto reread = d.ctl("reread");
  CHECK(reread.exit == 1);
  CHECK(reread.out ==
        "ERROR: CANT_REREAD: " + std::string(kBrokenText) + " (file: '" + d.configPath() + "')\n");
  auto update = d.ctl("update");
  CHECK(update.exit == 1);
  CHECK(update.out.find("CANT_REREAD: " + std::string(kBrokenText)) != std::string::npos);
  CHECK(pidOf(c, "a") == pid_a);
  CHECK(pidOf(c, "b") == pid_b);
  CHECK(errorCode(c.call("supervisor.getProcessInfo", {"n"})) == 10);  // BAD_NAME
  CHECK(d.countLogLines("stopped:") == 0);
  CHECK(d.countLogLines("spawned:") == 2);
  CHECK(d.running());

  // Fixed: update applies it (b removed, n added, a untouched).
  d.writeConfig(withSocket(d) +
                "[program:a]\ncommand={helpers}/sleeper\nstartsecs=0\n"
                "[program:n]\ncommand={helpers}/sleeper\nstartsecs=0\n");
  auto fixed = d.ctl("update");
  CHECK(fixed.exit == 0);
  REQUIRE(d.waitForLogLine("success: n entered RUNNING"));
  CHECK(d.waitForLogLine("stopped: b \\(terminated by SIGTERM\\)"));
  CHECK(pidOf(c, "a") == pid_a);
}
