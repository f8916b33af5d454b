// Re-exec in place (supervisord/reexec.h): supervisord execs itself, same
// pid, and the new image adopts every program: same pids, same pipes, every
// output line once and whole, uptime continuous, the config applied as
// update does. And when it cannot be done: a binary that fails at once is
// refused with the programs untouched; a hand-over that does not decode
// falls back to stopping the programs (orphan guard) and starting afresh.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <csignal>
#include <fstream>
#include <map>
#include <sstream>

#include "daemon_harness.h"
#include "event_records.h"
#include "http_client.h"
#include "rpc_client.h"

using namespace sup::test;

namespace {

struct Info {
  int pid = 0;
  std::string state;
  long start = 0;
};

std::map<std::string, Info> processes(const DaemonHarness& d) {
  std::map<std::string, Info> out;
  RpcClient c(d.path("sv.sock"), 10s);
  auto reply = c.call("supervisor.getAllProcessInfo", json::array(), 10s);
  if (!reply || !reply->contains("result")) return out;
  for (const auto& p : (*reply)["result"])
    out[p["name"].get<std::string>()] =
        Info{p["pid"].get<int>(), p["statename"].get<std::string>(), p["start"].get<long>()};
  return out;
}

bool allRunning(const DaemonHarness& d, std::size_t n) {
  auto all = processes(d);
  if (all.size() != n) return false;
  for (const auto& [name, info] : all)
    if (info.state != "RUNNING") return false;
  return true;
}

// The flood helper's log: "1".."N" in order, each once and whole, then
// "end N". The helper checks it (fast, also under the sanitizers) and says
// "lines N lost L dup D torn T".
std::string checkFlood(const std::string& log) {
  return run(DaemonHarness::helper("flood") + " --check " + log).out;
}

std::string reexecCtl(const DaemonHarness& d, const std::string& extra = "") {
  RunResult r = d.ctl("reexec" + extra);
  return r.out;
}

}  // namespace

TEST_CASE(
    "reexec: 50 programs, 10 of them flooding, go through 20 re-execs with config changes - "
    "pids, output and uptime carry on") {
  DaemonHarness d;
  auto config = [&](int generation) {
    std::string text = d.header() + DaemonHarness::ctlSections();
    for (int i = 0; i < 10; ++i) {
      text += "[program:flood" + std::to_string(i) + "]\ncommand={helpers}/flood {dir}/stop 32\n" +
              "startsecs=0\nstdout_logfile={dir}/flood" + std::to_string(i) + ".log\n" +
              "stdout_logfile_maxbytes=0\n";
    }
    for (int i = 0; i < 40; ++i) {
      text += "[program:sleep" + std::to_string(i) + "]\ncommand={helpers}/sleeper 100000\n" +
              "startsecs=0\n";
    }
    // Some re-execs come with a changed config: one program changes (and is
    // restarted), one comes and goes.
    text += "[program:changing]\ncommand={helpers}/sleeper 10000" + std::to_string(generation % 2) +
            "\nstartsecs=0\n";
    if (generation % 3 == 1)
      text += "[program:extra]\ncommand={helpers}/sleeper 100000\nstartsecs=0\n";
    return text;
  };
  d.writeConfig(config(0));
  REQUIRE(d.start());
  REQUIRE(waitFor([&] { return allRunning(d, 51); }, 20s));
  auto first = processes(d);
  int daemon = d.daemonPid();

  for (int round = 1; round <= 20; ++round) {
    INFO("re-exec " << round);
    d.writeConfig(config(round));
    std::string out = reexecCtl(d);
    REQUIRE(out == "Re-executed supervisord (pid " + std::to_string(daemon) + ")\n");
    REQUIRE(d.countLogLines("adopted \\d+ processes from the previous image") == round);
    std::size_t expected = round % 3 == 1 ? 52 : 51;
    REQUIRE(waitFor([&] { return allRunning(d, expected); }, 20s));
    auto now = processes(d);
    for (const auto& [name, info] : first) {
      if (name == "changing") continue;
      CHECK(now[name].pid == info.pid);
      CHECK(now[name].start == info.start);
    }
  }
  CHECK(d.daemonPid() == daemon);
  CHECK(d.countLogLines("re-executing supervisord \\(pid " + std::to_string(daemon) +
                        "\\): 5\\d processes handed over") == 20);
  // Never Supervisor's restart lines, never an orphan stop.
  CHECK(d.countLogLines("received SIGHUP|orphan|supervisord started") == 1);  // the first start

  // Every line of every flood, once and whole, across the 20 re-execs.
  std::ofstream(d.path("stop")).put('x');
  for (int i = 0; i < 10; ++i) {
    std::string log = d.path("flood" + std::to_string(i) + ".log");
    std::string said;
    // Until the end line is in, the check counts it as lost.
    bool whole = waitFor(
        [&] {
          said = checkFlood(log);
          return said.find(" lost 0 dup 0 torn 0") != std::string::npos;
        },
        30s);
    INFO("flood" << i << ": " << said);
    CHECK(whole);
  }

  // A program killed right after a re-exec is restarted by the new image.
  REQUIRE(reexecCtl(d).find("Re-executed") == 0);
  int victim = processes(d)["sleep7"].pid;
  ::kill(victim, SIGKILL);
  REQUIRE(waitFor([&] {
    auto p = processes(d)["sleep7"];
    return p.state == "RUNNING" && p.pid != victim;
  }));

  // Shutdown after it stops everything.
  auto last = processes(d);
  REQUIRE(d.ctl("shutdown").out == "Shut down\n");
  REQUIRE(d.waitForExit(20s) == 0);
  for (const auto& [name, info] : last) CHECK_FALSE(processAlive(info.pid));
}

