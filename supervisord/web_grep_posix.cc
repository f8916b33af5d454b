// The system calls of the web page's Grep (web_grep.h): supervisorctl grep
// started under an intermediate process with no exit signal (clone3,
// CLONE_PIDFD, exit_signal 0), reaped here through its pidfd, so that the
// Supervisor's waitpid(-1) never collects a child it does not know (and
// logs no "reaped unknown pid"). The intermediate waits for the search
// itself: were it to leave at once, the search would be re-parented to the
// nearest reaper, which is this daemon when it runs as PID 1 in a container.
// Its output is read on the event loop; too much output or too much time
// kills the search's process group, of which the intermediate is no member.
#include <fcntl.h>
#include <sched.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <csignal>
#include <cstring>
#include <memory>
#include <optional>

#include "supervisord/event_loop.h"
#include "supervisord/pidfd_child.h"
#include "supervisord/web_grep.h"

extern char** environ;

namespace sup::web {
namespace {

// The kernel's struct sigaction for rt_sigaction (not libc's).
struct KernelSigaction {
  void (*handler)(int);
  unsigned long flags;
  void (*restorer)();
  unsigned long mask;
};

class GrepChild : public std::enable_shared_from_this<GrepChild> {
 public:
  GrepChild(EventLoop& loop, GrepLimits limits, std::function<void(std::string)> done)
      : loop_(loop), limits_(limits), done_(std::move(done)) {}
  ~GrepChild() { cleanUp(); }

  void start(const std::string& ctl, const std::vector<std::string>& args,
             const std::string& input) {
    std::vector<std::string> argv_storage{ctl};
    argv_storage.insert(argv_storage.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& s : argv_storage) argv.push_back(s.data());
    argv.push_back(nullptr);
    int in[2], out[2], cfg[2];
    if (::pipe2(in, O_CLOEXEC) < 0) return fail(std::string("pipe: ") + std::strerror(errno));
    if (::pipe2(cfg, O_CLOEXEC) < 0) {
      ::close(in[0]);
      ::close(in[1]);
      return fail(std::string("pipe: ") + std::strerror(errno));
    }
    if (::pipe2(out, O_CLOEXEC) < 0) {
      for (int fd : {in[0], in[1], cfg[0], cfg[1]}) ::close(fd);
      return fail(std::string("pipe: ") + std::strerror(errno));
    }
    {
      ssize_t n = ::write(cfg[1], kCtlConfig.data(), kCtlConfig.size());
      (void)n;  // 16 bytes into an empty pipe
      ::close(cfg[1]);
    }
    // Two lines: they fit the pipe's buffer, so this never waits.
    if (!input.empty()) {
      ssize_t n = ::write(in[1], input.data(), input.size());
      (void)n;  // a short write only shortens the list: the search then says so
    }
    ::close(in[1]);
    // An intermediate process with no exit signal starts the search in a
    // process group of its own (numbered by the intermediate's pid, the
    // pid we know), steps back into ours, drops every descriptor, and waits
    // for the search: the search is always its child, never an orphan, and
    // its end is the intermediate's end, which the pidfd reports.
    pid_t home_group = ::getpgrp();
    long pid = forkWithPidfd(&pidfd_, 0);
    if (pid == 0) {
      // A copy of us: system calls only.
      ::syscall(SYS_setpgid, 0, 0);
      long grep = ::syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
      if (grep == 0) {
        // The search. Signals the daemon blocks (its signalfd) or ignores
        // (SIGPIPE) must not stay so.
        ::syscall(SYS_dup2, in[0], 0);
        ::syscall(SYS_dup2, out[1], 1);
        ::syscall(SYS_dup2, out[1], 2);
        ::syscall(SYS_dup2, cfg[0], 3);
        ::syscall(SYS_fcntl, 3, F_SETFD, 0);  // dup2 onto itself keeps O_CLOEXEC
        ::syscall(SYS_close_range, 4, UINT_MAX, 0);
        unsigned long none = 0;
        ::syscall(SYS_rt_sigprocmask, SIG_SETMASK, &none, nullptr, sizeof none);
        KernelSigaction dfl{SIG_DFL, 0, nullptr, 0};
        ::syscall(SYS_rt_sigaction, SIGPIPE, &dfl, nullptr, sizeof dfl.mask);
        ::syscall(SYS_execve, argv[0], argv.data(), environ);
        const char msg[] = "supervisord: cannot execute supervisorctl for grep\n";
        ::syscall(SYS_write, 2, msg, sizeof msg - 1);
        ::syscall(SYS_exit_group, 127);
      }
      // Out of the search's group, so a kill of the group spares the
      // waiter; without the daemon's descriptors, so no socket or pipe of
      // the daemon stays open for as long as the search runs.
      ::syscall(SYS_setpgid, 0, home_group);
      ::syscall(SYS_close_range, 0, UINT_MAX, 0);
      if (grep > 0) {
        int status = 0;
        while (::syscall(SYS_wait4, grep, &status, 0, nullptr) < 0 && errno == EINTR) {
        }
      }
      ::syscall(SYS_exit_group, grep < 0 ? 127 : 0);
    }
    int err = errno;
    ::close(in[0]);
    ::close(cfg[0]);
    ::close(out[1]);
    if (pid < 0) {
      ::close(out[0]);
      pidfd_ = -1;
      return fail(std::string("clone3: ") + std::strerror(err));
    }
    pid_ = static_cast<int>(pid);
    out_fd_ = out[0];
    ::fcntl(out_fd_, F_SETFL, ::fcntl(out_fd_, F_GETFL) | O_NONBLOCK);
    // The callbacks hold this object until it has answered and reaped.
    auto self = shared_from_this();
    loop_.watch(out_fd_, EPOLLIN, [self](uint32_t) { self->onOutput(); });
    loop_.watch(pidfd_, EPOLLIN, [self](uint32_t) { self->onExit(); });
    timer_ = loop_.after(limits_.timeout, [self] {
      self->timer_.reset();
      self->timed_out_ = true;
      self->finish();
    });
  }

