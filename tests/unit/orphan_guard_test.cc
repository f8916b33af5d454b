// The orphan guard's pure parts: the state file's text, /proc/<pid>/stat
// parsing, and when and how a recorded child of a killed supervisord is
// stopped. No fork, no /proc, no signals.
#include "supervisord/orphan_guard.h"

#include <catch2/catch.hpp>
#include <csignal>

using namespace sup;

namespace {

ChildRecord record(int pid, unsigned long long start, const std::string& name) {
  ChildRecord r;
  r.pid = pid;
  r.start_time = start;
  r.name = name;
  return r;
}

// A real line's shape, with a comm that holds spaces and parentheses.
std::string statLine(char state, unsigned long long start) {
  return "4242 (we ird) (name) " + std::string(1, state) +
         " 1 4242 4242 0 -1 4194560 120 0 0 0 3 1 0 0 20 0 1 0 " + std::to_string(start) +
         " 2564096 200 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0";
}

const std::string kBoot = "6487b9ef-ec40-402d-b59c-6869fdd2ad4b";

}  // namespace

TEST_CASE("the state file lives next to the pidfile") {
  CHECK(childStatePath("/run/supervisord.pid") == "/run/supervisord.pid.children");
}

TEST_CASE("a child record takes the stop settings and the group:name of its program") {
  ProcessConfig c;
  c.name = "worker_01";
  c.group = "workers";
  c.stopsignal = SIGINT;
  c.stopasgroup = true;
  c.killasgroup = true;
  c.stopwaitsecs = 7;
  ChildRecord r = makeChildRecord(123, 456, c);
  CHECK(r.pid == 123);
  CHECK(r.start_time == 456);
  CHECK(r.stopsignal == SIGINT);
  CHECK(r.stopasgroup);
  CHECK(r.killasgroup);
  CHECK(r.stopwaitsecs == 7);
  CHECK(r.name == "workers:worker_01");
}

TEST_CASE("the state file round-trips the boot id and every record") {
  ChildState s;
  s.boot_id = kBoot;
  s.children.push_back(record(100, 5000, "web:web"));
  ChildRecord g = record(200, 6000, "workers:w_01");
  g.stopsignal = SIGQUIT;
  g.stopasgroup = true;
  g.killasgroup = true;
  g.stopwaitsecs = 0;
  s.children.push_back(g);
  std::string text = formatChildState(s);
  CHECK(text == "boot " + kBoot + "\n100 5000 15 0 0 10 web:web\n200 6000 3 1 1 0 workers:w_01\n");
  CHECK(parseChildState(text) == s);
}

TEST_CASE("lines of the state file that do not parse are skipped, never guessed") {
  std::string text = "boot " + kBoot +
                     "\n"
                     "100 5000 15 0 0 10 web:web\n"
                     "garbage\n"
                     "1 5000 15 0 0 10 init:init\n"   // pid 1: never
                     "-5 5000 15 0 0 10 group:neg\n"  // a group or every process: never
                     "0 5000 15 0 0 10 zero:zero\n"
                     "300 0 15 0 0 10 nostart:nostart\n"   // no start time to compare
                     "301 7000 99 0 0 10 badsig:badsig\n"  // no such signal
                     "302 7000 15 2 0 10 badflag:badflag\n"
                     "303 7000 15 0 0 10\n"  // no name
                     "304 7000 15 0 0";      // torn last line
  ChildState s = parseChildState(text);
  CHECK(s.boot_id == kBoot);
  REQUIRE(s.children.size() == 1);
  CHECK(s.children[0].name == "web:web");
  CHECK(parseChildState("").children.empty());
}

TEST_CASE("appended lines replay in order: a name's last record wins, '- name' drops it") {
  std::string text = "boot " + kBoot + "\n" + formatChildRecord(record(100, 5000, "web:web")) +
                     formatChildRecord(record(200, 6000, "w:w_01")) + formatChildGone("web:web") +
                     formatChildRecord(record(300, 7000, "web:web")) +  // web spawned again
                     formatChildRecord(record(400, 8000, "w:w_02")) + formatChildGone("w:w_01") +
                     formatChildGone("nobody:nobody");
  CHECK(formatChildGone("web:web") == "- web:web\n");
  ChildState s = parseChildState(text);
  CHECK(s.boot_id == kBoot);
  REQUIRE(s.children.size() == 2);
  CHECK(s.children[0] == record(300, 7000, "web:web"));
  CHECK(s.children[1] == record(400, 8000, "w:w_02"));
}

TEST_CASE("an append cut short by the daemon's death is skipped, whatever it was") {
  std::string head = "boot " + kBoot + "\n" + formatChildRecord(record(100, 5000, "web:web"));
  // A drop without its newline keeps the record: its start time still guards it.
  CHECK(parseChildState(head + "- web:web").children.size() == 1);
  CHECK(parseChildState(head + "200 6000 15 0 0 10 w:w").children.size() == 1);
}

TEST_CASE("/proc/<pid>/stat gives the state and the start time even with odd names") {
  auto st = parseProcStat(statLine('S', 987654));
  REQUIRE(st);
  CHECK(st->state == 'S');
  CHECK(st->start_time == 987654);
  CHECK_FALSE(parseProcStat("4242 (cut"));
  CHECK_FALSE(parseProcStat("4242 (short) S 1 2 3"));
  CHECK_FALSE(parseProcStat(""));
}

TEST_CASE("a recorded child still alive with its start time is stopped with its stopsignal") {
  ChildRecord r = record(100, 5000, "web:web");
  r.stopsignal = SIGINT;
  r.stopwaitsecs = 3;
  auto plan = planOrphanStop(r, kBoot, kBoot, parseProcStat(statLine('S', 5000)));
  REQUIRE(plan);
  CHECK(plan->stop_target == 100);
  CHECK(plan->stop_signal == SIGINT);
  CHECK(plan->kill_target == 100);
  CHECK(plan->wait == std::chrono::seconds(3));
}

TEST_CASE("stopasgroup and killasgroup address the orphan's process group as Supervisor does") {
  ChildRecord r = record(100, 5000, "web:web");
  r.killasgroup = true;
  auto plan = planOrphanStop(r, kBoot, kBoot, ProcStat{'R', 5000});
  REQUIRE(plan);
  CHECK(plan->stop_target == 100);
  CHECK(plan->kill_target == -100);
  r.stopasgroup = true;
  plan = planOrphanStop(r, kBoot, kBoot, ProcStat{'R', 5000});
  REQUIRE(plan);
  CHECK(plan->stop_target == -100);
  CHECK(plan->kill_target == -100);
}

TEST_CASE("a reused pid, a dead pid, a zombie or another boot is left alone") {
  ChildRecord r = record(100, 5000, "web:web");
  CHECK_FALSE(planOrphanStop(r, kBoot, kBoot, ProcStat{'S', 5001}));  // pid reused
  CHECK_FALSE(planOrphanStop(r, kBoot, kBoot, std::nullopt));         // gone
  CHECK_FALSE(planOrphanStop(r, kBoot, kBoot, ProcStat{'Z', 5000}));  // exited, not reaped yet
  CHECK_FALSE(planOrphanStop(r, kBoot, "another-boot", ProcStat{'S', 5000}));
  CHECK_FALSE(planOrphanStop(r, "", "", ProcStat{'S', 5000}));  // file without a boot line
}
