// Starting a supervised program (clone with vfork semantics, then exec) the way Supervisor's
// Subprocess._spawn_as_child sets the child up: own process group, pipes on
// 0/1/2, every other fd closed, user, environment, directory, umask, execve.
// Unlike Supervisor, a failure between fork and exec is reported back to the
// parent at once through a close-on-exec pipe, so the real cause is logged.
#include <fcntl.h>
#include <grp.h>
#include <linux/close_range.h>
#include <pwd.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "common/py_text.h"
#include "supervisord/child_environment.h"
#include "supervisord/spawner.h"

extern char** environ;

namespace sup {

static std::string errnoName(int err) {
  const char* name = strerrorname_np(err);
  return name ? name : std::to_string(err);
}

static std::vector<std::string> searchPath(const ProcessConfig& config) {
  std::string path;
  if (const std::string* configured = config.environment.find("PATH")) {
    path = *configured;
  } else if (const char* env = std::getenv("PATH")) {
    path = env;
  } else {
    path = "/bin:/usr/bin:/usr/local/bin";
  }
  std::vector<std::string> dirs;
  size_t start = 0;
  while (true) {
    size_t colon = path.find(':', start);
    dirs.push_back(path.substr(start, colon - start));
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  return dirs;
}

CommandCheck resolveCommand(const ProcessConfig& config) {
  CommandCheck check;
  if (!config.argv) {
    check.error = config.argv_error.value_or("can't parse command " + py::repr(config.command));
    return check;
  }
  if (config.argv->empty()) {
    check.error = "command is empty";
    return check;
  }
  const std::string& program = config.argv->front();
  struct stat st {};
  bool found = false;
  if (program.find('/') != std::string::npos) {
    check.filename = program;
    found = ::stat(program.c_str(), &st) == 0;
  } else {
    check.filename = program;
    for (const auto& dir : searchPath(config)) {
      std::string candidate = dir.empty() ? program : dir + "/" + program;
      if (::stat(candidate.c_str(), &st) == 0) {
        check.filename = candidate;
        found = true;
        break;
      }
    }
  }
  if (!found) {
    check.error = "can't find command " + py::repr(check.filename);
    check.not_found = true;
  } else if (S_ISDIR(st.st_mode)) {
    check.error = "command at " + py::repr(check.filename) + " is a directory";
  } else if ((st.st_mode & 0111) == 0) {
    check.error = "command at " + py::repr(check.filename) + " is not executable";
  } else if (::access(check.filename.c_str(), X_OK) != 0) {
    check.error = "no permission to run command " + py::repr(check.filename);
  }
  return check;
}

namespace {

struct UserIds {
  uid_t uid;
  gid_t gid;
  std::string name;
};

// Everything the child needs, computed before the clone so the child only
// makes system calls: it runs in the parent's memory (vfork semantics) and
// must not allocate, take locks, or touch state glibc keeps for the parent.
struct ChildPlan {
  std::string filename;
  std::vector<std::string> argv_storage;
  std::vector<std::string> env_storage;
  std::vector<char*> argv;
  std::vector<char*> envp;
  std::optional<UserIds> user;
  std::vector<gid_t> groups;  // the user's supplementary groups (initgroups)
  std::optional<std::string> directory;
  std::optional<int> umask;
  long long minfds = 1024;
  // The exact texts of Supervisor's pre-exec failures, built in the parent.
  std::string setuid_prefix;  // "couldn't setuid to 1000: "
  std::string chdir_prefix;   // "couldn't chdir to /x: "
  std::string exec_prefix;    // "couldn't exec /x: "
  // Set up by spawn() just before the clone: the child's stdin/stdout/
  // stderr pipe ends and the exec-error pipe, each in one of the spawner's
  // low slots (FdSlots), all below `keep_below`.
  int in_r = -1, out_w = -1, err_w = -1, errfd = -1;
  unsigned keep_below = 3;
};

// ---- the child, between clone and exec ------------------------------------
// Only raw system calls from here on: no malloc, no stdio, no glibc wrapper
// that keeps state in (shared) memory, e.g. sigaction's handler table or
// setuid's all-threads broadcast.
//
// The child runs on its own stack inside the suspended parent's memory
// (CLONE_VM). AddressSanitizer cannot know that stack: its instrumentation
// (fake frames for use-after-return, __asan_handle_no_return before each
// [[noreturn]] call) would change allocator state shared with the parent and
// warn about the unknown stack. So the child's functions are not instrumented.
#define SUP_CHILD_CODE __attribute__((no_sanitize_address))

// Write the whole string, ignoring errors: used in the child before _exit.
SUP_CHILD_CODE void writeAll(int fd, const char* p, size_t left) {
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    p += n;
    left -= static_cast<size_t>(n);
  }
}

SUP_CHILD_CODE void writeAll(int fd, const char* s) {
  size_t n = 0;  // not strlen: the sanitizers intercept it
  while (s[n] != '\0') ++n;
  writeAll(fd, s, n);
}

// "ENOENT", or the number when glibc has no name for it.
SUP_CHILD_CODE const char* errnoNameInto(int err, char (&buf)[24]) {
  if (const char* name = strerrorname_np(err)) return name;
  char digits[16];
  int n = 0;
  unsigned v = static_cast<unsigned>(err < 0 ? -err : err);
  do digits[n++] = static_cast<char>('0' + v % 10);
  while ((v /= 10) != 0 && n < 15);
  int i = 0;
  if (err < 0) buf[i++] = '-';
  while (n > 0) buf[i++] = digits[--n];
  buf[i] = '\0';
  return buf;
}

// Supervisor's two stderr lines and the reason on the error pipe, then 127.
[[noreturn]] SUP_CHILD_CODE void childFail(int errfd, const std::string& prefix,
                                           const char* reason) {
  writeAll(2, "supervisor: ");
  writeAll(2, prefix.data(), prefix.size());
  writeAll(2, reason);
  writeAll(2, "\n");
  writeAll(errfd, prefix.data(), prefix.size());
  writeAll(errfd, reason);
  writeAll(2, "supervisor: child process was not spawned\n");
  ::syscall(SYS_exit_group, 127);
  __builtin_unreachable();
}

SUP_CHILD_CODE void closeFrom(unsigned first, unsigned last, long long minfds) {
  if (first > last) return;
  if (::syscall(SYS_close_range, first, last, 0) == 0) return;
  long long end = std::min<long long>(minfds, static_cast<long long>(last) + 1);
  for (long long fd = first; fd < end; ++fd) ::syscall(SYS_close, static_cast<int>(fd));
}

// The child shares the daemon's fd table (CLONE_FILES): copying all of it,
// only to close all but four, cost each spawn time in proportion to the
// daemon's open fds (3 pipes and 2 log files per program: 50,000 with
// 10,000 programs). Instead the child takes a private table holding only
// the fds below `keep_below`, where its four pipe ends wait in the
// spawner's slots: close_range(keep_below, ~0U, CLOSE_RANGE_UNSHARE) copies
// just those (Linux 5.9). Before that call the child must not change a fd:
// the table is still the daemon's. Without it: a whole private copy, as
// clone() without CLONE_FILES would have made.
SUP_CHILD_CODE bool takePrivateFdTable(unsigned keep_below) {
  if (::syscall(SYS_close_range, keep_below, ~0U, CLOSE_RANGE_UNSHARE) == 0) return true;
  return ::syscall(SYS_unshare, CLONE_FILES) == 0;
}

// The kernel's struct sigaction (not glibc's): for rt_sigaction directly.
struct KernelSigaction {
  void (*handler)(int);
  unsigned long flags;
  void (*restorer)();
  unsigned long mask;
};

SUP_CHILD_CODE int runChild(void* arg) {
  const ChildPlan& plan = *static_cast<const ChildPlan*>(arg);
  const int errfd = plan.errfd;
  ::syscall(SYS_setpgid, 0, 0);  // own group: Ctrl-C or a HUP to supervisord stays with it
  // Dispositions and the mask are inherited across exec; supervisord blocks
  // the signals it reads through signalfd, so give the program a clean slate.
  KernelSigaction dfl{};
  dfl.handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sig != SIGKILL && sig != SIGSTOP)
      ::syscall(SYS_rt_sigaction, sig, &dfl, nullptr, sizeof(unsigned long));
  }
  unsigned long none = 0;
  ::syscall(SYS_rt_sigprocmask, SIG_SETMASK, &none, nullptr, sizeof none);

