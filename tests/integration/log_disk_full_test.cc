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

}  // namespace

TEST_CASE("a full disk costs one error line, blocks no child, and loses no buffered output") {
  DaemonHarness d;
  // 150000 lines of 12 bytes: 1.8 MB, far more than the 64 KB disk and the
  // pipe, less than the 4 MiB the daemon keeps per stream.
  d.writeConfig(d.header() +
                "[program:app]\ncommand=seq -f \"fill %%06g\" 1 150000\n"
                "startsecs=0\nautorestart=false\n"
                "stdout_logfile={dir}/small/app.log\nstdout_logfile_maxbytes=0\n");
  TinyTmpfs fs(d.path("small"));
  if (!fs.mounted) {
    WARN("skipped: mounting a tmpfs is not permitted here (needs root)");
    return;
  }
  REQUIRE(d.start());
  // The child ran to its end although the log could not take its output.
  REQUIRE(d.waitForLogLine("exited: app \\(exit status 0", 20s));
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
