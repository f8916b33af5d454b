// A program's log on a full disk, through a real supervisord: the daemon
// logs one error (not one per write), keeps draining the child's pipe so
// the child is never blocked, keeps the output in a bounded buffer, and
// writes it all out once there is room again. Needs root to mount a tiny
// tmpfs; skipped with a message otherwise.
#include <catch2/catch.hpp>
#include <sstream>
#include <string>

#include "tests/integration/daemon_harness.h"

using namespace sup::test;

namespace {

struct TinyTmpfs {
  std::string dir;
  bool mounted = false;
  explicit TinyTmpfs(std::string d) : dir(std::move(d)) {
    run("mkdir -p " + dir);
    mounted = run("mount -t tmpfs -o size=64k tmpfs " + dir).exit == 0;
  }
  bool grow() { return run("mount -o remount,size=16m " + dir).exit == 0; }
  // Lazy: the daemon may still hold the log open.
  ~TinyTmpfs() {
    if (mounted) run("umount -l " + dir);
  }
};

// A program that writes `lines` numbered 12-byte lines ("fill 000001") to
// stdout, logged into a 64 KB tmpfs, then exits 0.
struct FullDisk {
  DaemonHarness d;
  TinyTmpfs fs{d.path("small")};
  explicit FullDisk(int lines) {
    d.writeConfig(d.header() + "[program:app]\ncommand=seq -f \"fill %%06g\" 1 " +
                  std::to_string(lines) +
                  "\nstartsecs=0\nautorestart=false\n"
                  "stdout_logfile={dir}/small/app.log\nstdout_logfile_maxbytes=0\n");
  }
  // The daemon started and the child ran to its end although its log could
  // not take the output.
  bool childFinished(std::chrono::seconds timeout) {
    return d.start() && d.waitForLogLine("exited: app \\(exit status 0", timeout);
  }
};

}  // namespace

TEST_CASE("a full disk costs one error line, blocks no child, and loses no buffered output") {
  // 150000 lines of 12 bytes: 1.8 MB, far more than the 64 KB disk and the
  // pipe, less than the 4 MiB the daemon keeps per stream.
  FullDisk disk(150000);
  auto& [d, fs] = disk;
  if (!fs.mounted) {
    WARN("skipped: mounting a tmpfs is not permitted here (needs root)");
    return;
  }
  REQUIRE(disk.childFinished(20s));
  CHECK(d.countLogLines("'app' stdout log .* cannot be written: No space left on device") == 1);
  REQUIRE(fs.grow());
  REQUIRE(d.waitForLogLine("'app' stdout log .* writable again", 10s));
  CHECK(d.countLogLines("bytes of output were dropped") == 0);
  std::string text = readFile(d.path("small/app.log"));
  std::istringstream in(text);
  std::string line;
  int expected = 1;
  int bad = 0;
  while (std::getline(in, line)) {
    char want[32];
    std::snprintf(want, sizeof want, "fill %06d", expected++);
    if (line != want) ++bad;
  }
  CHECK(bad == 0);
  CHECK(expected - 1 == 150000);
}

TEST_CASE(
    "a disk that stays full drops the oldest output past 4 MiB, says how much, then resumes") {
  // 600000 lines of 12 bytes: 7.2 MB, more than the 4 MiB the daemon keeps.
  FullDisk disk(600000);
  auto& [d, fs] = disk;
  if (!fs.mounted) {
    WARN("skipped: mounting a tmpfs is not permitted here (needs root)");
    return;
  }
  REQUIRE(disk.childFinished(30s));
  CHECK(d.countLogLines("'app' stdout log .* cannot be written: No space left on device") == 1);
  REQUIRE(fs.grow());
  std::smatch m;
  REQUIRE(d.waitForLogLine(
      "'app' stdout log .* writable again; ([0-9]+) bytes of output were dropped", 10s, 0, &m));
  long long dropped = std::stoll(m[1]);
  std::string text = readFile(d.path("small/app.log"));
  // Every byte is either in the file or counted as dropped.
  CHECK(static_cast<long long>(text.size()) + dropped == 600000LL * 12);
  CHECK(dropped > 2'000'000);
  // The file holds the first lines, then (after the drop) the newest, in
  // order, ending with the last line the program wrote.
  CHECK(text.rfind("fill 000001\n", 0) == 0);
  CHECK(text.size() > 12);
  CHECK(text.substr(text.size() - 12) == "fill 600000\n");
  std::istringstream in(text);
  std::string line;
  int previous = 0;
  int out_of_order = 0;
  int malformed = 0;
  while (std::getline(in, line)) {
    if (line.size() != 11 || line.rfind("fill ", 0) != 0) {
      ++malformed;  // at most the seam where the disk filled mid-line
      continue;
    }
    int n = std::stoi(line.substr(5));
    if (n <= previous) ++out_of_order;
    previous = n;
  }
  CHECK(out_of_order == 0);
  CHECK(malformed <= 1);
}
