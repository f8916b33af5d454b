// supervisorctl's output text, checked against lines recorded from the real
// Python supervisorctl 4.2.5 (see the comments for the command that printed
// each one).
#include "common/ctl_format.h"

#include <catch2/catch.hpp>

#include "supervisorctl/ctl_help.h"

using namespace sup;
using namespace sup::ctl;

namespace {

proto::ProcessInfo info(const std::string& group, const std::string& name, int state,
                        const std::string& desc) {
  proto::ProcessInfo i;
  i.group = group;
  i.name = name;
  i.state = state;
  i.statename = std::string(proto::processStateName(state));
  i.description = desc;
  return i;
}

}  // namespace

TEST_CASE("status pads names to the longest namespec plus three, at least 33") {
  // supervisorctl status (a 32-character program name widens the column).
  auto lines = formatStatusLines({
      info("averyveryverylongprogramname_xyz", "averyveryverylongprogramname_xyz", 20,
           "pid 8167, uptime 0:00:03"),
      info("echo", "echo", 20, "pid 8168, uptime 0:00:03"),
      info("grp", "gb", 0, "Not started"),
      info("quick", "quick", 200, "Exited too quickly (process log may have details)"),
  });
  REQUIRE(lines.size() == 4);
  CHECK(lines[0] == "averyveryverylongprogramname_xyz   RUNNING   pid 8167, uptime 0:00:03");
  CHECK(lines[1] == "echo                               RUNNING   pid 8168, uptime 0:00:03");
  CHECK(lines[2] == "grp:gb                             STOPPED   Not started");
  CHECK(lines[3] ==
        "quick                              FATAL     Exited too quickly (process log may have "
        "details)");
}

TEST_CASE("status of short names uses the 33-column minimum") {
  // supervisorctl status sleeper; status sleeper (after stop)
  auto lines = formatStatusLines({info("sleeper", "sleeper", 20, "pid 8183, uptime 0:00:02"),
                                  info("sleeper", "sleeper", 0, "Nov 22 04:05 AM")});
  CHECK(lines[0] == "sleeper                          RUNNING   pid 8183, uptime 0:00:02");
  CHECK(lines[1] == "sleeper                          STOPPED   Nov 22 04:05 AM");
}

TEST_CASE("a starting process keeps the padded state column with an empty description") {
  auto lines = formatStatusLines({info("web", "web", 10, "")});
  CHECK(lines[0] == "web                              STARTING  ");
}

TEST_CASE("start, stop, signal and clear results read as Supervisor prints them") {
  proto::CallResult r{"gb", "grp", 80, "OK"};
  CHECK(formatStartResult(r) == "grp:gb: started");
  r.status = 60;
  CHECK(formatStartResult(r) == "grp:gb: ERROR (already started)");
  r.status = 50;
  CHECK(formatStartResult(r) == "grp:gb: ERROR (spawn error)");
  r.status = 40;
  CHECK(formatStartResult(r) == "grp:gb: ERROR (abnormal termination)");
  r.status = 20;
  CHECK(formatStartResult(r) == "grp:gb: ERROR (no such file)");
  r.status = 21;
  CHECK(formatStartResult(r) == "grp:gb: ERROR (file is not executable)");
  r.status = 10;
  CHECK(formatStartResult(r) == "grp:gb: ERROR (no such process)");
  r.status = 999;
  CHECK(formatStartResult(r).empty());
  proto::CallResult s{"manual", "manual", 70, "NOT_RUNNING: manual"};
  CHECK(formatSignalResult(s, "stopped") == "manual: ERROR (not running)");
  s.status = 11;
  CHECK(formatSignalResult(s) == "manual: ERROR (bad signal name)");
  s.status = 80;
  CHECK(formatSignalResult(s) == "manual: signalled");
  CHECK(formatSignalResult(s, "stopped") == "manual: stopped");
  s.status = 30;
  s.description = "FAILED: whatever";
  CHECK(formatSignalResult(s) == "FAILED: whatever");
  proto::CallResult c{"sleeper", "sleeper", 80, "OK"};
  CHECK(formatClearResult(c) == "sleeper: cleared");
  c.status = 30;
  CHECK(formatClearResult(c) == "sleeper: ERROR (failed)");
}