TEST_CASE("reexec: a child that exits during the exec is reaped by the new image") {
  DaemonHarness d;
  d.writeConfig(d.header() + DaemonHarness::ctlSections() +
                "[program:brief]\ncommand={helpers}/exit_with 3 0.2\nstartsecs=0\n"
                "autorestart=false\n"
                "[program:steady]\ncommand={helpers}/sleeper 100000\nstartsecs=0\n");
  REQUIRE(d.start());
  REQUIRE(d.waitForLogLine("spawned: 'brief'"));
  // Keep re-executing until brief has exited: its exit lands in some image.
  for (int i = 0; i < 50 && processes(d)["brief"].state == "RUNNING"; ++i) reexecCtl(d);
  REQUIRE(waitFor([&] { return processes(d)["brief"].state == "EXITED"; }));
  CHECK(d.countLogLines("exited: brief \\(exit status 3; not expected\\)") == 1);
  CHECK(d.countLogLines("reaped unknown pid") == 0);
}

TEST_CASE("reexec: a binary that fails at once is refused and every program keeps running") {
  DaemonHarness d;
  d.writeConfig(d.header() + DaemonHarness::ctlSections() +
                "[program:a]\ncommand={helpers}/sleeper 100000\nstartsecs=0\n");
  REQUIRE(d.start());
  REQUIRE(waitFor([&] { return allRunning(d, 1); }));
  int pid = processes(d)["a"].pid;
  std::string bad = d.path("broken-supervisord");
  std::ofstream(bad) << "#!/bin/sh\necho 'error while loading shared libraries' >&2\nexit 1\n";
  ::chmod(bad.c_str(), 0755);
  RunResult r = d.ctl("reexec --binary " + bad);
  CHECK(r.exit == 1);
  CHECK(r.out == "ERROR: re-exec refused: " + bad +
                     " cannot take over: it failed (exit status 1): error while loading shared libraries\n");
  // Not our binary at all, and one that does not exist.
  r = d.ctl("reexec --binary /bin/true");
  CHECK(r.out.find("it is not a supervisord that can adopt programs") != std::string::npos);
  r = d.ctl("reexec --binary " + d.path("missing"));
  CHECK(r.out.find("cannot take over: it failed (exit status 127)") != std::string::npos);
  CHECK(processes(d)["a"].pid == pid);
  CHECK(d.countLogLines("not re-executing: .*this supervisord keeps running") == 3);
  CHECK(d.countLogLines("re-executing supervisord") == 0);
  // The refused daemon still re-execs into itself.
  CHECK(reexecCtl(d).find("Re-executed") == 0);
  CHECK(processes(d)["a"].pid == pid);
}