  if (!takePrivateFdTable(plan.keep_below)) {
    childFail(errfd, plan.exec_prefix, "could not unshare the file descriptor table");
  }
  ::syscall(SYS_dup2, plan.in_r, 0);
  ::syscall(SYS_dup2, plan.out_w, 1);
  ::syscall(SYS_dup2, plan.err_w, 2);
  // Only 0-2 and the error pipe survive; the error pipe closes itself on exec.
  closeFrom(3, static_cast<unsigned>(errfd) - 1, plan.minfds);
  closeFrom(static_cast<unsigned>(errfd) + 1, ~0U, plan.minfds);

  if (plan.user && ::syscall(SYS_getuid) != static_cast<long>(plan.user->uid)) {
    if (::syscall(SYS_getuid) != 0) {
      childFail(errfd, plan.setuid_prefix, "Can't drop privilege as nonroot user");
    }
    if (::syscall(SYS_setgroups, plan.groups.size(), plan.groups.data()) < 0) {
      childFail(errfd, plan.setuid_prefix, "Could not set groups of effective user");
    }
    if (::syscall(SYS_setgid, plan.user->gid) < 0) {
      childFail(errfd, plan.setuid_prefix, "Could not set group id of effective user");
    }
    if (::syscall(SYS_setuid, plan.user->uid) < 0) {
      childFail(errfd, plan.setuid_prefix, "Could not set user id of effective user");
    }
  }
  char namebuf[24];
  if (plan.directory && ::syscall(SYS_chdir, plan.directory->c_str()) < 0) {
    childFail(errfd, plan.chdir_prefix, errnoNameInto(errno, namebuf));
  }
  if (plan.umask) ::syscall(SYS_umask, static_cast<mode_t>(*plan.umask));
  ::syscall(SYS_execve, plan.filename.c_str(), plan.argv.data(), plan.envp.data());
  childFail(errfd, plan.exec_prefix, errnoNameInto(errno, namebuf));
}

