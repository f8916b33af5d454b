#include "supervisord/daemon.h"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace sup {

PidFile::~PidFile() {
  if (fd_ >= 0) ::close(fd_);
}

Status PidFile::lock(const std::string& path) {
  path_ = path;
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) return Error{"could not open pidfile " + path + ": " + std::strerror(errno)};
  if (::flock(fd_, LOCK_EX | LOCK_NB) < 0) {
    int err = errno;
    char buf[32] = {0};
    ssize_t n = ::pread(fd_, buf, sizeof buf - 1, 0);
    std::string holder = n > 0 ? std::string(buf, static_cast<size_t>(n)) : "";
    while (!holder.empty() && (holder.back() == '\n' || holder.back() == ' ')) holder.pop_back();
    ::close(fd_);
    fd_ = -1;
    if (err == EWOULDBLOCK) {
      return Error{"Another supervisord is already running" +
                   (holder.empty() ? std::string() : " with pid " + holder) + " (pidfile " + path +
                   " is locked)"};
    }
    return Error{"could not lock pidfile " + path + ": " + std::strerror(err)};
  }
  return okStatus();
}

void PidFile::adopt(const std::string& path, int fd) {
  if (fd_ >= 0) ::close(fd_);
  path_ = path;
  fd_ = fd;
  ::fcntl(fd_, F_SETFD, FD_CLOEXEC);
}

Status PidFile::write() {
  std::string text = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd_, 0) < 0 || ::pwrite(fd_, text.data(), text.size(), 0) < 0)
    return Error{"could not write pidfile " + path_};
  return okStatus();
}

void PidFile::remove() {
  if (fd_ < 0) return;
  ::unlink(path_.c_str());
  ::close(fd_);
  fd_ = -1;
}

Status setUidOrExit(const std::optional<std::string>& user, StartupMessages& msgs) {
  if (!user) {
    if (::getuid() == 0) {
      msgs.criticals.push_back(
          "Supervisor is running as root.  Privileges were not dropped because no user is "
          "specified in the config file.  If you intend to run as root, you can set user=root in "
          "the config file to avoid this message.");
    }
    return okStatus();
  }
  struct passwd* pw = nullptr;
  char* end = nullptr;
  long n = std::strtol(user->c_str(), &end, 10);
  if (!user->empty() && *end == '\0') {
    pw = ::getpwuid(static_cast<uid_t>(n));
    if (!pw) return Error{"Can't find uid " + *user};
  } else {
    pw = ::getpwnam(user->c_str());
    if (!pw) return Error{"Can't find username '" + *user + "'"};
  }
  uid_t uid = pw->pw_uid;
  if (::getuid() != uid) {
    if (::getuid() != 0) return Error{"Can't drop privilege as nonroot user"};
    if (::initgroups(pw->pw_name, pw->pw_gid) < 0) return Error{"Could not set groups of effective user"};
    if (::setgid(pw->pw_gid) < 0) return Error{"Could not set group id of effective user"};
    if (::setuid(uid) < 0) return Error{"Could not set user id of effective user"};
  }
  msgs.infos.push_back("Set uid to user " + std::to_string(uid) + " succeeded");
  return okStatus();
}

Status setRlimitsOrExit(long long minfds, long long minprocs, StartupMessages& msgs) {
  struct Limit {
    int resource;
    const char* name;
    long long min;
    const char* what;
    const char* option;
  };
  const Limit limits[] = {
      {RLIMIT_NOFILE, "RLIMIT_NOFILE", minfds, "file descriptors required to run this process",
       "minfds"},
      {RLIMIT_NPROC, "RLIMIT_NPROC", minprocs, "available processes required to run this program",
       "minprocs"},
  };
  for (const Limit& l : limits) {
    struct rlimit rl{};
    if (::getrlimit(l.resource, &rl) < 0) continue;
    rlim_t want = static_cast<rlim_t>(l.min);
    if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= want) continue;
    rlim_t hard = rl.rlim_max;
    std::string hard_text = hard == RLIM_INFINITY ? "-1" : std::to_string(hard);
    if (hard != RLIM_INFINITY && hard < want) hard = want;
    struct rlimit next{want, hard};
    if (::setrlimit(l.resource, &next) < 0) {
      bool fds = l.resource == RLIMIT_NOFILE;
      return Error{std::string("The minimum number of ") + l.what + " is " + std::to_string(l.min) +
                   " as per the \"" + l.option +
                   "\" command-line argument or config file setting. The current environment will "
                   "only allow you to open " +
                   hard_text + (fds ? " file descriptors" : " processes") +
                   ".  Either raise the number of usable " +
                   (fds ? "file descriptors" : "processes") +
                   " in your environment (see README.rst) or lower the " + l.option +
                   " setting in the config file to allow the " + (fds ? "process" : "program") +
                   " to start."};
    }
    msgs.infos.push_back(std::string("Increased ") + l.name + " limit to " + std::to_string(l.min));
  }
  return okStatus();
}

std::vector<std::pair<bool, std::string>> daemonize(const std::optional<std::string>& directory,
                                                    int umask) {
  std::vector<std::pair<bool, std::string>> msgs;  // (critical?, text)
  pid_t pid = ::fork();
  if (pid < 0) {
    msgs.emplace_back(true, std::string("could not fork to daemonize: ") + std::strerror(errno));
    return msgs;
  }
  if (pid > 0) ::_exit(0);
  msgs.emplace_back(false, "daemonizing the supervisord process");
  if (directory) {
    if (::chdir(directory->c_str()) < 0) {
      msgs.emplace_back(true, "can't chdir into '" + *directory + "': " + std::strerror(errno));
    } else {
      msgs.emplace_back(false, "set current directory: '" + *directory + "'");
    }
  }
  int devnull = ::open("/dev/null", O_RDWR);
  if (devnull >= 0) {
    ::dup2(devnull, 0);
    ::dup2(devnull, 1);
    ::dup2(devnull, 2);
    if (devnull > 2) ::close(devnull);
  }
  ::setsid();
  ::umask(static_cast<mode_t>(umask));
  return msgs;
}

}  // namespace sup
