// pidproxy end to end: real processes, signals and pidfiles. Each behaviour
// was first observed on Python Supervisor 4.2.5's /usr/bin/pidproxy (same
// arguments, same files); the texts are its texts. Python's notices its
// child's exit on a 5-second poll, ours at once, so nothing here depends on
// timing beyond the deadlines.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <csignal>
#include <fstream>
#include <sstream>

#include "daemon_harness.h"

using namespace sup::test;

namespace {

std::string pidproxyBin() {
  return std::string(SUP_BIN_DIR) + "/pidproxy";
}

// pidproxy started in the background, its stdout and stderr in files.
struct Proxy {
  pid_t pid = -1;
  std::string out, err;
  std::optional<int> status;

  Proxy(const DaemonHarness& d, const std::vector<std::string>& args)
      : out(d.path("proxy.out")), err(d.path("proxy.err")) {
    std::vector<std::string> argv{pidproxyBin()};
    argv.insert(argv.end(), args.begin(), args.end());
    pid = ::fork();
    if (pid == 0) {
      ::dup2(::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644), 1);
      ::dup2(::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644), 2);
      std::vector<char*> raw;
      for (auto& a : argv) raw.push_back(a.data());
      raw.push_back(nullptr);
      ::execv(raw[0], raw.data());
      ::_exit(127);
    }
  }
  ~Proxy() {
    if (!exited()) {
      if (int c = child(); c > 0) ::kill(c, SIGKILL);
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
  }
  bool exited() {
    if (status) return true;
    int st = 0;
    if (::waitpid(pid, &st, WNOHANG) != pid) return false;
    status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    return true;
  }
  // The pid of pidproxy's (only) child, from /proc.
  int child() const {
    std::vector<int> children = childrenOf(pid);
    return children.empty() ? -1 : children.front();
  }
};

int readPid(const std::string& path) {
  std::istringstream in(readFile(path));
  int pid = -1;
  in >> pid;
  return pid;
}

}  // namespace

TEST_CASE("pidproxy without a pidfile and a command prints Supervisor's usage and exits 1") {
  for (const std::string args : {"", " only-a-pidfile"}) {
    RunResult r = run(pidproxyBin() + args);
    CHECK(r.exit == 1);
    CHECK(r.err.empty());
    CHECK(r.out ==
          "pidproxy -- run command and proxy signals to it via its pidfile.\n\n"
          "This executable runs a command and then monitors a pidfile.  When this\n"
          "executable receives a signal, it sends the same signal to the pid\n"
          "in the pidfile.\n\n"
          "Usage: " +
              pidproxyBin() + " <pidfile name> <command> [<cmdarg1> ...]\n\n");
  }
}

TEST_CASE("pidproxy runs its command with and without arguments and exits 0 with it") {
  // Supervisor's test_issue_1418_pidproxy_cmd_with_no_args / _with_args.
  RunResult none = run(pidproxyBin() + " nonexistent-pidfile /bin/echo");
  CHECK(none.exit == 0);
  CHECK(none.out == "\n");
  RunResult two = run(pidproxyBin() + " nonexistent-pidfile /bin/echo 1 2");
  CHECK(two.exit == 0);
  CHECK(two.out == "1 2\n");
}

TEST_CASE("pidproxy runs the command path as given, relative to its cwd, never from PATH") {
  DaemonHarness d;
  // "echo" is not ./echo: exec fails in the child, silently, and pidproxy
  // exits 0 as Python's does.
  RunResult r = run("cd " + d.dir() + " && " + pidproxyBin() + " x.pid echo hello");
  CHECK(r.exit == 0);
  CHECK(r.out.empty());
  CHECK(r.err.empty());
}

