// supervisorctl with no command: the interactive `supervisor> ` shell, as
// Python's supervisorctl runs it. On a pipe it reads plain lines; on a
// terminal (a pseudo-terminal here) it edits lines with libedit, which
// shell.cc loads only then: tab completion and the history file prove the
// library was found and bound.
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <csignal>
#include <optional>
#include <regex>

#include "daemon_harness.h"

using namespace sup::test;

namespace {

std::string shellConfig(const DaemonHarness& d) {
  return d.header() +
         "[unix_http_server]\nfile={dir}/sv.sock\n"
         "[supervisorctl]\nserverurl=unix://{dir}/sv.sock\nhistory_file={dir}/history\n"
         "[program:web]\ncommand={helpers}/sleeper\nstartsecs=0\n";
}

// A supervisorctl whose stdin, stdout and stderr are a pseudo-terminal.
class PtyCtl {
 public:
  explicit PtyCtl(const std::string& config) {
    pid_ = ::forkpty(&master_, nullptr, nullptr, nullptr);
    if (pid_ == 0) {
      std::string bin = DaemonHarness::supervisorctlBin();
      ::execl(bin.c_str(), "supervisorctl", "-c", config.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::fcntl(master_, F_SETFL, O_NONBLOCK);
  }
  ~PtyCtl() {
    if (pid_ > 0 && !status_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    if (master_ >= 0) ::close(master_);
  }
  bool ok() const { return pid_ > 0 && master_ >= 0; }

  void type(const std::string& keys) {
    std::size_t done = 0;
    while (done < keys.size()) {
      ssize_t n = ::write(master_, keys.data() + done, keys.size() - done);
      if (n > 0) done += static_cast<std::size_t>(n);
    }
  }

  /// Everything the terminal showed so far.
  const std::string& screen() {
    char buf[4096];
    ssize_t n;
    while ((n = ::read(master_, buf, sizeof buf)) > 0) screen_.append(buf, static_cast<size_t>(n));
    return screen_;
  }

  bool waitShown(const std::string& text, std::size_t from = 0) {
    return waitFor([&] { return screen().find(text, from) != std::string::npos; });
  }

  std::optional<int> waitExit() {
    waitFor([&] {
      screen();  // keep the terminal drained so the shell never blocks writing
      int st = 0;
      if (::waitpid(pid_, &st, WNOHANG) == pid_) status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128;
      return status_.has_value();
    });
    return status_;
  }

 private:
  int master_ = -1;
  pid_t pid_ = -1;
  std::string screen_;
  std::optional<int> status_;
};

}  // namespace

TEST_CASE("supervisorctl without a command on a pipe runs a shell that shows status first") {
  DaemonHarness d;
  d.writeConfig(shellConfig(d));
  REQUIRE(d.start());
  REQUIRE(d.waitForLogLine("success: web entered RUNNING state"));
  auto r = run("printf 'version\\npid web\\n' | " + d.ctlCommand(""));
  CHECK(r.exit == 0);
  // The shell's first act is `status`, then one prompt per line read, and a
  // last prompt answered by end of input.
  CHECK(std::regex_search(r.out, std::regex("^web +RUNNING +pid \\d+, uptime ")));
  CHECK(r.out.find("supervisor> 4.2.5\n") != std::string::npos);
  std::smatch m;
  CHECK(std::regex_search(r.out, m, std::regex("supervisor> \\d+\\nsupervisor> \\n$")));
}

TEST_CASE("supervisorctl's shell on a terminal edits lines with libedit: completion and history") {
  DaemonHarness d;
  d.writeConfig(shellConfig(d));
  REQUIRE(d.start());
  REQUIRE(d.waitForLogLine("success: web entered RUNNING state"));
  PtyCtl ctl(d.configPath());
  REQUIRE(ctl.ok());
  REQUIRE(ctl.waitShown("supervisor> "));
  std::size_t after_prompt = ctl.screen().size();
  // "stat" + TAB completes to the only command that starts so, "status ";
  // libedit redraws the line with escape sequences, so look for the added
  // letters, and at the history below for the whole line.
  ctl.type("stat\t");
  REQUIRE(ctl.waitShown("us ", after_prompt));
  // Then a process name: "we" + TAB -> "web ".
  std::size_t after_command = ctl.screen().size();
  ctl.type("we\t");
  REQUIRE(ctl.waitShown("b ", after_command));
  ctl.type("\r");
  REQUIRE(ctl.waitShown("RUNNING", after_prompt));
  REQUIRE(ctl.waitShown("supervisor> ", after_prompt));
  ctl.type("quit\r");
  CHECK(ctl.waitExit() == 0);
  // libedit wrote the history file on the way out, with the completed line
  // (its format writes a space as "\040").
  std::string history = std::regex_replace(readFile(d.path("history")), std::regex("\\\\040"), " ");
  CHECK(history.find("\nstatus web") != std::string::npos);
}