// Four low fd numbers the spawner keeps for the whole run, holding
// /dev/null between spawns: before a clone, the child's pipe ends are
// placed there (dup3 onto the slot, close-on-exec), so that they sit below
// every other fd of the daemon's but the first few, and the child's private
// fd table needs only the fds below the highest slot (takePrivateFdTable).
class FdSlots {
 public:
  ~FdSlots() {
    for (int fd : slots_)
      if (fd >= 0) ::close(fd);
    if (null_ >= 0) ::close(null_);
  }
  bool ready() const { return null_ >= 0; }
  /// Take the four lowest free numbers at or above 3 (early in the
  /// daemon's life, so they are low). False with errno on failure.
  bool reserve() {
    int null = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (null < 0) return false;
    for (int& fd : slots_) {
      if (fd < 0) fd = ::fcntl(null, F_DUPFD_CLOEXEC, 3);
      if (fd < 0) {
        ::close(null);
        return false;
      }
    }
    null_ = null;
    // Numbers are handed out lowest first, but be sure: the last is highest.
    std::sort(std::begin(slots_), std::end(slots_));
    return true;
  }
  /// Put these fds into the slots (dup3 keeps close-on-exec on the copies).
  void load(std::initializer_list<int> fds) {
    int i = 0;
    for (int fd : fds) ::dup3(fd, slots_[i++], O_CLOEXEC);
  }
  /// Back to /dev/null: the slots hold no reference to a child's pipe.
  void clear() {
    for (int fd : slots_) ::dup3(null_, fd, O_CLOEXEC);
  }
  int fd(int i) const { return slots_[i]; }

