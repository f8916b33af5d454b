// The re-exec's decisions and its controller (reexec.h); the fd work is in
// reexec_posix.cc.
#include "supervisord/reexec.h"

#include <sys/wait.h>
#include <unistd.h>

#include <charconv>

#include "supervisord/daemon.h"
#include "supervisord/listener_registry.h"
#include "supervisord/main_log.h"
#include "supervisord/orphan_guard.h"
#include "supervisord/process_state.h"

namespace sup {
namespace {

constexpr std::string_view kProbePrefix = "supervisord-reexec-probe handover ";

// The output as one quoted line for a message: what the binary said.
std::string quoted(const std::string& output) {
  std::string text = output;
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  for (char& c : text)
    if (c == '\n') c = ' ';
  if (text.size() > 300) text = text.substr(0, 300) + "...";
  return text.empty() ? "" : ": " + text;
}

}  // namespace

std::string probeAnswer() {
  return std::string(kProbePrefix) + std::to_string(handover::kMinVersion) + "-" +
         std::to_string(handover::kVersion) + "\n";
}

Status checkProbe(int wait_status, const std::string& output, std::uint32_t version) {
  if (!WIFEXITED(wait_status) || WEXITSTATUS(wait_status) != 0) {
    return Error{"it failed (" + decodeWaitStatus(wait_status).second + ")" + quoted(output)};
  }
  // The answer is the last line: a config may make it print warnings first.
  std::string_view text = output;
  while (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  std::size_t nl = text.rfind('\n');
  std::string_view line = nl == std::string_view::npos ? text : text.substr(nl + 1);
  if (line.substr(0, kProbePrefix.size()) != kProbePrefix)
    return Error{"it is not a supervisord that can adopt programs" + quoted(output)};
  line.remove_prefix(kProbePrefix.size());
  std::uint32_t lo = 0, hi = 0;
  auto dash = line.find('-');
  auto r1 = std::from_chars(
      line.data(), line.data() + (dash == std::string_view::npos ? line.size() : dash), lo);
  bool ok = dash != std::string_view::npos && r1.ec == std::errc();
  if (ok) {
    auto r2 = std::from_chars(line.data() + dash + 1, line.data() + line.size(), hi);
    ok = r2.ec == std::errc() && r2.ptr == line.data() + line.size();
  }
  if (!ok) return Error{"it answered the probe with " + std::string(line)};
  if (version < lo || version > hi) {
    return Error{"it reads hand-over versions " + std::to_string(lo) + " to " + std::to_string(hi) +
                 ", this supervisord writes " + std::to_string(version)};
  }
  return okStatus();
}

Reexec::Reexec(EventLoop& loop, MainLog& log, Supervisor& supervisor, PidFile& pidfile,
               OrphanGuard& orphans, LaunchInfo launch)
    : loop_(loop),
      log_(log),
      supervisor_(supervisor),
      pidfile_(pidfile),
      orphans_(orphans),
      launch_(std::move(launch)) {
  supervisor_.onReexecRequest(
      [this](const std::string& binary, Supervisor::ReexecDone done) { request(binary, done); });
  supervisor_.onUnknownChild(
      [this](int pid, int status) { return probe_ && probe_->reaped(pid, status); });
}

Reexec::~Reexec() {
  supervisor_.onReexecRequest(nullptr);
  supervisor_.onUnknownChild(nullptr);
}

void Reexec::request(const std::string& binary, Supervisor::ReexecDone done) {
  if (probe_) return done(Error{"a re-exec is already in progress"});
  LaunchInfo target = launch_;
  if (!binary.empty()) target.executable = binary;
  if (target.executable.empty()) return done(Error{"the path of this supervisord is unknown"});
  if (!target.argv.empty()) target.argv[0] = target.executable;
  log_.info("re-exec requested: checking " + target.executable);
  std::weak_ptr<char> alive = alive_;
  probe_ = std::make_unique<ReexecProbe>(
      loop_, target, std::chrono::seconds(10),
      [this, alive, target, done](int status, std::string output, bool timed_out) {
        if (alive.expired()) return;
        // The probe object is done: drop it after this callback returns.
        loop_.defer([this, alive] {
          if (!alive.expired()) probe_.reset();
        });
        probed(target, status, output, timed_out, done);
      });
  if (!probe_->startError().empty()) {
    std::string why = "cannot run " + target.executable + ": " + probe_->startError();
    probe_.reset();
    log_.error("not re-executing: " + why + " (this supervisord keeps running)");
    done(Error{why});
  }
}

void Reexec::probed(const LaunchInfo& target, int wait_status, const std::string& output,
                    bool timed_out, Supervisor::ReexecDone done) {
  Status ok = timed_out ? Status(Error{"it did not answer within 10 seconds"})
                        : checkProbe(wait_status, output, handover::kVersion);
  if (ok && supervisor_.state() != SupervisorState::Running)
    ok = Error{"supervisord is " + std::string(supervisorStateName(supervisor_.state()))};
  if (!ok) {
    std::string why = target.executable + " cannot take over: " + ok.error().message;
    log_.error("not re-executing: " + why + " (this supervisord keeps running)");
    return done(Error{why});
  }
  handover::State state;
  state.encoded_at_mono_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(loop_.now().time_since_epoch()).count();
  state.pid = static_cast<int>(::getpid());
  state.pidfile_path = pidfile_.path();
  state.pidfile_fd = pidfile_.fd();
  state.listeners = listenerRegistry().all();
  supervisor_.handOver(state);
  orphans_.saveNow();
  std::string bytes = handover::encode(state);
  // The caller hears of success now: after execve there is no one to tell.
  done(okStatus());
  log_.info("re-executing supervisord (pid " + std::to_string(state.pid) +
            "): " + std::to_string(state.processCount()) + " processes handed over to " +
            target.executable);
  std::string error = execWithHandOver(target, bytes, state.fds());
  log_.error("re-exec of " + target.executable + " failed: " + error +
             " (this supervisord keeps running)");
}

}  // namespace sup
