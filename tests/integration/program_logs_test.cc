// log_timestamps=, log_markers=, stdout_tee= / stderr_tee= (ours,
// docs/program-logs.md) through a real supervisord: stamps on every line of
// the file with one stamp for a line split across writes, a marker line at
// each start and exit, tees with the prefix while the file keeps the plain
// lines, and a tee target that never reads costs dropped tee lines (counted
// once in the main log) but never blocks the program nor loses the file's copy.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "tests/integration/daemon_harness.h"

using namespace sup::test;

namespace {

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) out.push_back(line);
  return out;
}

const std::regex kStamped(R"(^(\d{4}-\d\d-\d\dT\d\d:\d\d:(\d\d)\.(\d{3})[+-]\d\d:\d\d) (.*)$)");

// Milliseconds within the hour of a stamp's text (enough to order two
// stamps taken a second apart).
long stampMs(const std::string& stamp) {
  int mm = std::stoi(stamp.substr(14, 2)), ss = std::stoi(stamp.substr(17, 2));
  int ms = std::stoi(stamp.substr(20, 3));
  return (mm * 60L + ss) * 1000 + ms;
}

}  // namespace

TEST_CASE("log_timestamps stamps every line of the log file with milliseconds") {
  DaemonHarness d;
  d.writeConfig(d.header() +
                "[program:app]\ncommand=sh -c 'echo one; echo; echo two; printf par; sleep 1; "
                "echo tial; echo three'\nstartsecs=0\nautorestart=false\nlog_timestamps=true\n"
                "stdout_logfile={dir}/app.log\nstdout_logfile_maxbytes=0\n");
  REQUIRE(d.start());
  REQUIRE(d.waitForLogLine("exited: app \\(exit status 0", 10s));
  std::vector<std::string> got = lines(readFile(d.path("app.log")));
  REQUIRE(got.size() == 5);
  std::vector<std::string> text, stamps;
  for (const std::string& l : got) {
    std::smatch m;
    INFO(l);
    REQUIRE(std::regex_match(l, m, kStamped));
    stamps.push_back(m[1]);
    text.push_back(m[4]);
  }
  // The line written in two pieces a second apart has one stamp, taken when
  // its first piece arrived.
  CHECK(text == std::vector<std::string>{"one", "", "two", "partial", "three"});
  long split = stampMs(stamps[3]), after = stampMs(stamps[4]);
  if (after < split) after += 3600 * 1000;  // the hour turned
  CHECK(after - split >= 500);
}

TEST_CASE("log_markers writes a line at each start and exit in the stdout log") {
  DaemonHarness d;
  d.writeConfig(d.header() + DaemonHarness::ctlSections() +
                "[program:app]\ncommand=sh -c 'echo hello; printf unfinished; exit 3'\n"
                "startsecs=0\nautorestart=false\nlog_markers=true\n"
                "stdout_logfile={dir}/app.log\nstdout_logfile_maxbytes=0\n"
                "[program:sleepy]\ncommand={helpers}/sleeper\nstartsecs=0\nlog_markers=true\n"
                "log_timestamps=true\nstdout_logfile={dir}/sleepy.log\n");
  REQUIRE(d.start());
  std::smatch m;
  REQUIRE(d.waitForLogLine("spawned: 'app' with pid (\\d+)", 10s, 0, &m));
  std::string pid = m[1];
  REQUIRE(d.waitForLogLine("exited: app \\(exit status 3", 10s));
  CHECK(readFile(d.path("app.log")) ==
        "--- spawned pid " + pid + " ---\nhello\nunfinished\n--- exited, status 3 ---\n");

  REQUIRE(d.waitForLogLine("spawned: 'sleepy' with pid (\\d+)", 10s, 0, &m));
  std::string sleepy = m[1];
  REQUIRE(d.ctl("stop sleepy").exit == 0);
  REQUIRE(waitFor([&] { return lines(readFile(d.path("sleepy.log"))).size() >= 2; }));
  std::vector<std::string> got = lines(readFile(d.path("sleepy.log")));
  std::vector<std::string> text;
  for (const std::string& l : got) {
    std::smatch s;
    INFO(l);
    REQUIRE(std::regex_match(l, s, kStamped));
    text.push_back(s[4]);
  }
  // The markers are stamped too when log_timestamps is on.
  CHECK(text.front() == "--- spawned pid " + sleepy + " ---");
  CHECK(text.back() == "--- killed by SIGTERM ---");
}

