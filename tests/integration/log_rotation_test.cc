// Program logs under rotation, through a real supervisord: a program writes
// numbered lines at full speed into a small maxbytes; every line arrives
// exactly once, in order, and no rotated file ends mid-line. Also the
// non-seekable target (stdout_logfile=/dev/stdout with maxbytes, the Docker
// case): written through, never rotated, no error.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "tests/integration/daemon_harness.h"

using namespace sup::test;

namespace {

// Lines "line 00000001 abc...xyz" (41 bytes): long enough that pipe reads
// end mid-line.
const char* const kLineFormat = "line %%08g abcdefghijklmnopqrstuvwxyz";

std::string program(const std::string& name, const std::string& extra, int lines = 100000) {
  return "[program:" + name + "]\ncommand=seq -f \"" + kLineFormat + "\" 1 " +
         std::to_string(lines) + "\nstartsecs=0\nautorestart=false\n" + extra;
}

// The rotated files of `base` oldest first, then `base` itself, joined;
// each rotated file must hold whole lines and at most `limit` bytes.
std::string joinRotated(DaemonHarness& d, const std::string& base, int backups, size_t limit,
                        int* count) {
  std::string joined;
  *count = 0;
  for (int i = backups; i >= 1; --i) {
    std::string backup = d.path(base + "." + std::to_string(i));
    struct stat st {};
    if (::stat(backup.c_str(), &st) != 0) continue;
    ++*count;
    std::string text = readFile(backup);
    INFO(backup);
    CHECK(!text.empty());
    CHECK(text.back() == '\n');
    CHECK(text.size() <= limit);
    joined += text;
  }
  return joined + readFile(d.path(base));
}

// Checks that `text` is exactly lines 1..n of the format, in order.
void checkNumberedLines(const std::string& text, int n) {
  std::istringstream in(text);
  std::string line;
  int expected = 1;
  int bad = 0;
  while (std::getline(in, line)) {
    char want[64];
    std::snprintf(want, sizeof want, "line %08d abcdefghijklmnopqrstuvwxyz", expected);
    if (line != want && ++bad <= 3) {
      UNSCOPED_INFO("line " << expected << " is '" << line << "'");
    }
    ++expected;
  }
  CHECK(bad == 0);
  CHECK(expected - 1 == n);
  CHECK((text.empty() || text.back() == '\n'));
}

}  // namespace

TEST_CASE("rotation under a full-speed writer loses, duplicates and tears no line") {
  DaemonHarness d;
  d.writeConfig(d.header() + program("count",
                                     "stdout_logfile={dir}/count.log\n"
                                     "stdout_logfile_maxbytes=64KB\n"
                                     "stdout_logfile_backups=100\n"));
  REQUIRE(d.start());
  REQUIRE(d.waitForLogLine("exited: count \\(exit status 0", 30s));
  std::string joined;
  int backups = 0;
  for (int i = 100; i >= 1; --i) {
    std::string backup = d.path("count.log." + std::to_string(i));
    struct stat st {};
    if (::stat(backup.c_str(), &st) != 0) continue;
    ++backups;
    std::string text = readFile(backup);
    INFO(backup);
    CHECK(!text.empty());
    CHECK(text.back() == '\n');
    // A rotated file holds whole lines only.
    CHECK(text.size() <= 64 * 1024 + 42);  // maxbytes, plus the end of a line begun below it
    joined += text;
  }
  CHECK(backups >= 60);  // 4.1 MB in 64 KB files
  joined += readFile(d.path("count.log"));
  checkNumberedLines(joined, 100000);
}

TEST_CASE("rotation far above one pipe read (splice, then boundary reads) keeps every line whole") {
  // 16 MB of output into 1 MB files: spliced pipe -> file up to one read
  // short of maxbytes, then read, cut after a newline, rotated.
  DaemonHarness d;
  d.writeConfig(d.header() + program("big",
                                     "stdout_logfile={dir}/big.log\n"
                                     "stdout_logfile_maxbytes=1MB\n"
                                     "stdout_logfile_backups=40\n",
                                     400000));
  REQUIRE(d.start());
  REQUIRE(d.waitForLogLine("exited: big \\(exit status 0", 60s));
  int backups = 0;
  std::string joined = joinRotated(d, "big.log", 40, 1024 * 1024 + 42, &backups);
  CHECK(backups >= 14);
  checkNumberedLines(joined, 400000);
}

TEST_CASE("stdout_logfile=/dev/stdout with maxbytes writes through without rotating") {
  DaemonHarness d;
  d.writeConfig(d.header() + program("dev",
                                     "stdout_logfile=/dev/stdout\n"
                                     "stdout_logfile_maxbytes=1KB\n"
                                     "stdout_logfile_backups=3\n"));
  // -s: the daemon does not echo its own log to stdout, so daemon.out holds
  // only the program's output.
  REQUIRE(d.start({"-s"}));
  REQUIRE(d.waitForLogLine("exited: dev \\(exit status 0", 30s));
  checkNumberedLines(readFile(d.path("daemon.out")), 100000);
  struct stat st {};
  CHECK(::lstat("/dev/stdout.1", &st) != 0);
  CHECK(::lstat("/dev/stdout", &st) == 0);
  CHECK(d.countLogLines("(ERRO|WARN)") == 0);
}

TEST_CASE("stdout_logfile on a pipe with maxbytes writes through without rotating") {
  DaemonHarness d;
  REQUIRE(::mkfifo(d.path("fifo").c_str(), 0600) == 0);
  d.writeConfig(d.header() + program("piped",
                                     "stdout_logfile={dir}/fifo\n"
                                     "stdout_logfile_maxbytes=1KB\n"
                                     "stdout_logfile_backups=3\n"));
  // A reader that holds the FIFO open for the whole run (cat exits at EOF,
  // when the daemon closes its end at shutdown).
  std::string cmd =
      "cat " + d.path("fifo") + " > " + d.path("fifo.out") + " 2>/dev/null </dev/null &";
  REQUIRE(run(cmd).exit == 0);
  REQUIRE(d.start());
  REQUIRE(d.waitForLogLine("exited: piped \\(exit status 0", 30s));
  REQUIRE(waitFor([&] { return readFile(d.path("fifo.out")).size() >= 100000 * 41; }, 20s));
  checkNumberedLines(readFile(d.path("fifo.out")), 100000);
  struct stat st {};
  CHECK(::stat(d.path("fifo.1").c_str(), &st) != 0);
  CHECK(d.countLogLines("(ERRO|WARN)") == 0);
}
