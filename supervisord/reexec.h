// Re-exec in place: supervisord execve(2)s itself (same pid, possibly a new
// binary) and the new image adopts every running program: same pids, same
// pipes, same log files, uptime and timers continuous (docs/reexec.md).
//
//   1. A request (supervisor.reexec, `supervisorctl reexec`, SIGURG) starts
//      a probe: the target binary run with SUPERVISORD_REEXEC_PROBE=1 and
//      the daemon's own arguments, which parses the config and answers the
//      hand-over versions it reads. A binary that does not start, fails,
//      hangs or reads no version we write is refused; the running image is
//      kept and nothing is touched.
//   2. The state goes into a memfd (handover_format.h), the fds it names
//      (pipes, listening sockets, the pidfile's lock) lose FD_CLOEXEC, and
//      execve runs the target with SUPERVISORD_HANDOVER_FD=<memfd>. If
//      execve fails, the flags are put back and the old image runs on.
//   3. The new image (main → runDaemon) decodes the hand-over, re-reads the
//      config and Supervisor::adopt()s the processes, then applies the
//      config as `update` does. A hand-over it cannot decode or adopt is
//      logged and treated like a killed daemon's leftovers: the orphan guard
//      stops the recorded programs, which then start afresh.
//
// The decisions (probe answers, environment) are plain functions here; the
// fd work (memfd, FD_CLOEXEC, clone3 of the probe, execve) is in
// reexec_posix.cc.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "supervisord/event_loop.h"
#include "supervisord/handover_format.h"
#include "supervisord/supervisor.h"

namespace sup {

class MainLog;
class OrphanGuard;
class PidFile;

/// The fd of the hand-over memfd, for the new image.
inline constexpr const char* kHandOverFdEnv = "SUPERVISORD_HANDOVER_FD";
/// Set for a probe run: check the config, answer, exit.
inline constexpr const char* kReexecProbeEnv = "SUPERVISORD_REEXEC_PROBE";

/// How this process was started: what a re-exec runs again.
struct LaunchInfo {
  std::string executable;  ///< absolute path; "" = this daemon cannot re-exec
  std::vector<std::string> argv;
};
/// From main(): the path execve was given (AT_EXECFN) made absolute against
/// the current directory (before daemonizing changes it), else
/// /proc/self/exe. The path, not the inode: after a package upgrade the
/// same path runs the new binary.
LaunchInfo currentLaunch(int argc, char** argv);

/// The probe's answer on success: "supervisord-reexec-probe handover 1-1\n".
std::string probeAnswer();
/// Whether a probe's outcome lets us exec: it exited 0 and answered a range
/// of versions that holds `version`. The error says why not, quoting what
/// the binary printed.
Status checkProbe(int wait_status, const std::string& output, std::uint32_t version);

/// What the previous image left this one (main(), before anything else).
struct IncomingHandOver {
  bool present = false;
  std::optional<handover::State> state;  ///< decoded and checked
  std::string error;                     ///< why not, when present without a state
  /// When it did not decode: the inherited pipes, closed only once the
  /// orphan guard has stopped their programs (closing them first would end
  /// them with SIGPIPE instead of their stopsignal).
  std::vector<int> leftover_pipes;
};
/// Reads $SUPERVISORD_HANDOVER_FD (and unsets it, so programs never see it).
/// Without a decodable hand-over, every other inherited fd is closed at once.
IncomingHandOver takeIncomingHandOver();

/// Close each fd (the fallback's inherited pipes).
void closeFds(const std::vector<int>& fds);

/// Start `executable argv...` with SUPERVISORD_REEXEC_PROBE=1 and collect
/// its output and exit status from the loop, without blocking it: its exit
/// shows on a pidfd, or, when the Supervisor's waitpid(-1) got there first,
/// through reaped().
class ReexecProbe {
 public:
  using Done = std::function<void(int wait_status, std::string output, bool timed_out)>;
  ReexecProbe(EventLoop& loop, const LaunchInfo& target, std::chrono::milliseconds timeout,
              Done done);
  ~ReexecProbe();
  ReexecProbe(const ReexecProbe&) = delete;
  ReexecProbe& operator=(const ReexecProbe&) = delete;
  /// "" once started, else why it could not be.
  const std::string& startError() const { return start_error_; }
  /// Someone reaped `pid`: true if it was the probe (its status is taken).
  bool reaped(int pid, int wait_status);

 private:
  void onOutput();
  void onExit();
  void exitedWith(int wait_status);
  void finish(bool timed_out);
  EventLoop& loop_;
  Done done_;
  int pid_ = -1;
  int pidfd_ = -1;
  int out_fd_ = -1;
  bool exited_ = false;
  int wait_status_ = 0;
  std::string output_;
  EventLoop::TimerId timer_ = 0;
  std::string start_error_;
};

/// Replace this process with `target`, handing it `bytes` in a memfd and
/// the `fds` (made inheritable for the exec). Returns only on failure,
/// with the fds as they were, saying why.
std::string execWithHandOver(const LaunchInfo& target, const std::string& bytes,
                             const std::vector<int>& fds);

/// One run's re-exec: wired by runDaemon to the Supervisor's requests.
class Reexec {
 public:
  Reexec(EventLoop& loop, MainLog& log, Supervisor& supervisor, PidFile& pidfile,
         OrphanGuard& orphans, LaunchInfo launch);
  ~Reexec();
  Reexec(const Reexec&) = delete;
  Reexec& operator=(const Reexec&) = delete;

  /// Probe `binary` ("" = launch.executable), then exec it. `done` answers
  /// before the exec (success) or with the refusal.
  void request(const std::string& binary, Supervisor::ReexecDone done);

 private:
  void probed(const LaunchInfo& target, int wait_status, const std::string& output, bool timed_out,
              Supervisor::ReexecDone done);

  EventLoop& loop_;
  MainLog& log_;
  Supervisor& supervisor_;
  PidFile& pidfile_;
  OrphanGuard& orphans_;
  LaunchInfo launch_;
  std::unique_ptr<ReexecProbe> probe_;
  std::shared_ptr<char> alive_ = std::make_shared<char>(0);
};

}  // namespace sup
