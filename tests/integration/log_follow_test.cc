// supervisorctl tail -f against a private supervisord: the daemon streams
// the backlog and then each chunk as it writes it (no polling), across a
// rotation (==> File truncated <==) without losing a line, and ends with
// an eof notification when the followed process's group is removed.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <regex>
#include <string>

#include "tests/integration/daemon_harness.h"

using namespace sup::test;

namespace {

// A command whose stdout we read as it comes, killed when done.
class Streaming {
 public:
  explicit Streaming(const std::string& cmd) {
    int fds[2];
    if (::pipe(fds) != 0) return;
    pid_ = ::fork();
    if (pid_ == 0) {
      ::setpgid(0, 0);
      ::dup2(fds[1], 1);
      int devnull = ::open("/dev/null", O_RDWR);
      ::dup2(devnull, 0);
      ::close(fds[0]);
      ::execl("/bin/sh", "sh", "-c", ("exec " + cmd).c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(fds[1]);
    fd_ = fds[0];
  }
  ~Streaming() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    if (fd_ >= 0) ::close(fd_);
  }
  /// Read until `pred(output so far)` holds or the deadline passes.
  bool readUntil(const std::function<bool(const std::string&)>& pred,
                 std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!pred(out_)) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0 || fd_ < 0) return false;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      char buf[4096];
      ssize_t n = ::read(fd_, buf, sizeof buf);
      if (n <= 0) return pred(out_);
      out_.append(buf, static_cast<size_t>(n));
    }
    return true;
  }
  const std::string& out() const { return out_; }
  /// Wait for the command to exit by itself; its exit status, or -1 if it
  /// is still running at the deadline.
  int waitExit(std::chrono::milliseconds timeout) {
    int status = 0;
    if (!waitFor([&] { return ::waitpid(pid_, &status, WNOHANG) == pid_; }, timeout)) return -1;
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

 private:
  pid_t pid_ = -1;
  int fd_ = -1;
  std::string out_;
};

}  // namespace

TEST_CASE("supervisorctl tail -f streams new lines and follows the log across a rotation") {
  DaemonHarness d;
  d.writeConfig(d.header() + DaemonHarness::ctlSections() +
                "[program:talk]\ncommand=/bin/sh -c \"i=0; while :; do i=$((i+1)); "
                "echo tick $i; sleep 0.01; done\"\nstartsecs=0\n"
                "stdout_logfile={dir}/talk.log\nstdout_logfile_maxbytes=2KB\n"
                "stdout_logfile_backups=3\n");
  REQUIRE(d.start());
  REQUIRE(
      waitFor([&] { return readFile(d.path("talk.log")).find("tick 3\n") != std::string::npos; }));
  Streaming tail(d.ctlCommand("tail -f talk"));
  const std::string marker = "==> File truncated <==";
  // Lines arrive, then a rotation, then more lines after it.
  bool ok = tail.readUntil(
      [&](const std::string& out) {
        auto at = out.find(marker);
        return at != std::string::npos &&
               std::regex_search(out.substr(at), std::regex("tick [0-9]+\n(.|\n)*tick [0-9]+\n"));
      },
      15s);
  INFO(tail.out());
  REQUIRE(ok);
  // Every tick after the first whole line is the previous one plus one: the
  // stream lost nothing at the rotation.
  std::string text = tail.out();
  std::regex tick("tick ([0-9]+)\n");
  int previous = -1;
  int gaps = 0;
  int count = 0;
  size_t first_nl = text.find('\n');
  for (auto it = std::sregex_iterator(text.begin() + first_nl + 1, text.end(), tick);
       it != std::sregex_iterator(); ++it) {
    int n = std::stoi((*it)[1]);
    if (previous >= 0 && n != previous + 1) ++gaps;
    previous = n;
    ++count;
  }
  CHECK(count > 10);
  CHECK(gaps == 0);
}

TEST_CASE("supervisorctl maintail -f streams main log lines as the daemon writes them") {
  DaemonHarness d;
  d.writeConfig(d.header() + DaemonHarness::ctlSections() +
                "[program:idle]\ncommand={helpers}/sleeper\nstartsecs=0\nautostart=false\n");
  REQUIRE(d.start());
  Streaming tail(d.ctlCommand("maintail -f"));
  REQUIRE(tail.readUntil(
      [](const std::string& out) { return out.find("supervisord started") != std::string::npos; },
      10s));
  REQUIRE(d.ctl("start idle").exit == 0);
  CHECK(tail.readUntil(
      [](const std::string& out) { return out.find("spawned: 'idle'") != std::string::npos; },
      10s));
}

TEST_CASE("supervisorctl tail -f exits 0 when the followed process's group is removed") {
  DaemonHarness d;
  d.writeConfig(d.header() + DaemonHarness::ctlSections() +
                "[program:talk]\ncommand={helpers}/chatty 0 20\nstartsecs=0\n"
                "stdout_logfile={dir}/talk.log\n"
                "[program:other]\ncommand={helpers}/chatty 0 20\nstartsecs=0\n"
                "stdout_logfile={dir}/other.log\n");
  REQUIRE(d.start());
  Streaming tail(d.ctlCommand("tail -f talk"));
  Streaming other(d.ctlCommand("tail -f other"));
  REQUIRE(tail.readUntil(
      [](const std::string& out) { return out.find("line 2\n") != std::string::npos; }, 10s));
  REQUIRE(other.readUntil(
      [](const std::string& out) { return out.find("line 2\n") != std::string::npos; }, 10s));
  REQUIRE(d.ctl("stop talk").exit == 0);
  auto removed = d.ctl("remove talk");
  CHECK(removed.out == "talk: removed process group\n");
  // The stream ends: supervisorctl sees the eof, prints nothing more and exits 0.
  tail.readUntil([](const std::string&) { return false; }, 10s);  // returns at EOF
  CHECK(tail.waitExit(10s) == 0);
  std::string text = tail.out();
  CHECK(text.rfind("==> Press Ctrl-C to exit <==\n", 0) == 0);
  CHECK(text.back() == '\n');
  // Following another process is not affected.
  size_t seen = other.out().size();
  CHECK(other.readUntil([&](const std::string& out) { return out.size() > seen + 20; }, 10s));
  CHECK(other.waitExit(100ms) == -1);
}
