// The per-process state machine of Supervisor 4.2.5 (process.py
// Subprocess.spawn/transition/finish/kill), as pure code: every input is an
// event with the current time, every output is a list of Actions that
// supervisor.cc carries out (spawn, signal, timer, log line, state change).
// Nothing here forks, signals, reads a clock or writes a log.
#pragma once

#include <chrono>
#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/config_model.h"
#include "common/log_level.h"
#include "common/process_states.h"
#include "supervisord/restart_policy.h"

namespace sup {

/// The daemon's process states are the wire's (common/process_states.h).
using proto::ProcessState;

/// "the time now" as the machine sees it: a monotonic instant for durations
/// and a wall-clock second for the start/stop stamps reported to clients.
struct Now {
  std::chrono::steady_clock::time_point mono;
  std::time_t wall = 0;
};

/// One thing the executor must do, in order.
struct Action {
  enum class Kind {
    Spawn,         ///< fork/exec the program; reply with onSpawned/onSpawnError
    Signal,        ///< kill(pid or -pid, signo); reply onSignalError on failure
    ArmTimer,      ///< (re)arm this process's single timer; fires onTimer
    CancelTimer,   ///< disarm the timer
    Log,           ///< write `line` to the main log at `level`
    StateChanged,  ///< notify subscribers: from -> to
  };
  Action() = default;
  explicit Action(Kind k) : kind(k) {}
  Kind kind = Kind::Log;
  int signo = 0;
  bool to_group = false;
  std::chrono::milliseconds delay{0};
  LogLevel level = LogLevel::Info;
  std::string line;
  ProcessState from = ProcessState::kStopped;
  ProcessState to = ProcessState::kStopped;
  bool expected = true;  ///< for StateChanged to EXITED
  /// For StateChanged, what Supervisor's PROCESS_STATE event reports: the
  /// pid at the moment of the change (still set when entering EXITED or
  /// STOPPED) and the backoff count (already counting a new BACKOFF).
  int pid = 0;
  int tries = 0;
};
using Actions = std::vector<Action>;

/// "exit status 1" / "terminated by SIGTERM (core dumped)" and the exit
/// status (-1 for a signal death), like options.decode_wait_status.
std::pair<int, std::string> decodeWaitStatus(int wait_status);

class ProcessStateMachine {
 public:
  explicit ProcessStateMachine(ProcessConfig config)
      : config_(std::make_shared<const ProcessConfig>(std::move(config))) {}
  /// Sharing the config the Supervisor's Config already holds (one copy per
  /// program for the whole run, not one per holder).
  explicit ProcessStateMachine(std::shared_ptr<const ProcessConfig> config)
      : config_(std::move(config)) {}

  /// Start request (autostart, RPC start, autorestart). Valid from STOPPED,
  /// EXITED, FATAL, BACKOFF: enters STARTING and asks for a Spawn. From any
  /// other state it logs `process 'x' already running` and does nothing.
  Actions start(const Now& now);
  /// The executor forked the child.
  Actions onSpawned(int pid, const Now& now);
  /// The spawn failed before the child could run (spawnerr text); enters
  /// BACKOFF, or FATAL when the retries are used up.
  Actions onSpawnError(const std::string& message, const Now& now);
  /// The child exited before exec (chdir, setuid or execve failed) and told
  /// us why: STARTING -> BACKOFF (or FATAL) with `message` as spawnerr.
  Actions onExecFailed(const std::string& message, const Now& now);
  /// The single timer fired: STARTING->RUNNING, BACKOFF->STARTING, or the
  /// STOPPING deadline (SIGKILL, repeated every stopwaitsecs). With a ready=
  /// check, STARTING->RUNNING needs startsecs *and* the check; past
  /// ready_timeout the child gets its stopsignal (then SIGKILL) and its exit
  /// is a failed start.
  Actions onTimer(const Now& now);
  /// The ready= check passed (docs/dependencies.md): RUNNING now, or once
  /// startsecs have passed. Ignored unless STARTING with a child.
  Actions onReady(const Now& now);