TEST_CASE("a tee sends prefixed lines to a file and to the daemon's stdout") {
  DaemonHarness d;
  d.writeConfig(d.header() +
                "[program:app]\ncommand=sh -c 'echo alpha; echo beta >&2; printf gam; sleep 0.2; "
                "echo ma'\nstartsecs=0\nautorestart=false\n"
                "stdout_logfile={dir}/app.log\nstderr_logfile={dir}/app.err\n"
                "stdout_tee=/dev/stdout\nstderr_tee=%(here)s/err.tee\n"
                "[program:other]\ncommand=sh -c 'echo delta'\nstartsecs=0\nautorestart=false\n"
                "stdout_logfile=NONE\nstdout_tee=/dev/stdout\n"
                "tee_prefix=\"[%(program_name)s:%(process_num)d] \"\n");
  REQUIRE(d.start());
  REQUIRE(d.waitForLogLine("exited: app \\(exit status 0", 10s));
  REQUIRE(d.waitForLogLine("exited: other \\(exit status 0", 10s));
  // The files get the plain lines.
  CHECK(readFile(d.path("app.log")) == "alpha\ngamma\n");
  CHECK(readFile(d.path("app.err")) == "beta\n");
  CHECK(readFile(d.path("err.tee")) == "app | beta\n");
  std::string out = readFile(d.path("daemon.out"));
  INFO(out);
  // Whole lines: "gamma", written in two pieces, is one teed line (the
  // main log's own lines may come between alpha and gamma).
  CHECK(out.find("app | alpha\n") != std::string::npos);
  CHECK(out.find("app | gamma\n") != std::string::npos);
  CHECK(out.find("app | gam\n") == std::string::npos);
  CHECK(out.find("[other:0] delta\n") != std::string::npos);
}

TEST_CASE("a tee target that never reads blocks nothing and loses nothing from the file") {
  DaemonHarness d;
  std::string fifo = d.path("stuck.fifo");
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  // A reader that never reads: the FIFO stays open and fills up.
  int hold = ::open(fifo.c_str(), O_RDWR | O_CLOEXEC);
  REQUIRE(hold >= 0);
  // 30,000 lines of 101 bytes: 3 MB, far past the FIFO's 64 KiB and the
  // tee's 256 KiB buffer.
  d.writeConfig(d.header() + DaemonHarness::ctlSections() +
                "[program:app]\ncommand=seq -f \"line %%06g " + std::string(89, 'x') +
                "\" 1 30000\nstartsecs=0\nautorestart=false\n"
                "stdout_logfile={dir}/app.log\nstdout_logfile_maxbytes=0\n"
                "stdout_tee={dir}/stuck.fifo\n");
  REQUIRE(d.start());
  REQUIRE(d.waitForLogLine("exited: app \\(exit status 0", 20s));
  std::smatch m;
  REQUIRE(d.waitForLogLine("WARN 'app' stdout_tee .*stuck.fifo: (\\d+) lines dropped", 5s, 0, &m));
  long dropped = std::stol(m[1]);
  CHECK(dropped > 20000);
  CHECK(dropped < 30000);
  // The log file has every line, plain.
  std::vector<std::string> got = lines(readFile(d.path("app.log")));
  REQUIRE(got.size() == 30000);
  CHECK(got.front() == "line 000001 " + std::string(89, 'x'));
  CHECK(got.back() == "line 030000 " + std::string(89, 'x'));
  // The daemon still answers, and the drops were reported once.
  CHECK(d.ctl("status app").out.find("EXITED") != std::string::npos);
  CHECK(d.countLogLines("lines dropped") == 1);
  // What the FIFO holds are whole prefixed lines.
  char buf[200];
  ssize_t n = ::read(hold, buf, sizeof buf);
  REQUIRE(n > 30);
  CHECK(std::string(buf, 19) == "app | line 000001 x");
  ::close(hold);
}

TEST_CASE("a line begun before a reexec keeps one stamp and reaches the tee whole") {
  DaemonHarness d;
  REQUIRE(::mkfifo(d.path("go").c_str(), 0600) == 0);
  d.writeConfig(d.header() + DaemonHarness::ctlSections() +
                "[program:app]\ncommand=sh -c 'printf par; read x < {dir}/go; echo tial'\n"
                "startsecs=0\nautorestart=false\nlog_timestamps=true\n"
                "stdout_logfile={dir}/app.log\nstdout_tee={dir}/app.tee\n");
  REQUIRE(d.start());
  REQUIRE(waitFor([&] { return readFile(d.path("app.log")).find("par") != std::string::npos; }));
  RunResult r = d.ctl("reexec");
  INFO(r.out << r.err);
  REQUIRE(r.exit == 0);
  // The program goes on once the new image runs.
  int go = ::open(d.path("go").c_str(), O_WRONLY | O_CLOEXEC);
  REQUIRE(go >= 0);
  REQUIRE(::write(go, "\n", 1) == 1);
  ::close(go);
  REQUIRE(d.waitForLogLine("exited: app \\(exit status 0", 10s));
  std::vector<std::string> got = lines(readFile(d.path("app.log")));
  REQUIRE(got.size() == 1);
  std::smatch m;
  REQUIRE(std::regex_match(got[0], m, kStamped));
  CHECK(m[4] == "partial");
  CHECK(readFile(d.path("app.tee")) == "app | partial\n");
}
