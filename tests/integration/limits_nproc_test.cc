// fork() failing with EAGAIN: a daemon running as an unprivileged user
// (root ignores RLIMIT_NPROC) under a low process limit. Supervisor's
// spawn error, BACKOFF, the other programs and the daemon untouched, and the
// program starts once the limit allows it again.
#include <pwd.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <string>

#include "daemon_harness.h"
#include "rpc_client.h"

using namespace sup::test;

namespace {

// Processes nobody owns right now (RLIMIT_NPROC counts them all).
int processesOfNobody() {
  auto r = run("ps -u nobody -o pid= | wc -l");
  return r.exit == 0 ? std::stoi(r.out) : -1;
}

}  // namespace

TEST_CASE("fork failing with EAGAIN is Supervisor's spawn error, then BACKOFF, then recovery") {
  if (::geteuid() != 0) {
    WARN("not root: cannot start the daemon as another user under RLIMIT_NPROC");
    return;
  }
  DaemonHarness d;
  ::chmod(d.dir().c_str(), 0777);
  // minprocs below the limit: supervisord must not try to raise it.
  d.writeConfig(
      "[supervisord]\nlogfile={dir}/supervisord.log\npidfile={dir}/supervisord.pid\n"
      "childlogdir={dir}\nminprocs=1\n\n"
      "[unix_http_server]\nfile={dir}/sv.sock\n\n"
      "[supervisorctl]\nserverurl=unix://{dir}/sv.sock\n\n"
      "[program:a]\ncommand={helpers}/sleeper\nstartsecs=0\npriority=1\n\n"
      "[program:b]\ncommand={helpers}/sleeper\nstartsecs=0\npriority=2\nstartretries=100\n");
  const int others = processesOfNobody();
  REQUIRE(others >= 0);
  // Room for the daemon and one child: the second fork gets EAGAIN.
  const std::string limit = std::to_string(others + 2);
  REQUIRE(d.start({}, {"prlimit", "--nproc=" + limit + ":" + limit, "--", "setpriv",
                       "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"}));
  REQUIRE(d.waitForLogLine("success: a entered RUNNING"));
  REQUIRE(d.waitForLogLine("INFO spawnerr: Too many processes in process table to spawn 'b'"));
  RpcClient c(d.path("sv.sock"));
  auto b = resultOf(c.call("supervisor.getProcessInfo", {"b"}));
  CHECK(b["statename"] == "BACKOFF");
  CHECK(b["spawnerr"] == "Too many processes in process table to spawn 'b'");
  CHECK(resultOf(c.call("supervisor.getProcessInfo", {"a"}))["statename"] == "RUNNING");
  auto status = d.ctl("status b");
  CHECK(status.out.find("Too many processes in process table to spawn 'b'") != std::string::npos);

  // The limit allows it again (a stops): the next backoff retry succeeds.
  REQUIRE(resultOf(c.call("supervisor.stopProcess", {"a"})) == true);
  REQUIRE(d.waitForLogLine("success: b entered RUNNING", 10s));
  CHECK(resultOf(c.call("supervisor.getState"))["statename"] == "RUNNING");
  CHECK(d.running());
}
