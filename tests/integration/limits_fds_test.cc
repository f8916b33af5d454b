// Resource limits with real processes: a daemon started under a low
// RLIMIT_NOFILE runs out of descriptors when clients pile up. It must say so
// once, refuse the clients it cannot serve with a clear error instead of
// spinning on its level-triggered listening socket, keep its programs, fail a
// spawn with Supervisor's "too many open files" spawn error, and recover on
// its own once descriptors are free again. (A log disk that fills is covered
// by log_disk_full_test.cc.)
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "daemon_harness.h"
#include "limits_probe.h"
#include "rpc_client.h"

using namespace sup::test;

TEST_CASE("at EMFILE the daemon refuses clients with a clear error, does not spin, and recovers") {
  DaemonHarness d;
  // minfds below the limit: supervisord must not raise RLIMIT_NOFILE itself.
  d.writeConfig(
      "[supervisord]\nlogfile={dir}/supervisord.log\npidfile={dir}/supervisord.pid\n"
      "childlogdir={dir}\nminfds=16\n\n"
      "[unix_http_server]\nfile={dir}/sv.sock\n\n"
      "[program:a]\ncommand={helpers}/sleeper\nstartsecs=0\n\n"
      "[program:b]\ncommand={helpers}/sleeper\nstartsecs=0\nautostart=false\n"
      "startretries=100\n");
  REQUIRE(d.start({}, {"prlimit", "--nofile=48:48", "--"}));
  REQUIRE(d.waitForLogLine("success: a entered RUNNING"));
  const int pid = d.daemonPid();
  const std::string sock = d.path("sv.sock");

  RpcClient control(sock);
  REQUIRE(resultOf(control.call("supervisor.getState"))["statename"] == "RUNNING");
  const int fds_before = fdCount(pid);

  // Fill the daemon's descriptor table with idle clients until one is refused.
  std::vector<std::unique_ptr<RpcClient>> fillers;
  bool refused = false;
  std::string refusal;
  for (int i = 0; i < 64 && !refused; ++i) {
    auto c = std::make_unique<RpcClient>(sock, 2s);
    REQUIRE(c->connected());
    c->send("supervisor.getState");
    auto reply = c->read(3s);  // the first message: a refusal has no id
    if (resultOf(reply).is_object()) {
      fillers.push_back(std::move(c));
    } else {
      refused = true;
      refusal = reply ? reply->dump() : "no answer within 3 s";
    }
  }
  INFO("clients served before EMFILE: " << fillers.size() << "; the next one got: " << refusal);
  REQUIRE(refused);
  CHECK(refusal.find("Too many open files") != std::string::npos);

  // While the table is full, a client that connects and waits must not make
  // the loop spin (the classic level-triggered EMFILE bug) nor flood the log.
  RpcClient lingering(sock, 2s);
  REQUIRE(lingering.connected());
  const CpuSample cpu0 = cpuSample(pid);
  std::this_thread::sleep_for(1s);  // a measurement window, not a wait
  const double cpu = cpuShare(cpu0, cpuSample(pid));
  const int complaints = d.countLogLines("accept");
  INFO("daemon CPU with a client pending at EMFILE: " << cpu * 100
                                                        << "% of one core; log lines: "
                                                        << complaints);
  CHECK(cpu < 0.25);
  CHECK(complaints == 1);
  CHECK(d.countLogLines("CRIT control: cannot accept connections: Too many open files") == 1);

  // Every client that knocks is told why at once and closed.
  for (int i = 0; i < 20; ++i) {
    RpcClient c(sock, 2s);
    REQUIRE(c.connected());
    auto m = c.read(2s);
    REQUIRE(errorMessage(m) == "supervisord cannot accept connections: Too many open files");
    CHECK(c.waitClosed(2s));
  }
  CHECK(errorCode(lingering.read(2s)) == -32603);

  // A spawn needs pipes: Supervisor's EMFILE spawn error, then BACKOFF.
  // Supervisor answers SPAWN_ERROR (50) when the spawn fails at once.
  CHECK(errorMessage(control.call("supervisor.startProcess", {"b", false})) == "SPAWN_ERROR: b");
  REQUIRE(d.waitForLogLine("INFO spawnerr: too many open files to spawn 'b'"));
  auto b = resultOf(control.call("supervisor.getProcessInfo", {"b"}));
  CHECK(b["statename"] == "BACKOFF");
  CHECK(b["spawnerr"] == "too many open files to spawn 'b'");
  CHECK(resultOf(control.call("supervisor.getProcessInfo", {"a"}))["statename"] == "RUNNING");

  // Descriptors come back: the backoff retry spawns b, and clients are served.
  fillers.clear();
  lingering.close();
  REQUIRE(d.waitForLogLine("success: b entered RUNNING", 10s));
  RpcClient after(sock);
  CHECK(resultOf(after.call("supervisor.getState"))["statename"] == "RUNNING");
  CHECK(d.waitForLogLine("INFO control: accepting connections again"));
  REQUIRE(resultOf(control.call("supervisor.stopProcess", {"b"})) == true);
  // Every refused or closed client's descriptor was released.
  CHECK(waitFor([&] { return fdCount(pid) == fds_before + 1; }));
  INFO("fds before " << fds_before << ", after " << fdCount(pid));
  CHECK(d.running());
}