TEST_CASE("reexec: a corrupted hand-over falls back: the programs are stopped, then started anew") {
  DaemonHarness d;
  d.writeConfig(d.header() + DaemonHarness::ctlSections() +
                "[program:a]\ncommand={helpers}/sleeper 100000\nstartsecs=0\n"
                "[program:b]\ncommand={helpers}/ignore_sigterm\nstartsecs=0\nstopwaitsecs=1\n");
  REQUIRE(d.start());
  REQUIRE(waitFor([&] { return allRunning(d, 2); }));
  auto before = processes(d);
  // A wrapper that spoils the hand-over, then runs the real supervisord.
  std::string wrapper = d.path("corrupt-then-exec");
  {
    std::ofstream w(wrapper);
    w << "#!/bin/sh\n"
         "if [ -n \"$SUPERVISORD_HANDOVER_FD\" ]; then\n"
         "  printf 'XXXXXXXX' | dd of=/proc/self/fd/$SUPERVISORD_HANDOVER_FD bs=1 seek=40 "
         "conv=notrunc 2>/dev/null\n"
         "fi\n"
         "exec "
      << DaemonHarness::supervisordBin() << " \"$@\"\n";
  }
  ::chmod(wrapper.c_str(), 0755);
  CHECK(reexecCtl(d, " --binary " + wrapper).find("Re-executed") == 0);
  REQUIRE(
      d.waitForLogLine("cannot adopt the programs of the previous image: the hand-over's "
                       "checksum is wrong; stopping them"));
  REQUIRE(waitFor([&] { return allRunning(d, 2); }, 15s));
  auto after = processes(d);
  CHECK(after["a"].pid != before["a"].pid);
  CHECK(after["b"].pid != before["b"].pid);
  CHECK_FALSE(processAlive(before["a"].pid));
  CHECK_FALSE(processAlive(before["b"].pid));
  // Each stopped as its config says (b ignores TERM: KILL after stopwaitsecs).
  CHECK(d.countLogLines("stopping orphan 'a:a'") == 1);
  CHECK(d.countLogLines("killing orphan 'b:b' .* with SIGKILL") == 1);
  CHECK(d.running());
}

TEST_CASE(
    "reexec: SIGURG re-execs too, and clients meanwhile get an answer or a closed "
    "connection, never a hang") {
  DaemonHarness d;
  d.writeConfig(d.header() + DaemonHarness::ctlSections() +
                "[program:a]\ncommand={helpers}/sleeper 100000\nstartsecs=0\n");
  REQUIRE(d.start());
  REQUIRE(waitFor([&] { return allRunning(d, 1); }));
  int pid = processes(d)["a"].pid;
  int answered = 0, closed = 0;
  for (int i = 1; i <= 5; ++i) {
    REQUIRE(d.signal(SIGURG));
    // Call at once and on: before the exec the old image answers (or its
    // exec closes the connection: an error for the client to retry); a
    // connect made during the exec waits in the backlog for the new image.
    while (d.countLogLines("adopted 1 processes") < i) {
      auto t0 = std::chrono::steady_clock::now();
      RpcClient c(d.path("sv.sock"), 10s);
      auto reply = c.call("supervisor.getPID", json::array(), 10s);
      CHECK(std::chrono::steady_clock::now() - t0 < 5s * kSlowdown);
      if (reply) {
        CHECK(reply->value("result", 0) == d.daemonPid());
        ++answered;
      } else {
        ++closed;
      }
    }
  }
  RpcClient c(d.path("sv.sock"), 10s);
  auto reply = c.call("supervisor.getPID", json::array(), 10s);
  REQUIRE(reply);
  CHECK(reply->value("result", 0) == d.daemonPid());
  CHECK(processes(d)["a"].pid == pid);
  CHECK(answered > 0);
  INFO("closed by an exec: " << closed);
}

