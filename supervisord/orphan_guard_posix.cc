// The I/O of the orphan guard (orphan_guard.h): reading /proc, writing the
// state file atomically, signalling and waiting for a killed predecessor's
// children at start-up, and the hooks that keep the file current.
#include <fcntl.h>
#include <poll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <thread>

#include "common/read_file.h"
#include "common/signal_names.h"
#include "supervisord/event_loop.h"
#include "supervisord/main_log.h"
#include "supervisord/orphan_guard.h"
#include "supervisord/supervisor.h"

namespace sup {
namespace {

std::string slurp(const std::string& path) {
  return readWholeFile(path).value_or("");
}

std::optional<ProcStat> readProcStat(int pid) {
  std::string text = slurp("/proc/" + std::to_string(pid) + "/stat");
  if (text.empty()) return std::nullopt;
  return parseProcStat(text);
}

std::string readBootId() {
  std::string id = slurp("/proc/sys/kernel/random/boot_id");
  while (!id.empty() && (id.back() == '\n' || id.back() == ' ')) id.pop_back();
  return id;
}

/// Gone, or left only as a zombie of its new parent.
bool exited(int pid) {
  auto st = readProcStat(pid);
  return !st || st->state == 'Z';
}

/// Wait until every pid in `pids` has exited or `deadline` passes. The
/// orphans are not our children (no SIGCHLD, no waitpid): a pidfd polls
/// readable when its process exits; without pidfd_open, look every 10 ms.
void waitExited(std::vector<int> pids, std::chrono::steady_clock::time_point deadline) {
  std::vector<pollfd> fds;
  bool have_pidfds = true;
  for (int pid : pids) {
#ifdef SYS_pidfd_open
    int fd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
#else
    int fd = -1;
    errno = ENOSYS;
#endif
    if (fd < 0 && errno != ESRCH) have_pidfds = false;
    if (fd >= 0) fds.push_back(pollfd{fd, POLLIN, 0});
  }
  while (true) {
    pids.erase(std::remove_if(pids.begin(), pids.end(), exited), pids.end());
    auto left = deadline - std::chrono::steady_clock::now();
    if (pids.empty() || left <= std::chrono::steady_clock::duration::zero()) break;
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(left).count() + 1;
    if (have_pidfds && !fds.empty()) {
      for (auto& p : fds) p.revents = 0;
      ::poll(fds.data(), fds.size(), static_cast<int>(std::min<long long>(ms, 1000)));
      // One exit wakes the poll: drop the fds that fired and look again.
      fds.erase(std::remove_if(fds.begin(), fds.end(),
                               [](const pollfd& p) {
                                 if (p.revents == 0) return false;
                                 ::close(p.fd);
                                 return true;
                               }),
                fds.end());
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(std::min<long long>(ms, 10)));
    }
  }
  for (auto& p : fds) ::close(p.fd);
}

std::string targetText(int target) {
  return target < 0 ? "process group " + std::to_string(-target) : "pid " + std::to_string(target);
}

class RecordingSpawner : public Spawner {
 public:
  RecordingSpawner(std::unique_ptr<Spawner> inner, OrphanGuard& guard)
      : inner_(std::move(inner)), guard_(guard) {}
  Result<SpawnedChild> spawn(const SpawnRequest& request) override {
    auto child = inner_->spawn(request);
    if (child && request.config && !request.helper) guard_.recordSpawn(child->pid, *request.config);
    return child;
  }
  CommandCheck checkCommand(const ProcessConfig& config) override {
    return inner_->checkCommand(config);
  }
  int kill(int pid, int signo) override { return inner_->kill(pid, signo); }
  std::vector<ReapedChild> reap() override { return inner_->reap(); }

 private:
  std::unique_ptr<Spawner> inner_;
  OrphanGuard& guard_;
};

}  // namespace

OrphanGuard::OrphanGuard() = default;
OrphanGuard::~OrphanGuard() = default;

std::unique_ptr<Spawner> OrphanGuard::wrap(std::unique_ptr<Spawner> inner) {
  return std::make_unique<RecordingSpawner>(std::move(inner), *this);
}

void OrphanGuard::track(Supervisor& supervisor, EventLoop& loop) {
  loop_ = &loop;
  supervisor.subscribe([this](const ProcessId& id, ProcessState, ProcessState to) {
    if (to == ProcessState::kStopped || to == ProcessState::kExited ||
        to == ProcessState::kBackoff || to == ProcessState::kFatal)
      forget(id.group, id.name);
  });
}

void OrphanGuard::recordSpawn(int pid, const ProcessConfig& config) {
  if (path_.empty()) return;
  // The child is ours and unreaped: its /proc entry exists even if it has
  // already exited (a zombie until the loop reaps it).
  auto st = readProcStat(pid);
  if (!st) return;
  ChildRecord r = makeChildRecord(pid, st->start_time, config);
  unsaved_ += formatChildRecord(r);
  children_[r.name] = r;
  saveSoon();
}

void OrphanGuard::forget(const std::string& group, const std::string& name) {
  std::string key = group + ":" + name;
  if (path_.empty() || children_.erase(key) == 0) return;
  unsaved_ += formatChildGone(key);
  saveSoon();
}