 private:
  int null_ = -1;
  int slots_[4] = {-1, -1, -1, -1};
};

class PosixSpawner final : public Spawner {
 public:
  // The slots are taken now, at start-up, while the lowest numbers are free
  // (spawn() tries again if this fails).
  PosixSpawner() { slots_.reserve(); }

  Result<SpawnedChild> spawn(const SpawnRequest& req) override {
    const ProcessConfig& c = *req.config;
    CommandCheck check = resolveCommand(c);
    if (!check.ok()) return Error{check.error};

    ChildPlan plan;
    plan.filename = check.filename;
    plan.argv_storage = *c.argv;
    plan.env_storage = childEnvironment(environ, *req.config, req.server_url, req.extra_environment);
    for (auto& a : plan.argv_storage) plan.argv.push_back(a.data());
    plan.argv.push_back(nullptr);
    for (auto& e : plan.env_storage) plan.envp.push_back(e.data());
    plan.envp.push_back(nullptr);
    plan.directory = c.directory;
    plan.umask = c.umask;
    plan.minfds = req.minfds;
    if (c.user) {
      auto ids = lookupUser(*c.user);
      if (!ids)
        return Error{"couldn't setuid to " + *c.user + ": Can't find username " +
                     py::repr(*c.user)};
      plan.user = ids;
      plan.setuid_prefix = "couldn't setuid to " + std::to_string(ids->uid) + ": ";
      // initgroups() reads the group database (NSS: files, sockets, malloc),
      // which the child must not do: look the groups up here.
      if (::getuid() == 0 && ::getuid() != ids->uid) plan.groups = groupsOf(*ids);
    }
    if (plan.directory) plan.chdir_prefix = "couldn't chdir to " + *plan.directory + ": ";
    plan.exec_prefix = "couldn't exec " + plan.argv_storage.front() + ": ";

    // stdin, stdout, stderr pipes [read, write] and the exec-error pipe.
    int p[4][2] = {{-1, -1}, {-1, -1}, {-1, -1}, {-1, -1}};
    auto closeAll = [&] {
      for (auto& pair : p)
        for (int& fd : pair)
          if (fd >= 0) ::close(fd), fd = -1;
    };
    for (int i = 0; i < 4; ++i) {
      if (i == 2 && c.redirect_stderr) continue;
      if (i == 0 && req.stdin_socket >= 0) continue;
      if (::pipe2(p[i], O_CLOEXEC) < 0) {
        int err = errno;
        closeAll();
        if (err == EMFILE || err == ENFILE)
          return Error{"too many open files to spawn " + py::repr(c.name)};
        return Error{"unknown error making dispatchers for " + py::repr(c.name) + ": " +
                     errnoName(err)};
      }
    }
    if (!slots_.ready() && !slots_.reserve()) {
      int err = errno;
      closeAll();
      return Error{"unknown error making dispatchers for " + py::repr(c.name) + ": " +
                   errnoName(err)};
    }
    // The child's four ends go into the low slots it keeps (the error pipe
    // in the highest, so the child closes everything else below it).
    slots_.load({req.stdin_socket >= 0 ? req.stdin_socket : p[0][0], p[1][1],
                 c.redirect_stderr ? p[1][1] : p[2][1], p[3][1]});
    plan.in_r = slots_.fd(0);
    plan.out_w = slots_.fd(1);
    plan.err_w = slots_.fd(2);
    plan.errfd = slots_.fd(3);
    plan.keep_below = static_cast<unsigned>(slots_.fd(3)) + 1;
    // vfork semantics: the child borrows our memory instead of a copy of it
    // (no page tables to copy, no copy-on-write faults in either process)
    // and we resume once it has exec'd or given up, a fraction of fork()'s
    // cost. Its own stack keeps our frames intact; an exec failure travels
    // back through the error pipe, complete by the time clone returns.
    char* stack = childStack();
    pid_t pid =
        stack ? ::clone(runChild, stack, CLONE_VM | CLONE_VFORK | CLONE_FILES | SIGCHLD, &plan)
              : -1;
    int clone_err = errno;
    // The slots let go of the child's ends, so its pipes see EOF when it exits.
    slots_.clear();
    if (pid < 0) {
      int err = stack ? clone_err : ENOMEM;
      closeAll();
      if (err == EAGAIN)
        return Error{"Too many processes in process table to spawn " + py::repr(c.name)};
      return Error{"unknown error during fork for " + py::repr(c.name) + ": " + errnoName(err)};
    }
    // Parent: close the child's ends, keep ours non-blocking.
    if (p[0][0] >= 0) ::close(p[0][0]);
    ::close(p[1][1]);
    if (p[2][1] >= 0) ::close(p[2][1]);
    ::close(p[3][1]);
    SpawnedChild child;
    child.pid = pid;
    child.stdin_fd = p[0][1];
    child.stdout_fd = p[1][0];
    child.stderr_fd = p[2][0];
    for (int fd : {child.stdin_fd, child.stdout_fd, child.stderr_fd}) {
      if (fd >= 0) ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    }
    child.exec_error = readExecError(p[3][0]);
    ::close(p[3][0]);
    return child;
  }