  // Dependencies (docs/dependencies.md). The executor holds a Spawn back
  // while a depends_on process is not ready: the process stays STARTING,
  // without a child, until it can go on or must give up.
  /// The Spawn just asked for waits for dependencies.
  void holdSpawn() { waiting_ = true; }
  /// The dependencies are ready: spawn now.
  Actions proceed(const Now& now);
  /// A dependency failed (FATAL): STARTING -> BACKOFF -> FATAL with
  /// `reason` as spawnerr, as an exhausted start would.
  Actions abandon(const std::string& reason);
  /// The child was reaped with this wait status. `may_autorestart` is false
  /// while supervisord is shutting down or restarting.
  Actions onExit(int wait_status, const Now& now, bool may_autorestart);
  /// Stop request: RUNNING/STARTING -> STOPPING (stopsignal, deadline),
  /// BACKOFF -> STOPPED. Returns nothing from other states.
  Actions stop(const Now& now);
  /// Shutdown while in BACKOFF: BACKOFF -> FATAL (Supervisor's give_up).
  Actions giveUp();
  /// Send an arbitrary signal to the process (not its group).
  Actions signal(int signo);
  /// kill() failed with an errno other than ESRCH: the state is now UNKNOWN.
  Actions onSignalError(const std::string& message);

  const ProcessConfig& config() const { return *config_; }
  /// Hold `same`, a config equal to this one stored elsewhere (a reread
  /// config that did not change it), so the old storage can go.
  void shareConfig(std::shared_ptr<const ProcessConfig> same) { config_ = std::move(same); }
  ProcessState state() const { return state_; }
  int pid() const { return pid_; }
  std::time_t lastStart() const { return laststart_wall_; }
  /// When the current (or last) child was spawned, on the monotonic clock.
  std::chrono::steady_clock::time_point lastStartMono() const { return laststart_; }
  std::time_t lastStop() const { return laststop_wall_; }
  const std::string& spawnErr() const { return spawnerr_; }
  int exitStatus() const { return exitstatus_; }
  int backoffCount() const { return backoff_; }
  bool killing() const { return killing_; }
  /// True once a spawn was attempted in this run (Supervisor's laststart != 0).
  bool everStarted() const { return ever_started_; }
  /// The wait status of the child reaped last since the latest spawn
  /// (nullopt if that spawn never ran): essential= exits with it.
  std::optional<int> lastWaitStatus() const { return last_wait_status_; }
  /// restart_limit's recent restarts (for a re-exec hand-over).
  const RestartWindow& restartWindow() const { return restart_window_; }
  RestartWindow& restartWindow() { return restart_window_; }
  /// Tests: the jitter's random source (systemUnitRandom by default).
  void setRandomSource(UnitRandom random) { random_ = std::move(random); }

  /// Everything the machine knows besides its config: what a re-exec hands
  /// over (handover_format.h) and the new image restores.
  struct Snapshot {
    ProcessState state = ProcessState::kStopped;
    int pid = 0;
    int backoff = 0;
    bool killing = false;
    bool ever_started = false;
    std::chrono::steady_clock::time_point laststart{};
    std::time_t laststart_wall = 0;
    std::time_t laststop_wall = 0;
    std::string spawnerr;
    int exitstatus = 0;
  };
  Snapshot snapshot() const;
  void restore(const Snapshot& s);
  /// STARTING without a child: waiting for dependencies.
  bool waiting() const { return waiting_; }
  /// STARTING with a child whose ready= check has not passed yet.
  bool awaitingReady() const {
    return state_ == ProcessState::kStarting && pid_ != 0 && checksReady() && !ready_;
  }

 private:
  void changeState(ProcessState to, Actions& out, bool expected = true);
  void enterBackoff(const Now& now, Actions& out);
  void resetAfterRun(const Now& now, Actions& out);
  /// STARTING -> RUNNING with Supervisor's "success: ..." line.
  void enterRunning(Actions& out);
  Actions spawnNow(const Now& now);
  void log(LogLevel level, std::string line, Actions& out);
  bool checksReady() const { return config_->ready.kind != ReadyCheck::Kind::Running; }
  void armStartingTimer(const Now& now, Actions& out);
  void becomeReadyRunning(Actions& out);
  void readyTimedOut(Actions& out);
  void killAfterStopwait(Actions& out);

  std::shared_ptr<const ProcessConfig> config_;  // never null
  ProcessState state_ = ProcessState::kStopped;
  int pid_ = 0;
  int backoff_ = 0;
  bool killing_ = false;
  bool ever_started_ = false;
  std::chrono::steady_clock::time_point laststart_{};
  std::time_t laststart_wall_ = 0;
  std::time_t laststop_wall_ = 0;
  std::string spawnerr_;
  int exitstatus_ = 0;
  std::optional<int> last_wait_status_;
  RestartWindow restart_window_;
  UnitRandom random_ = systemUnitRandom;
  bool waiting_ = false;       // STARTING, spawn held back for dependencies
  bool ready_ = false;         // this run's ready= check passed
  bool ready_failed_ = false;  // past ready_timeout: being killed, a failed start
};

}  // namespace sup