// EventLoop::runOnce() runs deferred work at the end of every turn, also the
// turn that stops the loop, so the file is current whenever the loop sleeps.
// A daemon SIGKILLed inside one turn can miss that turn's spawns: a window of
// microseconds, against milliseconds of rename per spawn otherwise.
void OrphanGuard::saveSoon() {
  if (loop_ == nullptr) return save();
  if (save_pending_) return;
  save_pending_ = true;
  loop_->defer([this] {
    save_pending_ = false;
    save();
  });
}

// What changed goes at the end of the file in one write. Once the file holds
// more dropped records than live ones it is written anew: every change costs
// O(1), the rewrites O(1) on average. No fsync: the file guards against the
// daemon dying, not the machine (after a reboot the boot id differs and the
// file is ignored).
void OrphanGuard::save() {
  if (children_.empty()) {
    have_file_ = false;
    unsaved_.clear();
    file_lines_ = 0;
    ::unlink(path_.c_str());
    return;
  }
  size_t lines = static_cast<size_t>(std::count(unsaved_.begin(), unsaved_.end(), '\n'));
  bool ok = false;
  if (have_file_ && file_lines_ + lines <= 2 * children_.size() + 64) {
    // O_APPEND: one write of whole lines; a daemon killed inside it leaves
    // at worst a last line without its newline, which the parser skips.
    // Opened per turn: no fd held between turns.
    int fd = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    ok = fd >= 0 &&
         ::write(fd, unsaved_.data(), unsaved_.size()) == static_cast<ssize_t>(unsaved_.size());
    if (fd >= 0) ::close(fd);
    file_lines_ += lines;
  }
  if (!ok) ok = rewrite();  // due, or the append failed: write it whole
  unsaved_.clear();
  if (!ok && !write_failed_ && log_) {
    log_->error("could not write " + path_ + ": " + std::strerror(errno) +
                " (programs left running by a killed supervisord may then run twice)");
  }
  write_failed_ = !ok;
}

// Written to a temporary name and renamed, so a daemon killed mid-write
// leaves the old file or the new one, never half of one.
bool OrphanGuard::rewrite() {
  have_file_ = false;
  ChildState state;
  state.boot_id = boot_id_;
  for (const auto& [name, r] : children_) state.children.push_back(r);
  std::string text = formatChildState(state);
  std::string tmp = path_ + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  bool ok = fd >= 0 && ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  if (fd >= 0) ::close(fd);
  ok = ok && ::rename(tmp.c_str(), path_.c_str()) == 0;
  if (!ok) return false;
  file_lines_ = children_.size();
  have_file_ = true;
  return true;
}

void OrphanGuard::resume(const std::string& pidfile, MainLog& log) {
  log_ = &log;
  path_ = childStatePath(pidfile);
  boot_id_ = readBootId();
  children_.clear();
  for (const ChildRecord& r : parseChildState(slurp(path_)).children) children_[r.name] = r;
}

void OrphanGuard::saveNow() {
  if (path_.empty() || !save_pending_) return;
  save();
}

void OrphanGuard::stopLeftovers(const std::string& pidfile, MainLog& log) {
  log_ = &log;
  path_ = childStatePath(pidfile);
  boot_id_ = readBootId();
  ChildState previous = parseChildState(slurp(path_));
  struct Orphan {
    ChildRecord record;
    OrphanStop plan;
    std::chrono::steady_clock::time_point deadline;
    bool killed = false;
  };
  std::vector<Orphan> orphans;
  auto now = std::chrono::steady_clock::now();
  for (const ChildRecord& r : previous.children) {
    auto plan = planOrphanStop(r, previous.boot_id, boot_id_, readProcStat(r.pid));
    if (!plan) continue;
    log.warn("stopping orphan '" + r.name + "' (pid " + std::to_string(r.pid) +
             ") left by a supervisord that did not stop it: SIG" + signalName(plan->stop_signal) +
             " to " + targetText(plan->stop_target));
    ::kill(plan->stop_target, plan->stop_signal);
    orphans.push_back(Orphan{r, *plan, now + plan->wait});
  }
  // Each orphan gets its own stopwaitsecs, then SIGKILL and at most 2 s more.
  while (true) {
    orphans.erase(std::remove_if(orphans.begin(), orphans.end(),
                                 [](const Orphan& o) { return exited(o.record.pid); }),
                  orphans.end());
    if (orphans.empty()) break;
    now = std::chrono::steady_clock::now();
    auto next = orphans.front().deadline;
    for (const Orphan& o : orphans) next = std::min(next, o.deadline);
    if (next > now) {
      std::vector<int> pids;
      for (const Orphan& o : orphans) pids.push_back(o.record.pid);
      waitExited(pids, next);
      continue;
    }
    for (auto it = orphans.begin(); it != orphans.end();) {
      if (it->deadline > now) {
        ++it;
      } else if (!it->killed) {
        log.warn("killing orphan '" + it->record.name + "' (pid " + std::to_string(it->record.pid) +
                 ") with SIGKILL to " + targetText(it->plan.kill_target));
        ::kill(it->plan.kill_target, SIGKILL);
        it->killed = true;
        it->deadline = now + std::chrono::seconds(2);
        ++it;
      } else {
        log.error("orphan '" + it->record.name + "' (pid " + std::to_string(it->record.pid) +
                  ") survived SIGKILL");
        it = orphans.erase(it);
      }
    }
  }
  ::unlink(path_.c_str());
}

}  // namespace sup