TEST_CASE(
    "reexec: a daemon SIGKILLed after re-execs still has its programs stopped by the next "
    "one's orphan guard") {
  DaemonHarness d;
  d.writeConfig(d.header() + DaemonHarness::ctlSections() +
                "[program:a]\ncommand={helpers}/sleeper 100000\nstartsecs=0\n"
                "[program:b]\ncommand={helpers}/sleeper 100000\nstartsecs=0\n");
  REQUIRE(d.start());
  REQUIRE(waitFor([&] { return allRunning(d, 2); }));
  REQUIRE(reexecCtl(d).find("Re-executed") == 0);
  REQUIRE(reexecCtl(d).find("Re-executed") == 0);
  auto before = processes(d);
  // Adopted programs are still recorded for the orphan guard.
  std::string records = readFile(d.pidfilePath() + ".children");
  CHECK(records.find(std::to_string(before["a"].pid) + " ") != std::string::npos);
  CHECK(records.find(std::to_string(before["b"].pid) + " ") != std::string::npos);
  REQUIRE(d.signal(SIGKILL));
  REQUIRE(d.waitForExit() == 128 + SIGKILL);
  REQUIRE(d.start());
  REQUIRE(waitFor([&] { return allRunning(d, 2); }));
  CHECK(d.countLogLines("stopping orphan 'a:a' \\(pid " + std::to_string(before["a"].pid)) == 1);
  CHECK(d.countLogLines("stopping orphan 'b:b' \\(pid " + std::to_string(before["b"].pid)) == 1);
  CHECK(waitFor([&] { return !processAlive(before["a"].pid) && !processAlive(before["b"].pid); }));
}

TEST_CASE(
    "reexec: an event listener is adopted READY and its serials go on - the next event reaches it "
    "with the following serial") {
  DaemonHarness d;
  d.writeConfig(d.header() + DaemonHarness::ctlSections() +
                recorderSection("rec", "PROCESS_STATE") +
                "[program:worker]\ncommand={helpers}/sleeper 100000\nstartsecs=0\n");
  REQUIRE(d.start());
  auto runningEvents = [&] {
    std::vector<ReceivedEvent> out;
    for (auto& e : readReceived(d.path("rec.raw")))
      if (e.field("eventname") == "PROCESS_STATE_RUNNING" &&
          e.payload.find("processname:worker ") == 0)
        out.push_back(e);
    return out;
  };
  REQUIRE(waitFor([&] { return runningEvents().size() == 1; }, 10s));
  int listener = processes(d)["rec"].pid;
  REQUIRE(reexecCtl(d).find("Re-executed") == 0);
  CHECK(processes(d)["rec"].pid == listener);
  REQUIRE(d.ctl("restart worker").exit == 0);
  REQUIRE(waitFor([&] { return runningEvents().size() == 2; }, 10s));
  // Every event the listener got, across the exec: serials and pool serials
  // 0, 1, 2, ... with no gap and no repeat.
  auto all = readReceived(d.path("rec.raw"));
  REQUIRE(all.size() >= 6);
  for (std::size_t i = 0; i < all.size(); ++i) {
    INFO(all[i].header);
    CHECK(all[i].field("serial") == std::to_string(i));
    CHECK(all[i].field("poolserial") == std::to_string(i));
  }
  CHECK(d.countLogLines("rec.*UNKNOWN|protocol") == 0);
}

