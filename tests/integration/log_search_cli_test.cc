// supervisorctl find and grep against a private supervisord: the daemon's
// supervisor.getLogFiles names each stream's current file and backups
// count, so the files a small maxbytes rotated out are found and searched.
#include <catch2/catch.hpp>
#include <string>

#include "tests/integration/daemon_harness.h"

using namespace sup::test;

namespace {

struct SearchSetup {
  DaemonHarness d;
  SearchSetup() {
    // 2000 lines "entry N" (~23 KB) into 4 KB files with 10 backups: the
    // current file plus .1 .. .5 or so. stderr has its own file.
    d.writeConfig(d.header() + DaemonHarness::ctlSections() +
                  "[program:app]\ncommand=seq -f \"entry %%g\" 1 2000\n"
                  "startsecs=0\nautorestart=false\n"
                  "stdout_logfile={dir}/app.log\nstdout_logfile_maxbytes=4KB\n"
                  "stdout_logfile_backups=10\n"
                  "stderr_logfile={dir}/app.err\n"
                  "[program:other]\ncommand={helpers}/sleeper\nstartsecs=0\n"
                  "stdout_logfile={dir}/other.log\n");
  }
  RunResult ctl(const std::string& args) { return d.ctl(args); }
  bool ready() { return d.start() && d.waitForLogLine("exited: app \\(exit status 0", 15s); }
};

}  // namespace

TEST_CASE("supervisorctl find lists a process's current log and its rotated copies") {
  SearchSetup s;
  REQUIRE(s.ready());
  auto r = s.ctl("find app");
  INFO(r.out << r.err);
  CHECK(r.exit == 0);
  CHECK(r.out.find(s.d.path("app.log.1") + "\n") != std::string::npos);
  CHECK(r.out.find(s.d.path("app.log.4") + "\n") != std::string::npos);
  CHECK(r.out.find(s.d.path("app.log") + "\n") != std::string::npos);
  CHECK(r.out.find(s.d.path("other.log")) == std::string::npos);
  // Oldest backup first, the current file last.
  CHECK(r.out.find(s.d.path("app.log.4")) < r.out.find(s.d.path("app.log.1")));
  CHECK(r.out.find(s.d.path("app.log.1")) < r.out.find(s.d.path("app.log") + "\n"));
}

TEST_CASE("supervisorctl grep finds lines in rotated and current files with exit 0") {
  SearchSetup s;
  REQUIRE(s.ready());
  auto r = s.ctl("grep 'entry 7$' all");
  INFO(r.out << r.err);
  CHECK(r.exit == 0);
  CHECK(r.out.find("entry 7\n") != std::string::npos);
  r = s.ctl("grep 'entry 2000$' app");
  CHECK(r.exit == 0);
  CHECK(r.out.find("entry 2000\n") != std::string::npos);
}

TEST_CASE("supervisorctl grep exits 1 when nothing matches and 2 on a bad option") {
  SearchSetup s;
  REQUIRE(s.ready());
  auto r = s.ctl("grep no-such-text-anywhere all");
  CHECK(r.exit == 1);
  CHECK(r.out.empty());
  r = s.ctl("grep --no-such-option entry all");
  CHECK(r.exit == 2);
}

TEST_CASE("supervisor.getLogFiles lists both streams of each process and the main log") {
  SearchSetup s;
  REQUIRE(s.ready());
  auto r = s.ctl("find --json");
  INFO(r.out << r.err);
  CHECK(r.exit == 0);
  CHECK(r.out.find("\"path\":\"" + s.d.path("app.err") + "\"") != std::string::npos);
  CHECK(r.out.find("\"path\":\"" + s.d.path("other.log") + "\"") != std::string::npos);
  // The main log is not a program's: find leaves it out.
  CHECK(r.out.find(s.d.logPath()) == std::string::npos);
}
