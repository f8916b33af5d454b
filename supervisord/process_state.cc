#include "supervisord/process_state.h"

#include <sys/wait.h>

#include <algorithm>
#include <csignal>
#include <cstdio>

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
  out.push_back(std::move(a));
}

static Action armTimer(std::chrono::milliseconds delay) {
  Action a{Action::Kind::ArmTimer};
  a.delay = delay;
  return a;
}

// Entering BACKOFF counts one more failed start and waits that many seconds
// before the next try (1 s, 2 s, 3 s, ...); past startretries it gives up.
void ProcessStateMachine::enterBackoff(const Now&, Actions& out) {
  changeState(ProcessState::kBackoff, out);
  ++backoff_;
  if (backoff_ > config_.startretries) {
    backoff_ = 0;
    changeState(ProcessState::kFatal, out);
    log(LogLevel::Info,
        "gave up: " + config_.name + " entered FATAL state, too many start retries too quickly",
        out);
    out.push_back(Action{Action::Kind::CancelTimer});
    return;
  }
  out.push_back(armTimer(std::chrono::seconds(backoff_)));
}

Actions ProcessStateMachine::spawnNow(const Now& now) {
  Actions out;
  killing_ = false;
  spawnerr_.clear();
  exitstatus_ = 0;
  laststart_ = now.mono;
  laststart_wall_ = now.wall;
  ever_started_ = true;
  changeState(ProcessState::kStarting, out);
  out.push_back(Action{Action::Kind::Spawn});
  return out;
}

Actions ProcessStateMachine::start(const Now& now) {
  if (pid_ != 0 || (state_ != ProcessState::kStopped && state_ != ProcessState::kExited &&
                    state_ != ProcessState::kFatal && state_ != ProcessState::kBackoff)) {
    Actions out;
    log(LogLevel::Warn, "process '" + config_.name + "' already running", out);
    return out;
  }
  return spawnNow(now);
}

Actions ProcessStateMachine::onSpawned(int pid, const Now&) {
  Actions out;
  pid_ = pid;
  spawnerr_.clear();
  log(LogLevel::Info, "spawned: '" + config_.name + "' with pid " + std::to_string(pid), out);
  out.push_back(armTimer(std::chrono::seconds(config_.startsecs)));
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

Actions ProcessStateMachine::onTimer(const Now& now) {
  Actions out;
  switch (state_) {
    case ProcessState::kStarting:
      if (pid_ == 0) break;
      backoff_ = 0;
      changeState(ProcessState::kRunning, out);
      log(LogLevel::Info,
          "success: " + config_.name + " entered RUNNING state, process has stayed up for > than " +
              std::to_string(config_.startsecs) + " seconds (startsecs)",
          out);
      break;
    case ProcessState::kBackoff:
      if (backoff_ <= config_.startretries) return spawnNow(now);
      break;
    case ProcessState::kStopping: {
      if (pid_ == 0) break;
      log(LogLevel::Warn,
          "killing '" + config_.name + "' (" + std::to_string(pid_) + ") with SIGKILL", out);
      Action a{Action::Kind::Signal};
      a.signo = SIGKILL;
      a.to_group = config_.killasgroup;
      out.push_back(a);
      out.push_back(armTimer(std::chrono::seconds(config_.stopwaitsecs)));
      break;
    }
    default:
      break;
  }
  return out;
}

Actions ProcessStateMachine::onExit(int wait_status, const Now& now, bool may_autorestart) {
  Actions out;
  auto [es, msg] = decodeWaitStatus(wait_status);
  laststop_wall_ = now.wall;
  bool too_quickly = now.mono - laststart_ < std::chrono::seconds(config_.startsecs);
  bool expected = std::find(config_.exitcodes.begin(), config_.exitcodes.end(), es) !=
                  config_.exitcodes.end();
  pid_ = 0;
  out.push_back(Action{Action::Kind::CancelTimer});
  if (killing_ || state_ == ProcessState::kStopping) {
    // The result of a stop request: STOPPING -> STOPPED, whatever the status.
    killing_ = false;
    exitstatus_ = es;
    changeState(ProcessState::kStopped, out);
    log(expected ? LogLevel::Info : LogLevel::Warn, "stopped: " + config_.name + " (" + msg + ")",
        out);
    return out;
  }
  if (state_ == ProcessState::kStarting && too_quickly) {
    // Did not stay up for startsecs: any exit, even an expected one, is a
    // failed start.
    exitstatus_ = 0;
    spawnerr_ = "Exited too quickly (process log may have details)";
    log(LogLevel::Warn, "exited: " + config_.name + " (" + msg + "; not expected)", out);
    enterBackoff(now, out);
    return out;
  }
  backoff_ = 0;
  exitstatus_ = es;
  if (state_ == ProcessState::kStarting) changeState(ProcessState::kRunning, out);
  if (expected) {
    changeState(ProcessState::kExited, out, true);
    log(LogLevel::Info, "exited: " + config_.name + " (" + msg + "; expected)", out);
  } else {
    spawnerr_ = "Bad exit code " + std::to_string(es);
    changeState(ProcessState::kExited, out, false);
    log(LogLevel::Warn, "exited: " + config_.name + " (" + msg + "; not expected)", out);
  }
  bool restart = config_.autorestart == AutoRestart::True ||
                 (config_.autorestart == AutoRestart::Unexpected && !expected);
  if (may_autorestart && restart) {
    Actions more = spawnNow(now);
    out.insert(out.end(), more.begin(), more.end());
  }
  return out;
}

Actions ProcessStateMachine::stop(const Now&) {
  Actions out;
  if (state_ == ProcessState::kBackoff) {
    // Nothing to signal: a stop in BACKOFF must not wait out the retries.
    log(LogLevel::Debug, "Attempted to kill " + config_.name + ", which is in BACKOFF state.",
        out);
    out.push_back(Action{Action::Kind::CancelTimer});
    changeState(ProcessState::kStopped, out);
    return out;
  }
  if (pid_ == 0 || (state_ != ProcessState::kRunning && state_ != ProcessState::kStarting &&
                    state_ != ProcessState::kStopping)) {
    return out;
  }
  // A second stop while STOPPING resends the stop signal, as Supervisor does.
  bool as_group = config_.stopasgroup;
  log(LogLevel::Debug,
      "killing " + config_.name + " (pid " + std::to_string(pid_) + ") " +
          (as_group ? "process group " : "") + "with signal " + sigName(config_.stopsignal),
      out);
  killing_ = true;
  changeState(ProcessState::kStopping, out);
  Action a{Action::Kind::Signal};
  a.signo = config_.stopsignal;
  a.to_group = as_group;
  out.push_back(a);
  out.push_back(armTimer(std::chrono::seconds(config_.stopwaitsecs)));
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
      "sending " + config_.name + " (pid " + std::to_string(pid_) + ") sig " + sigName(signo),
      out);
  Action a{Action::Kind::Signal};
  a.signo = signo;
  out.push_back(a);
  return out;
}

Actions ProcessStateMachine::onSignalError(const std::string& message) {
  Actions out;
  log(LogLevel::Critical,
      "unknown problem killing " + config_.name + " (" + std::to_string(pid_) + "):" + message,
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
