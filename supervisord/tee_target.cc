#include "supervisord/tee_target.h"

#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>

#include "supervisord/event_loop.h"
#include "supervisord/main_log.h"

namespace sup {
namespace {

// /dev/stdout, /dev/stderr, /dev/fd/N, /proc/self/fd/N: our own fd N.
int ownFd(const std::string& path) {
  if (path == "/dev/stdout") return 1;
  if (path == "/dev/stderr") return 2;
  for (const char* dir : {"/dev/fd/", "/proc/self/fd/"}) {
    size_t n = std::strlen(dir);
    if (path.compare(0, n, dir) == 0 && path.size() > n &&
        path.find_first_not_of("0123456789", n) == std::string::npos && path.size() - n < 6) {
      return std::stoi(path.substr(n));
    }
  }
  return -1;
}

}  // namespace

TeeTarget::TeeTarget(EventLoop& loop, MainLog& log, std::string path, int fd, bool use_send,
                     bool pollable)
    : loop_(loop),
      log_(log),
      path_(std::move(path)),
      fd_(fd),
      use_send_(use_send),
      pollable_(pollable) {}

TeeTarget::~TeeTarget() {
  if (fd_ < 0) return;
  writeSome();  // a last try: what still does not fit is lost with the target
  if (watching_) loop_.unwatch(fd_);
  ::close(fd_);
}

bool TeeTarget::push(std::string_view prefix, std::string_view line) {
  if (fd_ < 0) return false;
  if (!buf_.fits(prefix.size() + line.size() + 1) && !blocked_) {
    // A read of 256 KiB with its prefixes may not fit a queue of 256 KiB:
    // make room by writing now, unless the target said it would block
    // since the last flush (then a write per line would only hear EAGAIN).
    if (int err = writeSome()) {
      fail(err);
      return false;
    }
  }
  return buf_.push(prefix, line);
}

void TeeTarget::flush() {
  blocked_ = false;
  int err = writeSome();
  if (err) return fail(err);
  if (fd_ < 0) return;
  bool want = !buf_.empty();
  if (want && !watching_) {
    try {
      loop_.watch(fd_, EPOLLOUT, [this](uint32_t) { flush(); });
    } catch (const std::exception&) {
      return fail(EPERM);  // a device epoll cannot watch, that still said EAGAIN
    }
    watching_ = true;
  } else if (!want && watching_) {
    loop_.unwatch(fd_);
    watching_ = false;
  }
}

int TeeTarget::writeSome() {
  while (fd_ >= 0 && !buf_.empty()) {
    std::string_view data = buf_.pending();
    ssize_t n = use_send_ ? ::send(fd_, data.data(), data.size(), MSG_DONTWAIT | MSG_NOSIGNAL)
                          : ::write(fd_, data.data(), data.size());
    if (n > 0) {
      buf_.consume(static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && pollable_) {
      blocked_ = true;
      break;
    }
    return n < 0 ? errno : EIO;
  }
  return 0;
}

void TeeTarget::fail(int err) {
  log_.error("tee target " + path_ + " cannot be written: " + std::strerror(err) +
             "; lines for it are dropped until a program that tees to it starts again");
  buf_.discard();
  if (watching_) loop_.unwatch(fd_);
  watching_ = false;
  ::close(fd_);
  fd_ = -1;
}

std::shared_ptr<TeeTarget> TeeTargets::get(EventLoop& loop, MainLog& log, const std::string& path,
                                           std::string* error) {
  auto it = open_.find(path);
  if (it != open_.end()) {
    if (auto t = it->second.lock(); t && !t->failed()) return t;
  }
  int fd = -1;
  bool use_send = false;
  struct stat st;
  int own = ownFd(path);
  if (own >= 0 && ::fstat(own, &st) == 0 && (S_ISREG(st.st_mode) || S_ISSOCK(st.st_mode))) {
    // Our own fd 1 or 2 (with -n, where the main log goes too): a file is
    // shared as it is (same offset, so the two writers never overwrite each
    // other; a file never makes a write wait); a socket (systemd's journal
    // stream) cannot be opened by name, so it is shared and written with
    // MSG_DONTWAIT.
    fd = ::fcntl(own, F_DUPFD_CLOEXEC, 3);
    use_send = fd >= 0 && S_ISSOCK(st.st_mode);
  } else {
    // A new open file description, so O_NONBLOCK is ours alone (for a
    // /dev/stdout pipe: not on the daemon's own fd 1).
    fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_NONBLOCK | O_CLOEXEC | O_NOCTTY | O_CREAT,
                0644);
  }
  if (fd < 0) {
    if (error) *error = std::strerror(errno);
    return nullptr;
  }
  bool pollable = ::fstat(fd, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode);
  auto t = std::make_shared<TeeTarget>(loop, log, path, fd, use_send, pollable);
  open_[path] = t;
  return t;
}

}  // namespace sup