  CommandCheck checkCommand(const ProcessConfig& config) override { return resolveCommand(config); }

  int kill(int pid, int signo) override { return ::kill(pid, signo) == 0 ? 0 : errno; }

  std::vector<ReapedChild> reap() override {
    std::vector<ReapedChild> out;
    while (true) {
      int status = 0;
      pid_t pid = ::waitpid(-1, &status, WNOHANG);
      if (pid < 0 && errno == EINTR) continue;
      if (pid <= 0) break;  // 0: children remain but none exited; -1: ECHILD
      out.push_back(ReapedChild{pid, status});
    }
    return out;
  }

  ~PosixSpawner() override {
    if (stack_) ::munmap(stack_, kStackBytes);
  }

 private:
  static constexpr size_t kStackBytes = 256 * 1024;

  // The child's stack (it grows down from the returned top), mapped once.
  // Only the few pages the child touches become resident.
  char* childStack() {
    if (!stack_) {
      void* m = ::mmap(nullptr, kStackBytes, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
      if (m == MAP_FAILED) return nullptr;
      stack_ = static_cast<char*>(m);
    }
    return stack_ + kStackBytes;
  }

  // The clone returns once the child has exec'd or exited (vfork
  // semantics), and it writes its reason, if any, before exiting: whatever
  // the pipe holds now is all there will be, so this never waits.
  static std::string readExecError(int fd) {
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    std::string text;
    char buf[512];
    while (true) {
      ssize_t n = ::read(fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return text;  // EOF, or EAGAIN: an exec'ing child's end not closed yet
      text.append(buf, static_cast<size_t>(n));
    }
  }

  static std::vector<gid_t> groupsOf(const UserIds& ids) {
    std::vector<gid_t> groups(32);
    for (int tries = 0; tries < 4; ++tries) {
      int n = static_cast<int>(groups.size());
      if (::getgrouplist(ids.name.c_str(), ids.gid, groups.data(), &n) >= 0) {
        groups.resize(static_cast<size_t>(n));
        return groups;
      }
      groups.resize(static_cast<size_t>(n) > groups.size() ? static_cast<size_t>(n)
                                                           : groups.size() * 2);
    }
    return {ids.gid};
  }

  char* stack_ = nullptr;
  FdSlots slots_;

  static std::optional<UserIds> lookupUser(const std::string& user) {
    struct passwd* pw = nullptr;
    char* end = nullptr;
    long n = std::strtol(user.c_str(), &end, 10);
    if (!user.empty() && end && *end == '\0') {
      pw = ::getpwuid(static_cast<uid_t>(n));
    } else {
      pw = ::getpwnam(user.c_str());
    }
    if (!pw) return std::nullopt;
    return UserIds{pw->pw_uid, pw->pw_gid, pw->pw_name};
  }
};

}  // namespace

std::unique_ptr<Spawner> makePosixSpawner() {
  return std::make_unique<PosixSpawner>();
}

}  // namespace sup
