#include "supervisord/process_state.h"

#include <sys/wait.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <limits>

#include "common/ready_check.h"
#include "common/signal_names.h"

namespace sup {

static std::string sigName(int signo) {
  std::string name = signalName(signo);
  return name.empty() ? "signal " + std::to_string(signo) : "SIG" + name;
}

std::pair<int, std::string> decodeWaitStatus(int sts) {
  if (WIFEXITED(sts)) {
    int es = WEXITSTATUS(sts);
    return {es, "exit status " + std::to_string(es)};
  }
  if (WIFSIGNALED(sts)) {
    std::string msg = "terminated by " + sigName(WTERMSIG(sts));
    if (WCOREDUMP(sts)) msg += " (core dumped)";
    return {-1, msg};
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "unknown termination cause 0x%04x", static_cast<unsigned>(sts));
  return {-1, buf};
}

void ProcessStateMachine::log(LogLevel level, std::string line, Actions& out) {
  Action a{Action::Kind::Log};
  a.level = level;
  a.line = std::move(line);
  out.push_back(std::move(a));
}

void ProcessStateMachine::changeState(ProcessState to, Actions& out, bool expected) {
  ProcessState from = state_;
  if (from == to) return;
  state_ = to;
  Action a{Action::Kind::StateChanged};
  a.from = from;
  a.to = to;
  a.expected = expected;
  a.pid = pid_;
  a.tries = backoff_;
  out.push_back(std::move(a));
}

static Action armTimer(std::chrono::milliseconds delay) {
  Action a{Action::Kind::ArmTimer};
  a.delay = delay;
  return a;
}

// Entering BACKOFF counts one more failed start and waits before the next
// try: that many seconds by default (1 s, 2 s, 3 s, ...), else as the
// restart policy says (restart_policy.h). Past startretries it gives up,
// unless never_give_up.
void ProcessStateMachine::enterBackoff(const Now&, Actions& out) {
  // Counted before the state change, as Supervisor's change_state() does:
  // the BACKOFF event's tries is the new count.
  if (backoff_ < std::numeric_limits<int>::max()) ++backoff_;
  changeState(ProcessState::kBackoff, out);
  const RestartPolicy& policy = config_->restart;
  // Said once, at the failure that would have been FATAL.
  if (policy.never_give_up && backoff_ == std::max(config_->startretries, 0) + 1LL) {
    log(LogLevel::Info,
        "not giving up: " + config_->name +
            " stays in BACKOFF state, too many start retries too quickly (never_give_up)",
        out);
  }
  if (givesUp(policy, backoff_, config_->startretries)) {
    backoff_ = 0;
    changeState(ProcessState::kFatal, out);
    log(LogLevel::Info,
        "gave up: " + config_->name + " entered FATAL state, too many start retries too quickly",
        out);
    out.push_back(Action{Action::Kind::CancelTimer});
    return;
  }
  double unit = policy.backoff_jitter > 0 ? random_() : 0.0;
  out.push_back(armTimer(backoffDelay(policy, backoff_, unit)));
}

// backoff_reset longer than startsecs: a run that lasted that long resets
// the failure count when it ends, instead of reaching RUNNING doing so.
void ProcessStateMachine::resetAfterRun(const Now& now, Actions& out) {
  if (backoff_ == 0 || !runResets(config_->restart, config_->startsecs, now.mono - laststart_)) return;
  backoff_ = 0;
  log(LogLevel::Debug,
      config_->name + " ran for > than " + std::to_string(config_->restart.backoff_reset) +
          " seconds (backoff_reset): start retries count reset",
      out);
}

Actions ProcessStateMachine::spawnNow(const Now& now) {
  Actions out;
  killing_ = false;
  spawnerr_.clear();
  exitstatus_ = 0;
  last_wait_status_.reset();
  laststart_ = now.mono;
  laststart_wall_ = now.wall;
  ever_started_ = true;
  waiting_ = false;
  ready_ = false;
  ready_failed_ = false;
  changeState(ProcessState::kStarting, out);
  out.push_back(Action{Action::Kind::Spawn});
  return out;
}

Actions ProcessStateMachine::start(const Now& now) {
  if (pid_ != 0 || (state_ != ProcessState::kStopped && state_ != ProcessState::kExited &&
                    state_ != ProcessState::kFatal && state_ != ProcessState::kBackoff)) {
    Actions out;
    log(LogLevel::Warn, "process '" + config_->name + "' already running", out);
    return out;
  }
  return spawnNow(now);
}

Actions ProcessStateMachine::onSpawned(int pid, const Now& now) {
  Actions out;
  pid_ = pid;
  spawnerr_.clear();
  log(LogLevel::Info, "spawned: '" + config_->name + "' with pid " + std::to_string(pid), out);
  if (checksReady())
    armStartingTimer(now, out);
  else
    out.push_back(armTimer(std::chrono::seconds(config_->startsecs)));
  return out;
}

// STARTING with a ready= check: look again when startsecs run out, or at
// ready_timeout while the check has not passed, whichever comes first.
void ProcessStateMachine::armStartingTimer(const Now& now, Actions& out) {
  auto up = now.mono - laststart_;
  std::optional<std::chrono::steady_clock::duration> next;
  auto consider = [&](std::chrono::seconds at) {
    if (up < at && (!next || at - up < *next)) next = at - up;
  };
  consider(std::chrono::seconds(config_->startsecs));
  if (!ready_ && config_->ready_timeout > 0) consider(std::chrono::seconds(config_->ready_timeout));
  if (next) out.push_back(armTimer(std::chrono::ceil<std::chrono::milliseconds>(*next)));
}

void ProcessStateMachine::becomeReadyRunning(Actions& out) {
  if (resetsOnRunning(config_->restart, config_->startsecs)) backoff_ = 0;
  changeState(ProcessState::kRunning, out);
  log(LogLevel::Info,
      "success: " + config_->name + " entered RUNNING state, process is ready (" +
          readyCheckText(config_->ready) + ")",
      out);
}

// Not ready in time: stop the child as a stop request would (stopsignal,
// SIGKILL after stopwaitsecs), but its exit is a failed start.
void ProcessStateMachine::readyTimedOut(Actions& out) {
  ready_failed_ = true;
  log(LogLevel::Warn,
      "not ready: " + config_->name + " was not ready within " +
          std::to_string(config_->ready_timeout) + " seconds (ready_timeout), killing it with " +
          sigName(config_->stopsignal),
      out);
  Action a{Action::Kind::Signal};
  a.signo = config_->stopsignal;
  a.to_group = config_->stopasgroup;
  out.push_back(a);
  out.push_back(armTimer(std::chrono::seconds(config_->stopwaitsecs)));
}

Actions ProcessStateMachine::onReady(const Now& now) {
  Actions out;
  if (!awaitingReady() || ready_failed_) return out;
  ready_ = true;
  if (now.mono - laststart_ >= std::chrono::seconds(config_->startsecs)) {
    out.push_back(Action{Action::Kind::CancelTimer});
    becomeReadyRunning(out);
  }
  return out;
}

Actions ProcessStateMachine::proceed(const Now& now) {
  if (!waiting_ || state_ != ProcessState::kStarting) return {};
  return spawnNow(now);
}

Actions ProcessStateMachine::abandon(const std::string& reason) {
  Actions out;
  if (!waiting_ || state_ != ProcessState::kStarting) return out;
  waiting_ = false;
  backoff_ = 0;
  spawnerr_ = reason;
  changeState(ProcessState::kBackoff, out);
  changeState(ProcessState::kFatal, out);
  log(LogLevel::Info, "gave up: " + config_->name + " entered FATAL state, " + reason, out);
  return out;
}

Actions ProcessStateMachine::onSpawnError(const std::string& message, const Now& now) {
  Actions out;
  spawnerr_ = message;
  log(LogLevel::Info, "spawnerr: " + message, out);
  if (state_ == ProcessState::kStarting) enterBackoff(now, out);
  return out;
}

Actions ProcessStateMachine::onExecFailed(const std::string& message, const Now& now) {
  Actions out;
  pid_ = 0;
  laststop_wall_ = now.wall;
  spawnerr_ = message;
  out.push_back(Action{Action::Kind::CancelTimer});
  log(LogLevel::Info, "spawnerr: " + message, out);
  if (state_ == ProcessState::kStarting) enterBackoff(now, out);
  return out;
}

// stopwaitsecs after the stopsignal: SIGKILL, repeated every stopwaitsecs.
void ProcessStateMachine::killAfterStopwait(Actions& out) {
  log(LogLevel::Warn, "killing '" + config_->name + "' (" + std::to_string(pid_) + ") with SIGKILL",
      out);
  Action a{Action::Kind::Signal};
  a.signo = SIGKILL;
  a.to_group = config_->killasgroup;
  out.push_back(a);
  out.push_back(armTimer(std::chrono::seconds(config_->stopwaitsecs)));
}

Actions ProcessStateMachine::onTimer(const Now& now) {
  Actions out;
  switch (state_) {
    case ProcessState::kStarting: {
      if (pid_ == 0) break;
      if (checksReady()) {
        auto up = now.mono - laststart_;
        if (ready_failed_) {
          killAfterStopwait(out);  // not ready in time, and deaf to stopsignal
        } else if (ready_ && up >= std::chrono::seconds(config_->startsecs)) {
          becomeReadyRunning(out);
        } else if (!ready_ && config_->ready_timeout > 0 &&
                   up >= std::chrono::seconds(config_->ready_timeout)) {
          readyTimedOut(out);
        } else {
          armStartingTimer(now, out);
        }
        break;
      }
      enterRunning(out);
      break;
    }
    case ProcessState::kBackoff:
      if (!givesUp(config_->restart, backoff_, config_->startretries)) return spawnNow(now);
      break;
    case ProcessState::kStopping:
      if (pid_ != 0) killAfterStopwait(out);
      break;
    default:
      break;
  }
  return out;
}

void ProcessStateMachine::enterRunning(Actions& out) {
  if (resetsOnRunning(config_->restart, config_->startsecs)) backoff_ = 0;
  changeState(ProcessState::kRunning, out);
  log(LogLevel::Info,
      "success: " + config_->name + " entered RUNNING state, process has stayed up for > than " +
          std::to_string(config_->startsecs) + " seconds (startsecs)",
      out);
}

Actions ProcessStateMachine::onExit(int wait_status, const Now& now, bool may_autorestart) {
  Actions out;
  auto [es, msg] = decodeWaitStatus(wait_status);
  laststop_wall_ = now.wall;
  bool too_quickly = now.mono - laststart_ < std::chrono::seconds(config_->startsecs);
  bool expected = std::find(config_->exitcodes.begin(), config_->exitcodes.end(), es) !=
                  config_->exitcodes.end();
  last_wait_status_ = wait_status;
  out.push_back(Action{Action::Kind::CancelTimer});
  resetAfterRun(now, out);
  // pid_ stays set through the state changes below: Supervisor's EXITED and
  // STOPPED events report the pid that exited.
  if (killing_ || state_ == ProcessState::kStopping) {
    // The result of a stop request: STOPPING -> STOPPED, whatever the status.
    killing_ = false;
    exitstatus_ = es;
    changeState(ProcessState::kStopped, out);
    pid_ = 0;
    log(expected ? LogLevel::Info : LogLevel::Warn, "stopped: " + config_->name + " (" + msg + ")",
        out);
    return out;
  }
  if (state_ == ProcessState::kStarting && ready_failed_) {
    exitstatus_ = 0;
    spawnerr_ =
        "not ready within " + std::to_string(config_->ready_timeout) + " seconds (ready_timeout)";
    log(LogLevel::Warn, "exited: " + config_->name + " (" + msg + "; not expected)", out);
    enterBackoff(now, out);
    return out;
  }
  if (state_ == ProcessState::kStarting && too_quickly) {
    // Did not stay up for startsecs: any exit, even an expected one, is a
    // failed start.
    pid_ = 0;
    exitstatus_ = 0;
    spawnerr_ = "Exited too quickly (process log may have details)";
    log(LogLevel::Warn, "exited: " + config_->name + " (" + msg + "; not expected)", out);
    enterBackoff(now, out);
    return out;
  }
  if (state_ == ProcessState::kStarting && checksReady() && !ready_) {
    // Up for startsecs but gone before its ready= check passed.
    exitstatus_ = 0;
    spawnerr_ = "Exited before it was ready (process log may have details)";
    log(LogLevel::Warn, "exited: " + config_->name + " (" + msg + "; not expected)", out);
    enterBackoff(now, out);
    return out;
  }
  // Supervisor's loop runs transition() before reap(): a process that has
  // been up longer than startsecs when its exit is seen gets its "success:"
  // line first (every startsecs=0 process that exits at once does).
  if (state_ == ProcessState::kStarting &&
      now.mono - laststart_ > std::chrono::seconds(config_->startsecs)) {
    if (checksReady()) {
      becomeReadyRunning(out);
    } else {
      enterRunning(out);
    }
  }
  if (resetsOnRunning(config_->restart, config_->startsecs)) backoff_ = 0;
  exitstatus_ = es;
  if (state_ == ProcessState::kStarting) changeState(ProcessState::kRunning, out);
  if (expected) {
    changeState(ProcessState::kExited, out, true);
    log(LogLevel::Info, "exited: " + config_->name + " (" + msg + "; expected)", out);
  } else {
    spawnerr_ = "Bad exit code " + std::to_string(es);
    changeState(ProcessState::kExited, out, false);
    log(LogLevel::Warn, "exited: " + config_->name + " (" + msg + "; not expected)", out);
  }
  pid_ = 0;
  bool restart = config_->autorestart == AutoRestart::True ||
                 (config_->autorestart == AutoRestart::Unexpected && !expected);
  if (!may_autorestart || !restart) return out;
  const RestartPolicy& policy = config_->restart;
  if (restart_window_.overLimit(policy, now.mono)) {
    // restart_limit: too many restarts after RUNNING; wait in BACKOFF.
    log(LogLevel::Info,
        "backoff: " + config_->name + " entered BACKOFF state, more than " +
            std::to_string(policy.restart_limit) + " restarts within " +
            std::to_string(policy.restart_limit_seconds) + " seconds (restart_limit)",
        out);
    spawnerr_ = "Restarted too often (restart_limit " + std::to_string(policy.restart_limit) +
                "/" + std::to_string(policy.restart_limit_seconds) + ")";
    enterBackoff(now, out);
    return out;
  }
  Actions more = spawnNow(now);
  out.insert(out.end(), more.begin(), more.end());
  return out;
}

Actions ProcessStateMachine::stop(const Now&) {
  Actions out;
  if (state_ == ProcessState::kStarting && waiting_) {
    // No child yet: stop waiting for the dependencies.
    waiting_ = false;
    log(LogLevel::Debug, "stopped waiting: " + config_->name, out);
    changeState(ProcessState::kStopped, out);
    return out;
  }
  if (state_ == ProcessState::kBackoff) {
    // Nothing to signal: a stop in BACKOFF must not wait out the retries.
    log(LogLevel::Debug, "Attempted to kill " + config_->name + ", which is in BACKOFF state.", out);
    out.push_back(Action{Action::Kind::CancelTimer});
    changeState(ProcessState::kStopped, out);
    return out;
  }
  if (pid_ == 0 || (state_ != ProcessState::kRunning && state_ != ProcessState::kStarting &&
                    state_ != ProcessState::kStopping)) {
    return out;
  }
  // A second stop while STOPPING resends the stop signal, as Supervisor does.
  bool as_group = config_->stopasgroup;
  log(LogLevel::Debug,
      "killing " + config_->name + " (pid " + std::to_string(pid_) + ") " +
          (as_group ? "process group " : "") + "with signal " + sigName(config_->stopsignal),
      out);
  killing_ = true;
  changeState(ProcessState::kStopping, out);
  Action a{Action::Kind::Signal};
  a.signo = config_->stopsignal;
  a.to_group = as_group;
  out.push_back(a);
  out.push_back(armTimer(std::chrono::seconds(config_->stopwaitsecs)));
  return out;
}

Actions ProcessStateMachine::giveUp() {
  Actions out;
  if (state_ != ProcessState::kBackoff) return out;
  backoff_ = 0;
  out.push_back(Action{Action::Kind::CancelTimer});
  changeState(ProcessState::kFatal, out);
  return out;
}

Actions ProcessStateMachine::signal(int signo) {
  Actions out;
  if (pid_ == 0 || !isSignallableState(state_)) return out;
  log(LogLevel::Debug,
      "sending " + config_->name + " (pid " + std::to_string(pid_) + ") sig " + sigName(signo), out);
  Action a{Action::Kind::Signal};
  a.signo = signo;
  out.push_back(a);
  return out;
}

Actions ProcessStateMachine::onSignalError(const std::string& message) {
  Actions out;
  log(LogLevel::Critical,
      "unknown problem killing " + config_->name + " (" + std::to_string(pid_) + "):" + message,
      out);
  killing_ = false;
  out.push_back(Action{Action::Kind::CancelTimer});
  changeState(ProcessState::kUnknown, out);
  return out;
}

ProcessStateMachine::Snapshot ProcessStateMachine::snapshot() const {
  return Snapshot{state_,          pid_,           backoff_,      killing_,    ever_started_,
                  laststart_,      laststart_wall_, laststop_wall_, spawnerr_, exitstatus_};
}

void ProcessStateMachine::restore(const Snapshot& s) {
  state_ = s.state;
  pid_ = s.pid;
  backoff_ = s.backoff;
  killing_ = s.killing;
  ever_started_ = s.ever_started;
  laststart_ = s.laststart;
  laststart_wall_ = s.laststart_wall;
  laststop_wall_ = s.laststop_wall;
  spawnerr_ = s.spawnerr;
  exitstatus_ = s.exitstatus;
}

}  // namespace sup
