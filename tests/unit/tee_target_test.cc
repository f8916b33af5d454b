// stdout_tee's target (tee_target.h) on real fds: a pipe nobody reads fills
// without blocking, the lines past the queue are dropped whole and counted,
// the queue drains when the reader comes back, /dev/fd/N of a pipe is a new
// open file description (the daemon's own fd keeps its flags), and one
// path is one shared target.
#include "supervisord/tee_target.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <string>

#include "supervisord/event_loop.h"
#include "supervisord/main_log.h"

using namespace sup;

TEST_CASE("a tee to a pipe nobody reads never blocks and drops whole lines", "[tee]") {
  EventLoop loop;
  MainLog log;
  int p[2];
  REQUIRE(::pipe2(p, O_CLOEXEC) == 0);
  TeeTargets tees;
  std::string path = "/dev/fd/" + std::to_string(p[1]);
  std::string error;
  auto tee = tees.get(loop, log, path, &error);
  REQUIRE(tee);
  CHECK(tees.get(loop, log, path, &error) == tee);  // one target per path
  // Our end of the pipe is as it was: O_NONBLOCK is the tee's own.
  CHECK((::fcntl(p[1], F_GETFL) & O_NONBLOCK) == 0);
  const std::string line(99, 'x');
  int taken = 0, dropped = 0;
  for (int i = 0; i < 20000; ++i) {  // 2 MB: the pipe (64 KiB) and the queue (256 KiB) fill
    if (tee->push("p ", line)) {
      ++taken;
    } else {
      ++dropped;
    }
    if (i % 100 == 0) tee->flush();
  }
  tee->flush();
  CHECK(dropped > 0);
  CHECK(taken > 2000);
  CHECK_FALSE(tee->failed());
  // The reader comes back: everything queued arrives, as whole lines.
  std::string got;
  char buf[65536];
  for (int turns = 0; turns < 1000 && got.size() < static_cast<size_t>(taken) * 102; ++turns) {
    ssize_t n = ::read(p[0], buf, sizeof buf);
    if (n > 0) got.append(buf, static_cast<size_t>(n));
    loop.poll();  // EPOLLOUT: the target writes the rest of its queue
  }
  CHECK(got.size() == static_cast<size_t>(taken) * 102);
  CHECK(got.substr(0, 4) == "p xx");
  CHECK(got.back() == '\n');
  ::close(p[0]);
  ::close(p[1]);
}

TEST_CASE("a tee whose reader is gone fails once and drops what follows", "[tee]") {
  EventLoop loop;
  MainLog log;
  int p[2];
  REQUIRE(::pipe2(p, O_CLOEXEC) == 0);
  TeeTargets tees;
  std::string error;
  auto tee = tees.get(loop, log, "/dev/fd/" + std::to_string(p[1]), &error);
  REQUIRE(tee);
  ::close(p[0]);
  ::signal(SIGPIPE, SIG_IGN);  // as the daemon does (signals.cc)
  CHECK(tee->push("", "one"));
  tee->flush();  // EPIPE
  CHECK(tee->failed());
  CHECK_FALSE(tee->push("", "two"));
  // The next get() opens the path again.
  auto again = tees.get(loop, log, "/dev/fd/" + std::to_string(p[1]), &error);
  CHECK(again != tee);
  ::close(p[1]);
}

TEST_CASE("a tee target that cannot be opened says why", "[tee]") {
  EventLoop loop;
  MainLog log;
  TeeTargets tees;
  std::string error;
  CHECK_FALSE(tees.get(loop, log, "/nonexistent-dir/x.tee", &error));
  CHECK(error == "No such file or directory");
}