TEST_CASE("avail lines match Supervisor's columns") {
  // supervisorctl avail
  proto::ConfigInfo a;
  a.group = a.name = "averyveryverylongprogramname_xyz";
  a.inuse = true;
  a.autostart = true;
  CHECK(formatAvailLine(a) == "averyveryverylongprogramname_xyz in use    auto      999:999");
  proto::ConfigInfo g;
  g.group = "grp";
  g.name = "gb";
  g.inuse = true;
  CHECK(formatAvailLine(g) == "grp:gb                           in use    manual    999:999");
  proto::ConfigInfo n;
  n.group = n.name = "newone";
  n.autostart = true;
  n.group_prio = 5;
  n.process_prio = 10;
  CHECK(formatAvailLine(n) == "newone                           avail     auto      5:10");
}

TEST_CASE("status and avail pad non-ASCII names by code points (not bytes)") {
  // Recorded from Python supervisorctl 4.2.5: status and avail with programs
  // test_öäü, 日本語 (priority 7), überlänge_überlänge_überlänge_ü (31 code
  // points, 36 bytes: it widens the status column to 34) and ß in
  // [group:grüppe] (priority 3).
  auto lines = formatStatusLines({
      info("grüppe", "ß", 0, "Not started"),
      info("test_öäü", "test_öäü", 20, "pid P, uptime U"),
      info("überlänge_überlänge_überlänge_ü", "überlänge_überlänge_überlänge_ü", 0, "Not started"),
      info("日本語", "日本語", 20, "pid P, uptime U"),
  });
  CHECK(lines == std::vector<std::string>{
                     "grüppe:ß                          STOPPED   Not started",
                     "test_öäü                          RUNNING   pid P, uptime U",
                     "überlänge_überlänge_überlänge_ü   STOPPED   Not started",
                     "日本語                               RUNNING   pid P, uptime U",
                 });
  proto::ConfigInfo c;
  c.group = c.name = "test_öäü";
  c.inuse = c.autostart = true;
  CHECK(formatAvailLine(c) == "test_öäü                         in use    auto      999:999");
  c.group = "grüppe";
  c.name = "ß";
  c.autostart = false;
  c.group_prio = 3;
  CHECK(formatAvailLine(c) == "grüppe:ß                         in use    manual    3:999");
  c.group = c.name = "überlänge_überlänge_überlänge_ü";
  c.group_prio = 999;
  CHECK(formatAvailLine(c) == "überlänge_überlänge_überlänge_ü  in use    manual    999:999");
  c.group = c.name = "日本語";
  c.autostart = true;
  c.group_prio = c.process_prio = 7;
  CHECK(formatAvailLine(c) == "日本語                              in use    auto      7:7");
}

TEST_CASE("reread lists changes sorted by group name") {
  // supervisorctl reread after removing [program:manual], changing sleeper, adding newone
  auto lines = formatChanges({"newone"}, {"sleeper"}, {"manual"});
  CHECK(lines ==
        std::vector<std::string>{"manual: disappeared", "newone: available", "sleeper: changed"});
  CHECK(formatChanges({}, {}, {}) == std::vector<std::string>{"No config updates to processes"});
}

TEST_CASE("help prints Supervisor's topic table") {
  // supervisorctl help
  CHECK(helpTable() == std::vector<std::string>{
                           "",
                           "default commands (type help <topic>):",
                           "=====================================",
                           "add    exit      open  reload  restart   start   tail   ",
                           "avail  fg        pid   remove  shutdown  status  update ",
                           "clear  maintail  quit  reread  signal    stop    version",
                           "",
                       });
}

TEST_CASE("help for each command is Supervisor's text, tabs included") {
  CHECK(helpLines("start") ==
        std::vector<std::string>{"start <name>\t\tStart a process",
                                 "start <gname>:*\t\tStart all processes in a group",
                                 "start <name> <name>\tStart multiple processes or groups",
                                 "start all\t\tStart all processes"});
  CHECK(helpLines("maintail").back().empty());  // help_maintail ends with "\n"
  CHECK(helpLines("reread") ==
        std::vector<std::string>{"reread \t\t\tReload the daemon's configuration files without "
                                 "add/remove"});
  CHECK(helpLines("fg") ==
        std::vector<std::string>{"fg <process>\tConnect to a process in foreground mode",
                                 "\t\tCtrl-C to exit"});
  for (const auto& cmd : documentedCommands()) CHECK_FALSE(helpLines(cmd).empty());
  CHECK(helpLines("EOF").empty());
}

TEST_CASE("columnize matches Python's cmd module for one and many words") {
  CHECK(columnize({"only"}, 79) == std::vector<std::string>{"only"});
  CHECK(columnize({"a", "b", "c"}, 79) == std::vector<std::string>{"a  b  c"});
  CHECK(columnize({"aaaa", "bbbb", "cccc"}, 10) == std::vector<std::string>{"aaaa  cccc", "bbbb"});
}
