// The system calls of the re-exec (reexec.h): where this binary lives, the
// probe child (clone3 with a pidfd and no exit signal, so the Supervisor's
// waitpid(-1) never sees it), the memfd and FD_CLOEXEC juggling around
// execve, and taking the hand-over in the new image.
#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/auxv.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>

#include "supervisord/pidfd_child.h"
#include "supervisord/reexec.h"

extern char** environ;

namespace sup {
namespace {

// argv/envp arrays over strings that outlive them.
std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// This process's environment without `drop`, plus `add` ("K=V"), if any.
std::vector<std::string> environmentWith(const char* drop, const std::string& add) {
  std::vector<std::string> env;
  std::string prefix = std::string(drop) + "=";
  for (char** e = environ; e && *e; ++e)
    if (std::strncmp(*e, prefix.c_str(), prefix.size()) != 0) env.emplace_back(*e);
  if (!add.empty()) env.push_back(add);
  return env;
}

bool setCloexec(int fd, bool on) {
  int flags = ::fcntl(fd, F_GETFD);
  if (flags < 0) return false;
  return ::fcntl(fd, F_SETFD, on ? flags | FD_CLOEXEC : flags & ~FD_CLOEXEC) == 0;
}

// Every open fd above 2 (but the directory's own).
std::vector<int> openFds() {
  std::vector<int> out;
  DIR* d = ::opendir("/proc/self/fd");
  if (!d) return out;
  while (dirent* e = ::readdir(d)) {
    char* end = nullptr;
    long fd = std::strtol(e->d_name, &end, 10);
    if (end == e->d_name || *end != '\0' || fd <= 2 || fd == ::dirfd(d)) continue;
    out.push_back(static_cast<int>(fd));
  }
  ::closedir(d);
  return out;
}

}  // namespace

LaunchInfo currentLaunch(int argc, char** argv) {
  LaunchInfo launch;
  for (int i = 0; i < argc; ++i) launch.argv.emplace_back(argv[i]);
  const char* execfn = reinterpret_cast<const char*>(::getauxval(AT_EXECFN));
  std::string path = execfn ? execfn : "";
  if (!path.empty() && path[0] != '/') {
    char cwd[4096];
    if (::getcwd(cwd, sizeof cwd)) path = std::string(cwd) + "/" + path;
  }
  struct stat st {};
  if (path.empty() || ::stat(path.c_str(), &st) != 0) {
    char buf[4096];
    ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
    path = n > 0 ? std::string(buf, static_cast<size_t>(n)) : "";
  }
  launch.executable = path;
  return launch;
}

void closeFds(const std::vector<int>& fds) {
  for (int fd : fds) ::close(fd);
}

// ---- the probe ------------------------------------------------------------

ReexecProbe::ReexecProbe(EventLoop& loop, const LaunchInfo& target,
                         std::chrono::milliseconds timeout, Done done)
    : loop_(loop), done_(std::move(done)) {
  std::vector<std::string> argv_storage = target.argv;
  if (argv_storage.empty()) argv_storage.push_back(target.executable);
  std::vector<std::string> env_storage =
      environmentWith(kHandOverFdEnv, std::string(kReexecProbeEnv) + "=1");
  std::vector<char*> argv = pointers(argv_storage);
  std::vector<char*> envp = pointers(env_storage);
  int out[2];
  if (::pipe2(out, O_CLOEXEC) < 0) {
    start_error_ = std::strerror(errno);
    return;
  }
  int devnull = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  // SIGCHLD: its exec would make it so anyway, and the Supervisor's reap()
  // may then collect it first (reaped() takes the status from there).
  long pid = forkWithPidfd(&pidfd_, SIGCHLD);
  if (pid == 0) {
    // The child (a copy of us): system calls only, then exec.
    ::syscall(SYS_dup2, devnull, 0);
    ::syscall(SYS_dup2, out[1], 1);
    ::syscall(SYS_dup2, out[1], 2);
    unsigned long none = 0;
    ::syscall(SYS_rt_sigprocmask, SIG_SETMASK, &none, nullptr, sizeof none);
    ::syscall(SYS_execve, target.executable.c_str(), argv.data(), envp.data());
    const char msg[] = "supervisord: cannot execute the re-exec target\n";
    ::syscall(SYS_write, 2, msg, sizeof msg - 1);
    ::syscall(SYS_exit_group, 127);
  }
  int err = errno;
  ::close(out[1]);
  if (devnull >= 0) ::close(devnull);
  if (pid < 0) {
    ::close(out[0]);
    start_error_ = std::string("clone3: ") + std::strerror(err);
    return;
  }
  pid_ = static_cast<int>(pid);
  out_fd_ = out[0];
  ::fcntl(out_fd_, F_SETFL, ::fcntl(out_fd_, F_GETFL) | O_NONBLOCK);
  loop_.watch(out_fd_, EPOLLIN, [this](uint32_t) { onOutput(); });
  loop_.watch(pidfd_, EPOLLIN, [this](uint32_t) { onExit(); });
  timer_ = loop_.after(timeout, [this] {
    timer_ = 0;
    ::kill(pid_, SIGKILL);
    finish(true);
  });
}

ReexecProbe::~ReexecProbe() {
  if (timer_) loop_.cancel(timer_);
  if (out_fd_ >= 0) {
    loop_.unwatch(out_fd_);
    ::close(out_fd_);
  }
  if (pidfd_ >= 0) {
    if (loop_.watching(pidfd_)) loop_.unwatch(pidfd_);
    if (!exited_) {
      ::kill(pid_, SIGKILL);
      siginfo_t info{};
      waitPidfd(pidfd_, &info, WEXITED);
    }
    ::close(pidfd_);
  }
}

void ReexecProbe::onOutput() {
  char buf[4096];
  while (out_fd_ >= 0) {
    ssize_t n = ::read(out_fd_, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return;
    if (n <= 0) {
      loop_.unwatch(out_fd_);
      ::close(out_fd_);
      out_fd_ = -1;
      break;
    }
    if (output_.size() < 64 * 1024) output_.append(buf, static_cast<size_t>(n));
  }
  if (exited_) finish(false);
}

void ReexecProbe::onExit() {
  siginfo_t info{};
  if (waitPidfd(pidfd_, &info, WEXITED | WNOHANG) < 0) {
    // Reaped already by the Supervisor's waitpid(-1): reaped() has (or will
    // have) the status. The pidfd stays readable: stop watching it.
    if (loop_.watching(pidfd_)) loop_.unwatch(pidfd_);
    return;
  }
  if (info.si_pid == 0) return;
  switch (info.si_code) {
    case CLD_EXITED:
      exitedWith((info.si_status & 0xff) << 8);
      break;
    case CLD_DUMPED:
      exitedWith((info.si_status & 0x7f) | 0x80);
      break;
    default:
      exitedWith(info.si_status & 0x7f);
      break;
  }
}

bool ReexecProbe::reaped(int pid, int wait_status) {
  if (pid != pid_ || exited_) return false;
  exitedWith(wait_status);
  return true;
}

void ReexecProbe::exitedWith(int wait_status) {
  exited_ = true;
  wait_status_ = wait_status;
  if (loop_.watching(pidfd_)) loop_.unwatch(pidfd_);
  // What it wrote is in the pipe now; a grandchild holding the pipe open
  // must not keep us waiting for EOF.
  if (out_fd_ >= 0) onOutput();
  finish(false);
}

void ReexecProbe::finish(bool timed_out) {
  if (!done_ || (!timed_out && !exited_)) return;
  if (timer_) loop_.cancel(timer_);
  timer_ = 0;
  Done done = std::move(done_);
  done_ = nullptr;
  done(wait_status_, std::move(output_), timed_out);
}

// ---- the exec ---------------------------------------------------------------

std::string execWithHandOver(const LaunchInfo& target, const std::string& bytes,
                             const std::vector<int>& fds) {
  int memfd = ::memfd_create("supervisord-handover", MFD_CLOEXEC);
  if (memfd < 0) return std::string("memfd_create: ") + std::strerror(errno);
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(memfd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      std::string why = std::string("writing the hand-over: ") + std::strerror(errno);
      ::close(memfd);
      return why;
    }
    done += static_cast<std::size_t>(n);
  }
  // Exactly these fds cross the exec; every other one closes there.
  std::vector<int> crossing = fds;
  crossing.push_back(memfd);
  for (int fd : crossing) setCloexec(fd, false);
  std::vector<std::string> argv_storage = target.argv;
  if (argv_storage.empty()) argv_storage.push_back(target.executable);
  std::vector<std::string> env_storage =
      environmentWith(kHandOverFdEnv, std::string(kHandOverFdEnv) + "=" + std::to_string(memfd));
  std::vector<char*> argv = pointers(argv_storage);
  std::vector<char*> envp = pointers(env_storage);
  ::execve(target.executable.c_str(), argv.data(), envp.data());
  int err = errno;
  for (int fd : crossing) setCloexec(fd, true);
  ::close(memfd);
  return std::string("execve: ") + std::strerror(err);
}

// ---- the new image ------------------------------------------------------------

IncomingHandOver takeIncomingHandOver() {
  IncomingHandOver in;
  const char* value = std::getenv(kHandOverFdEnv);
  if (!value) return in;
  in.present = true;
  std::string text = value;
  ::unsetenv(kHandOverFdEnv);
  char* end = nullptr;
  long memfd = std::strtol(text.c_str(), &end, 10);
  std::string bytes;
  if (end == text.c_str() || *end != '\0' || memfd < 3 || memfd > 1 << 20) {
    in.error = "the hand-over fd '" + text + "' is not a number";
    memfd = -1;
  } else {
    struct stat st {};
    if (::fstat(static_cast<int>(memfd), &st) < 0 || !S_ISREG(st.st_mode)) {
      in.error = "the hand-over fd " + text + " is not open";
    } else if (static_cast<std::uint64_t>(st.st_size) > handover::kMaxBytes) {
      in.error = "the hand-over is too large";
    } else {
      bytes.resize(static_cast<std::size_t>(st.st_size));
      std::size_t got = 0;
      while (got < bytes.size()) {
        ssize_t n = ::pread(static_cast<int>(memfd), bytes.data() + got, bytes.size() - got,
                            static_cast<off_t>(got));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        got += static_cast<std::size_t>(n);
      }
      bytes.resize(got);
    }
    ::close(static_cast<int>(memfd));
  }
  if (in.error.empty()) {
    auto decoded = handover::decode(bytes);
    if (!decoded) {
      in.error = decoded.error().message;
    } else {
      for (int fd : decoded->fds()) {
        if (::fcntl(fd, F_GETFD) < 0) {
          in.error = "the hand-over names fd " + std::to_string(fd) + ", which is not open";
          break;
        }
      }
      if (in.error.empty()) in.state = std::move(*decoded);
    }
  }
  std::vector<int> named = in.state ? in.state->fds() : std::vector<int>{};
  std::sort(named.begin(), named.end());
  for (int fd : openFds()) {
    if (std::binary_search(named.begin(), named.end(), fd)) continue;
    struct stat st {};
    if (!in.state && ::fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode)) {
      ::fcntl(fd, F_SETFD, FD_CLOEXEC);
      in.leftover_pipes.push_back(fd);
    } else {
      ::close(fd);  // the pidfile lock and sockets of a hand-over we cannot use, or strays
    }
  }
  if (in.state) {
    // Ours from now on; programs started later must not inherit them.
    for (int fd : named) ::fcntl(fd, F_SETFD, FD_CLOEXEC);
  }
  return in;
}

}  // namespace sup
