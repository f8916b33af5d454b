// supervisorctl logrotate (ours, beyond Supervisor) against a private
// supervisord: rotates a process's logs now, a group's with "g:*", every
// process's with "all", and the main log with "supervisord", printing one
// line per process in the style of clear, with clear's exit codes.
#include <catch2/catch.hpp>
#include <string>

#include "tests/integration/daemon_harness.h"

using namespace sup::test;

namespace {

struct RotateSetup {
  DaemonHarness d;
  RotateSetup() {
    d.writeConfig(d.header() + DaemonHarness::ctlSections() +
                  "[program:app]\ncommand={helpers}/chatty 3 0\nstartsecs=0\npriority=1\n"
                  "stdout_logfile={dir}/app.log\nstdout_logfile_maxbytes=1MB\n"
                  "stdout_logfile_backups=3\nstderr_logfile={dir}/app.err\n"
                  "[program:w]\ncommand={helpers}/chatty 2 0\nstartsecs=0\nnumprocs=2\n"
                  "process_name=%(program_name)s_%(process_num)d\npriority=2\n"
                  "stdout_logfile={dir}/%(process_num)d.log\n");
  }
  RunResult ctl(const std::string& args) { return d.ctl(args); }
  bool ready() {
    return d.start() && waitFor([&] {
             return readFile(d.path("app.log")) == "line 1\nline 2\nline 3\n" &&
                    readFile(d.path("0.log")) == "line 1\nline 2\n" &&
                    readFile(d.path("1.log")) == "line 1\nline 2\n";
           });
  }
};

}  // namespace

TEST_CASE("supervisorctl logrotate NAME moves the process's log to .1 and starts it empty") {
  RotateSetup s;
  REQUIRE(s.ready());
  auto r = s.ctl("logrotate app");
  CHECK(r.out == "app: rotated\n");
  CHECK(r.exit == 0);
  CHECK(readFile(s.d.path("app.log.1")) == "line 1\nline 2\nline 3\n");
  CHECK(readFile(s.d.path("app.log")).empty());
  // stderr was empty: nothing to rotate, no empty backup pushed in.
  CHECK(readFile(s.d.path("app.err.1")).empty());
  CHECK(s.d.countLogLines("rotateProcessLogs app") == 1);
  // Again: the log is now empty, so the backup stays as it is.
  r = s.ctl("logrotate app");
  CHECK(r.out == "app: rotated\n");
  CHECK(readFile(s.d.path("app.log.1")) == "line 1\nline 2\nline 3\n");
  CHECK(readFile(s.d.path("app.log.2")).empty());
}

TEST_CASE("supervisorctl logrotate takes groups, all and the main log, one line each") {
  RotateSetup s;
  REQUIRE(s.ready());
  auto r = s.ctl("logrotate w:*");
  CHECK(r.out == "w:w_0: rotated\nw:w_1: rotated\n");
  CHECK(r.exit == 0);
  CHECK(readFile(s.d.path("0.log.1")) == "line 1\nline 2\n");
  CHECK(readFile(s.d.path("1.log.1")) == "line 1\nline 2\n");

  r = s.ctl("logrotate all");
  CHECK(r.out == "app: rotated\nw:w_0: rotated\nw:w_1: rotated\n");
  CHECK(r.exit == 0);
  CHECK(readFile(s.d.path("app.log.1")) == "line 1\nline 2\nline 3\n");

  r = s.ctl("logrotate supervisord");
  CHECK(r.out == "supervisord: rotated\n");
  CHECK(r.exit == 0);
  CHECK(readFile(s.d.path("supervisord.log.1")).find("supervisord started with pid") !=
        std::string::npos);
  // The daemon goes on logging into the new file.
  REQUIRE(s.ctl("logrotate app").exit == 0);
  CHECK(waitFor([&] {
    return readFile(s.d.path("supervisord.log")).find("rotateProcessLogs app") != std::string::npos;
  }));
}

TEST_CASE("supervisorctl logrotate reports unknown names and exits 1") {
  RotateSetup s;
  REQUIRE(s.ready());
  auto r = s.ctl("logrotate nope app");
  CHECK(r.out == "nope: ERROR (no such process)\napp: rotated\n");
  CHECK(r.exit == 1);
  r = s.ctl("logrotate nope:*");
  CHECK(r.out == "nope: ERROR (no such group)\n");
  CHECK(r.exit == 1);
  r = s.ctl("logrotate");
  CHECK(r.out.rfind("Error: logrotate requires a process name\nlogrotate <name>", 0) == 0);
  CHECK(r.exit == 1);
}