 private:
  void fail(const std::string& why) {
    if (auto done = std::move(done_)) done("grep could not start: " + why + "\n");
  }

  void onOutput() {
    char buf[16384];
    while (out_fd_ >= 0) {
      ssize_t n = ::read(out_fd_, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && errno == EAGAIN) return;
      if (n <= 0) break;  // EOF: the child is done writing
      std::size_t room = limits_.max_output_bytes - output_.size();
      output_.append(buf, std::min(room, static_cast<std::size_t>(n)));
      if (static_cast<std::size_t>(n) > room) {
        cut_ = true;
        break;
      }
    }
    finish();
  }

  // The pidfd is readable: the intermediate has exited, after the search.
  // Reap it: nobody else will, it has no exit signal.
  void onExit() {
    siginfo_t info{};
    int r = waitPidfd(pidfd_, &info, WEXITED | __WALL | WNOHANG);
    if (r == 0 && info.si_pid == 0) return;  // not yet
    loop_.unwatch(pidfd_);
    ::close(pidfd_);
    pidfd_ = -1;
  }

  // Answer once: at the end of the output, on too much output, or on time
  // out; a search still running is killed (its process group).
  void finish() {
    if (!done_) return;
    auto done = std::move(done_);
    done_ = nullptr;
    if (timer_) {
      loop_.cancel(*timer_);
      timer_.reset();
    }
    if (out_fd_ >= 0) {
      loop_.unwatch(out_fd_);
      ::close(out_fd_);
      out_fd_ = -1;
    }
    if (cut_ || timed_out_) killSearch();
    done(grepText(std::move(output_), cut_, timed_out_, limits_));
  }

  // The intermediate steps out of the search's group just after starting
  // it. Until it has (a loaded machine can run the search first), a kill
  // of the group would take the intermediate too and orphan the search to
  // the nearest reaper: then the closed pipe ends the search instead, with
  // SIGPIPE at its next write, since it was writing when it was cut.
  void killSearch() {
    if (::getpgid(pid_) != pid_) ::kill(-pid_, SIGKILL);
  }

  // Only when the loop itself goes (its callbacks held this object): no
  // loop calls then.
  void cleanUp() {
    if (out_fd_ >= 0) ::close(out_fd_);
    if (pidfd_ >= 0) ::close(pidfd_);
    if (done_ && pid_ > 0) ::kill(-pid_, SIGKILL);
  }

  EventLoop& loop_;
  GrepLimits limits_;
  std::function<void(std::string)> done_;
  int pidfd_ = -1;
  int pid_ = 0;
  int out_fd_ = -1;
  std::optional<EventLoop::TimerId> timer_;
  std::string output_;
  bool cut_ = false;
  bool timed_out_ = false;
};

}  // namespace

std::string supervisorctlPath() {
  char buf[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return "supervisorctl";
  std::string self(buf, static_cast<std::size_t>(n));
  return self.substr(0, self.rfind('/') + 1) + "supervisorctl";
}

void runGrepChild(EventLoop& loop, const std::string& ctl, const std::vector<std::string>& args,
                  const std::string& input, const GrepLimits& limits,
                  std::function<void(std::string)> done) {
  auto child = std::make_shared<GrepChild>(loop, limits, std::move(done));
  child->start(ctl, args, input);
}

}  // namespace sup::web
