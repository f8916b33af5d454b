// Misbehaving event listeners and event stream subscribers cannot stall the
// daemon: a listener that hangs, one that floods garbage, one that never
// reads its stdin, and a stream client that never reads, while programs
// restart, another pool keeps getting its events, the control socket
// answers, and the daemon's memory stays bounded.
#include <catch2/catch.hpp>
#include <chrono>
#include <regex>
#include <string>

#include "tests/integration/daemon_harness.h"
#include "tests/integration/event_records.h"
#include "tests/integration/proc_probe.h"
#include "tests/integration/rpc_client.h"

using namespace sup::test;

namespace {

int count(const std::vector<ReceivedEvent>& events, const std::string& eventname,
          const std::string& process) {
  int n = 0;
  for (const auto& e : events)
    if (e.field("eventname") == eventname &&
        e.payload.rfind("processname:" + process + " ", 0) == 0)
      ++n;
  return n;
}

// Milliseconds one `supervisorctl status` takes.
long statusMs(const DaemonHarness& d) {
  auto t0 = std::chrono::steady_clock::now();
  auto r = d.ctl("status");
  auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
          .count();
  return r.exit == 0 || r.exit == 3 ? ms : 999999;
}

}  // namespace

TEST_CASE("listeners that hang, flood garbage or never read stall nothing else") {
  DaemonHarness d;
  d.writeConfig(
      d.header() + DaemonHarness::ctlSections() +
      recorderSection("hang", "PROCESS_STATE", "--hang-at 1", "buffer_size=5") +
      "[eventlistener:flood]\ncommand=/bin/sh -c 'head -c 30000000 /dev/zero | tr \"\\000\" x; "
      "exec sleep 1000'\nevents=PROCESS_STATE\nstdout_logfile=NONE\n\n"
      "[eventlistener:deaf]\ncommand=/bin/sh -c 'printf \"READY\\n\"; exec sleep 1000'\n"
      "events=PROCESS_LOG,PROCESS_STATE\n\n" +
      recorderSection("good", "PROCESS_STATE", "", "buffer_size=50") +
      "[program:crash]\ncommand=/bin/sh -c 'sleep 0.1; exit 1'\nstartsecs=0\nautorestart=true\n\n"
      "[program:chatty]\ncommand={helpers}/chatty 0 1\nstdout_events_enabled=true\n"
      "stdout_logfile=NONE\n");
  REQUIRE(d.start());
  int pid = d.daemonPid();
  REQUIRE(d.waitForLogLine("flood: has entered the UNKNOWN state", 10s));
  REQUIRE(d.waitForLogLine("ERRO pool hang event buffer overflowed", 10s));
  REQUIRE(d.waitForLogLine("ERRO pool deaf event buffer overflowed", 10s));
  // The well-behaved pool keeps hearing about the crash loop...
  REQUIRE(waitFor(
      [&] { return count(readReceived(d.path("good.raw")), "PROCESS_STATE_EXITED", "crash") >= 5; },
      20s));
  int before = count(readReceived(d.path("good.raw")), "PROCESS_STATE_EXITED", "crash");
  REQUIRE(waitFor(
      [&] {
        return count(readReceived(d.path("good.raw")), "PROCESS_STATE_EXITED", "crash") >=
               before + 5;
      },
      20s));
  // ...the control socket answers at once, and memory stays bounded.
  CHECK(statusMs(d) < 2000 * kSlowdown);
  long rss = rssKb(pid);
  CHECK(rss > 0);
  CHECK(rss < rssBoundKb(64 * 1024));
  REQUIRE(d.stop() == 0);
}

TEST_CASE("a stream subscriber that never reads loses counted events, nothing else happens") {
  DaemonHarness d;
  d.writeConfig(d.header() + DaemonHarness::ctlSections() +
                "[program:chatty]\ncommand={helpers}/chatty 0 0\nstdout_events_enabled=true\n"
                "stdout_logfile=NONE\n");
  REQUIRE(d.start());
  int pid = d.daemonPid();
  RpcClient slow(d.path("sv.sock"));
  int id = slow.send("supervisor.subscribeEvents", {{"PROCESS_LOG"}});
  REQUIRE(resultOf(slow.waitReply(id)) == true);
  // Let the flood of output events pile up against the unread connection.
  RpcClient probe(d.path("sv.sock"));
  for (int i = 0; i < 20; ++i) {
    CHECK(resultOf(probe.call("supervisor.getState"))["statename"] == "RUNNING");
    ::usleep(100 * 1000);
  }
  long rss = rssKb(pid);
  CHECK(rss < rssBoundKb(64 * 1024));
  // Reading again: the connection is still there, and says what was lost.
  bool saw_lost = false;
  waitFor(
      [&] {
        auto msg = slow.read(std::chrono::milliseconds(200));
        if (msg && msg->value("method", "") == "event" && (*msg)["params"].value("lost", 0) > 0)
          saw_lost = true;
        return saw_lost;
      },
      20s);
  CHECK(saw_lost);
  CHECK(slow.connected());
}

TEST_CASE("an idle supervisord with an event listener sleeps: no TICK subscriber, no timer") {
  DaemonHarness d;
  d.writeConfig(d.header() + recorderSection("rec", "PROCESS_STATE") +
                "[program:a]\ncommand={helpers}/sleeper\nstartsecs=0\n");
  REQUIRE(d.start());
  REQUIRE(waitFor([&] { return readReceived(d.path("rec.raw")).size() >= 4; }, 10s));
  auto switches = [&] {
    std::string status = readFile("/proc/" + std::to_string(d.pid()) + "/status");
    long total = 0;
    std::regex re("ctxt_switches:\\s+(\\d+)");
    for (std::sregex_iterator it(status.begin(), status.end(), re), end; it != end; ++it)
      total += std::stol((*it)[1]);
    return total;
  };
  // Settled: asleep in epoll_wait, no switch over 300 ms.
  REQUIRE(waitFor(
      [&] {
        long before = switches();
        ::usleep(300 * 1000);
        return switches() == before &&
               readFile("/proc/" + std::to_string(d.pid()) + "/wchan") == "do_epoll_wait";
      },
      10s));
  long before = switches();
  REQUIRE_FALSE(waitFor([&] { return switches() != before; }, 1500ms));
}