TEST_CASE("pidproxy passes HUP to the pid in the pidfile and keeps running") {
  DaemonHarness d;
  std::string pidfile = d.path("d.pid");
  Proxy p(d, {pidfile, DaemonHarness::helper("double_fork"), pidfile});
  REQUIRE(waitFor([&] { return readPid(pidfile) > 0; }));
  int daemon = readPid(pidfile);
  REQUIRE(processAlive(daemon));
  ::kill(p.pid, SIGHUP);
  CHECK(waitFor([&] { return !processAlive(daemon); }));
  CHECK_FALSE(p.exited());
  // TERM ends pidproxy with status 0 once passed on; the launcher it points
  // at now ignores TERM and is killed here.
  int launcher = p.child();
  REQUIRE(launcher > 0);
  std::ofstream(pidfile) << launcher << "\n";
  ::kill(p.pid, SIGTERM);
  CHECK(waitFor([&] { return p.exited(); }));
  CHECK(p.status == 0);
  CHECK(processAlive(launcher));
  ::kill(launcher, SIGKILL);
}

TEST_CASE("pidproxy reports an unreadable pidfile with Supervisor's line and goes on") {
  DaemonHarness d;
  std::string pidfile = d.path("bad.pid");
  std::ofstream(pidfile) << "abc\n";
  Proxy p(d, {pidfile, DaemonHarness::helper("sleeper")});
  REQUIRE(waitFor([&] { return p.child() > 0; }));
  int child = p.child();
  ::kill(p.pid, SIGTERM);
  // (proxy.out also holds the sleeper's own "sleeper <pid>" line.)
  const std::string line = "Can't read child pidfile " + pidfile + "!\n";
  CHECK(waitFor([&] { return readFile(p.out).find(line) != std::string::npos; }));
  CHECK_FALSE(p.exited());
  CHECK(processAlive(child));
  // Its child ends: pidproxy follows with status 0.
  ::kill(child, SIGKILL);
  CHECK(waitFor([&] { return p.exited(); }));
  CHECK(p.status == 0);
}

TEST_CASE("pidproxy exits 1 with Python's error line when the pid in the pidfile is gone") {
  DaemonHarness d;
  std::string pidfile = d.path("gone.pid");
  pid_t gone = ::fork();
  if (gone == 0) ::_exit(0);
  ::waitpid(gone, nullptr, 0);
  std::ofstream(pidfile) << gone << "\n";
  Proxy p(d, {pidfile, DaemonHarness::helper("sleeper")});
  REQUIRE(waitFor([&] { return p.child() > 0; }));
  int child = p.child();
  ::kill(p.pid, SIGUSR1);
  CHECK(waitFor([&] { return p.exited(); }));
  CHECK(p.status == 1);
  CHECK(readFile(p.err) == "ProcessLookupError: [Errno 3] No such process\n");
  ::kill(child, SIGKILL);
}

TEST_CASE("under supervisord, stopping a pidproxy program stops the daemon it proxies") {
  DaemonHarness d;
  d.writeConfig(d.header() + DaemonHarness::ctlSections() +
                "[program:proxied]\ncommand=" + pidproxyBin() +
                " {dir}/d.pid {helpers}/double_fork {dir}/d.pid\n" + "startsecs=0\n");
  REQUIRE(d.start());
  REQUIRE(waitFor([&] { return readPid(d.path("d.pid")) > 0; }));
  int daemon = readPid(d.path("d.pid"));
  REQUIRE(d.waitForLogLine("success: proxied entered RUNNING state"));
  int proxy = std::stoi(d.ctl("pid proxied").out);
  RunResult r = d.ctl("stop proxied");
  CHECK(r.out == "proxied: stopped\n");
  CHECK(waitFor([&] { return !processAlive(daemon); }));
  // pidproxy exited 0 on TERM, so the stop is clean (no SIGKILL).
  CHECK(d.countLogLines("stopped: proxied \\(exit status 0\\)") == 1);
  // The launcher (which ignores TERM) is left in pidproxy's process group.
  ::kill(-proxy, SIGKILL);
}
