// A private supervisord for one integration test: its own temp dir, config,
// pidfile, main log and child logs; helpers that wait for conditions with
// deadlines (never fixed sleeps); teardown with TERM, then KILL.
//
//   DaemonHarness d;
//   d.writeConfig(d.header() + "[program:a]\ncommand={helpers}/sleeper\n");
//   REQUIRE(d.start());
//   REQUIRE(d.waitForLogLine("success: a entered RUNNING state"));
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <regex>
#include <string>
#include <vector>

namespace sup::test {

using namespace std::chrono_literals;

/// Poll `pred` every few milliseconds until it holds or `timeout` passes.
/// How much slower than a plain build this one runs (4 under the sanitizers):
/// every deadline below is multiplied by it.
constexpr int kSlowdown = SUP_TEST_SLOWDOWN;

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kAsan = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kAsan = true;
#else
constexpr bool kAsan = false;
#endif
#else
constexpr bool kAsan = false;
#endif

/// The most resident memory a daemon holding `kb` KiB of live data may show.
/// Under ASan the quarantine keeps up to 256 MiB of freed blocks resident,
/// counted in user bytes: small blocks (an event flood's) carry redzones and
/// allocator headers that can double that (420 MiB was seen for a 64 MiB
/// bound), and shadow memory adds an eighth. So a bound there only catches
/// growth without limit, which is what these checks are for; the plain build
/// checks `kb` itself.
constexpr long rssBoundKb(long kb) { return kAsan ? 2 * kb + 512 * 1024 : kb; }

/// Poll pred() until it holds or timeout (times kSlowdown) has passed.
bool waitFor(const std::function<bool()>& pred, std::chrono::milliseconds timeout = 5s);

/// Output of a shell command.
struct RunResult {
  int exit = -1;    ///< exit status, or 128+signal
  std::string out;  ///< stdout
  std::string err;  ///< stderr
};
/// Run `cmd` with /bin/sh -c and collect its exit status and output.
RunResult run(const std::string& cmd);

/// Read a whole file ("" if missing).
std::string readFile(const std::string& path);
/// The pids of `pid`'s children, from /proc (empty once it has none).
std::vector<int> childrenOf(int pid);
/// True if a process with this pid exists (and is not a zombie).
bool processAlive(int pid);
/// True once `pid` sleeps in epoll_wait (settled: no context switch over a
/// 200 ms window, within 5 s) and then stays asleep for `window`: nothing
/// ticks or polls. Context switches are the measure, not CPU ticks: a
/// sleeping task's switch count cannot move until it wakes, while tick
/// accounting may still charge work done just before.
bool staysAsleepInEpoll(int pid, std::chrono::milliseconds window = 1000ms);

class DaemonHarness {
 public:
  DaemonHarness();
  /// Stops the daemon (TERM, then KILL after 10 s) and removes the temp dir.
  ~DaemonHarness();
  DaemonHarness(const DaemonHarness&) = delete;
  DaemonHarness& operator=(const DaemonHarness&) = delete;

  /// The private temp dir, and a path inside it.
  const std::string& dir() const { return dir_; }
  std::string path(const std::string& name) const { return dir_ + "/" + name; }
  /// A test helper program (tests/helpers/<name>.cc).
  static std::string helper(const std::string& name);
  /// The supervisord / supervisorctl binaries under test.
  static std::string supervisordBin();
  static std::string supervisorctlBin();
  /// Run `supervisorctl -c <this config> ARGS` with stdin from /dev/null
  /// (ARGS go through the shell, so they may quote).
  RunResult ctl(const std::string& args) const;
  /// That command line itself, for a test that runs it another way
  /// (streaming, under timeout).
  std::string ctlCommand(const std::string& args) const;
  /// [unix_http_server] on dir()/sv.sock: the control socket alone.
  static std::string socketSection();
  /// That socket and the [supervisorctl] section that points at it: what a
  /// config needs for ctl().
  static std::string ctlSections();

  /// A [supervisord] section with logfile, pidfile and childlogdir in dir()
  /// and loglevel `loglevel`; append program sections to it.
  std::string header(const std::string& loglevel = "info") const;
  /// Write sv.conf; "{dir}" and "{helpers}" are replaced by dir() and the
  /// helper directory.
  void writeConfig(const std::string& text);
  std::string configPath() const { return path("sv.conf"); }
  std::string logPath() const { return path("supervisord.log"); }
  std::string pidfilePath() const { return path("supervisord.pid"); }

  /// Start `supervisord -n -c sv.conf [extra...]` (with `prefix` before it,
  /// e.g. {"unshare", "-fp", "--mount-proc"}) and wait until it logs
  /// "supervisord started with pid". stdout/stderr go to dir()/daemon.out.
  bool start(const std::vector<std::string>& extra = {},
             const std::vector<std::string>& prefix = {}, std::chrono::milliseconds timeout = 10s);
  /// The pid of the process start() forked (the daemon, or the prefix).
  int pid() const { return pid_; }
  /// The pid supervisord logged in "supervisord started with pid N".
  int daemonPid() const;
  bool running();
  /// Send a signal to the daemon.
  bool signal(int signo);
  /// Wait for the daemon to exit; its exit status (or 128+signal).
  std::optional<int> waitForExit(std::chrono::milliseconds timeout = 15s);
  /// TERM, wait up to 10 s, then KILL. Returns the exit status.
  std::optional<int> stop();

  /// The main log's text.
  std::string mainLog() const { return readFile(logPath()); }
  /// Wait until a main log line matches `pattern` (ECMAScript regex, searched
  /// within the line). `skip` earlier matches are ignored. Fills *match.
  bool waitForLogLine(const std::string& pattern, std::chrono::milliseconds timeout = 5s,
                      int skip = 0, std::smatch* match = nullptr);
  /// How many main log lines match `pattern` right now.
  int countLogLines(const std::string& pattern) const;
  /// When each main log line containing `needle` was written, in
  /// milliseconds since midnight (from its timestamp), in log order.
  std::vector<long> logStampsMs(const std::string& needle) const;
  /// Main log lines (without timestamps and levels: "INFO spawned: ...").
  std::vector<std::string> logLines() const;
  /// The AUTO stdout/stderr log of a process (first match in dir()).
  std::string childLogPath(const std::string& process, const std::string& channel = "stdout") const;
  std::string childLog(const std::string& process, const std::string& channel = "stdout") const;

 private:
  std::string dir_;
  int pid_ = -1;
  std::optional<int> exit_status_;
};

}  // namespace sup::test