TEST_CASE(
    "reexec: the [inet_http_server] listening socket crosses the exec - the same socket serves "
    "before and after") {
  DaemonHarness d;
  int port = freePort();
  d.writeConfig(d.header() + DaemonHarness::ctlSections() + "[inet_http_server]\nport=127.0.0.1:" +
                std::to_string(port) + "\n[program:worker]\ncommand={helpers}/sleeper 100000\n" +
                "startsecs=0\n");
  REQUIRE(d.start());
  REQUIRE(waitFor([&] { return allRunning(d, 1); }));
  const std::string call = xmlCall("supervisor.getPID");
  auto pidOverTcp = [&](HttpClient& c) {
    if (!c.postXml(call)) return std::string();
    auto r = c.readResponse();
    return r && r->status == 200 ? r->body : std::string();
  };
  // The inode of the socket listening on the port (/proc/net/tcp, state 0A).
  auto listeningInode = [&] {
    std::ifstream tcp("/proc/net/tcp");
    std::string line;
    char local[64];
    std::snprintf(local, sizeof local, ":%04X ", port);
    while (std::getline(tcp, line)) {
      std::istringstream f(line);
      std::string sl, addr, rem, st, q, tr, retr, uid, timeout, inode;
      f >> sl >> addr >> rem >> st >> q >> tr >> retr >> uid >> timeout >> inode;
      if ((addr + " ").find(local) != std::string::npos && st == "0A") return inode;
    }
    return std::string();
  };
  std::string inode = listeningInode();
  REQUIRE_FALSE(inode.empty());
  HttpClient before = HttpClient::tcp(port);
  CHECK(pidOverTcp(before).find(std::to_string(d.daemonPid())) != std::string::npos);
  REQUIRE(reexecCtl(d).find("Re-executed") == 0);
  // The old image's connection is closed; a new one reaches the same socket.
  HttpClient after = HttpClient::tcp(port);
  CHECK(pidOverTcp(after).find(std::to_string(d.daemonPid())) != std::string::npos);
  CHECK(listeningInode() == inode);
  CHECK(d.countLogLines("Cannot open an HTTP server|Address already in use") == 0);
}

TEST_CASE(
    "reexec: refused while a process waits for its dependencies - after an exec, stops still go "
    "dependents first") {
  DaemonHarness d;
  d.writeConfig(d.header() + DaemonHarness::ctlSections() +
                "[program:db]\ncommand={helpers}/sleeper 100000\nstartsecs=0\n"
                "[program:web]\ncommand={helpers}/sleeper 100000\nstartsecs=0\ndepends_on=db\n"
                "[program:slow]\ncommand={helpers}/sleeper 100000\nstartsecs=60\n"
                "[program:held]\ncommand={helpers}/sleeper 100000\nstartsecs=0\n"
                "depends_on=slow\n");
  REQUIRE(d.start());
  REQUIRE(waitFor([&] {
    auto all = processes(d);
    return all["db"].state == "RUNNING" && all["web"].state == "RUNNING";
  }));
  // held waits for slow, STARTING for a minute: no re-exec meanwhile.
  REQUIRE(waitFor([&] { return processes(d)["held"].state == "STARTING"; }));
  RunResult r = d.ctl("reexec");
  CHECK(r.exit == 1);
  CHECK(r.out.find("'held' is starting (waiting for its dependencies or its ready= check)") !=
        std::string::npos);
  CHECK(d.ctl("stop held slow").exit == 0);
  REQUIRE(waitFor([&] { return processes(d)["held"].state == "STOPPED"; }));
  REQUIRE(reexecCtl(d).find("Re-executed") == 0);
  // The new image linked the dependencies again: db waits for web to stop.
  REQUIRE(d.ctl("stop all").exit == 0);
  std::string log = d.mainLog();
  auto web = log.find("stopped: web");
  auto db = log.find("stopped: db");
  REQUIRE(web != std::string::npos);
  REQUIRE(db != std::string::npos);
  CHECK(web < db);
}
