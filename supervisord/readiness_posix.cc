// Readiness's syscalls: the notify sockets, connect probes and exec probes
// (readiness.h). Everything is non-blocking and driven by the event loop.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstddef>
#include <cstdio>
#include <cstring>

#include "common/ready_check.h"
#include "supervisord/main_log.h"
#include "supervisord/process_state.h"
#include "supervisord/readiness.h"
#include "supervisord/spawner.h"

namespace sup {
namespace {

// A connect that neither succeeds nor fails within this is dropped and
// tried again (a host that drops SYNs would otherwise hold it for minutes).
constexpr std::chrono::seconds kConnectLimit{2};
// A probe command still running after this is killed and counts as a failure.
constexpr std::chrono::seconds kProbeLimit{10};
// What a failed probe's output is remembered by, for the debug log.
constexpr size_t kProbeTailBytes = 200;

uid_t programUid(const ProcessConfig& config) {
  if (!config.user) return ::geteuid();
  char* end = nullptr;
  unsigned long n = std::strtoul(config.user->c_str(), &end, 10);
  if (!config.user->empty() && end && *end == '\0') return static_cast<uid_t>(n);
  struct passwd* pw = ::getpwnam(config.user->c_str());
  return pw ? pw->pw_uid : ::geteuid();
}

std::string hex64() {
  unsigned long long v = 0;
  if (::getrandom(&v, sizeof v, GRND_NONBLOCK) != static_cast<ssize_t>(sizeof v)) {
    v = static_cast<unsigned long long>(
        std::chrono::steady_clock::now().time_since_epoch().count());
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", v);
  return buf;
}

void closeFd(EventLoop& loop, int& fd) {
  if (fd < 0) return;
  loop.unwatch(fd);
  ::close(fd);
  fd = -1;
}

}  // namespace

struct Readiness::Watch {
  Key key = nullptr;
  std::string name;
  ReadyCheck check;
  ProcessConfig probe_config;  // exec: the program's settings with the probe's command
  int pid = 0;
  uid_t uid = 0;
  Callback on_ready;
  bool done = false;
  int attempt = 0;
  EventLoop::TimerId timer = 0;
  int notify_fd = -1;
  int tcp_fd = -1;
  int probe_pid = 0;
  int probe_out = -1;
  std::string probe_tail;  // the last bytes a probe wrote
  std::string probe_exec_error;
  bool spawn_error_logged = false;
};

Readiness::Readiness(EventLoop& loop, Spawner& spawner, MainLog& log, std::string server_url,
                     long long minfds)
    : loop_(loop),
      spawner_(spawner),
      log_(log),
      server_url_(std::move(server_url)),
      minfds_(minfds) {}

Readiness::~Readiness() {
  for (auto& [key, w] : watches_) {
    stopProbing(*w);
    closeFd(loop_, w->notify_fd);
  }
}

Readiness::Watch* Readiness::find(Key key) {
  auto it = watches_.find(key);
  return it == watches_.end() ? nullptr : it->second.get();
}

Result<std::string> Readiness::prepareNotify(Key key, const ProcessConfig& config) {
  end(key);
  int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return Error{"cannot make a notify socket: " + std::string(std::strerror(errno))};
  int on = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof on);
  // Abstract: reachable whatever user= the program runs as, gone with the
  // fd. A fresh name per run, so a leftover of an earlier run cannot reach it.
  std::string name = "supervisord/" + std::to_string(::getpid()) + "/notify/" +
                     std::to_string(++sockets_made_) + "-" + hex64();
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path + 1, name.data(), name.size());
  auto len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + name.size());
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), len) < 0) {
    int err = errno;
    ::close(fd);
    return Error{"cannot bind a notify socket: " + std::string(std::strerror(err))};
  }
  auto w = std::make_unique<Watch>();
  w->key = key;
  w->name = config.name;
  w->check = config.ready;
  w->uid = programUid(config);
  w->notify_fd = fd;
  loop_.watch(fd, EPOLLIN, [this, key](uint32_t) {
    if (Watch* found = find(key)) readNotify(*found);
  });
  watches_[key] = std::move(w);
  return "@" + name;
}

void Readiness::begin(Key key, const ProcessConfig& config, int pid, Callback on_ready) {
  if (config.ready.kind == ReadyCheck::Kind::Running) return;
  Watch* w = find(key);
  if (config.ready.kind != ReadyCheck::Kind::Notify) {
    end(key);
    auto made = std::make_unique<Watch>();
    w = made.get();
    w->key = key;
    w->name = config.name;
    w->check = config.ready;
    if (config.ready.kind == ReadyCheck::Kind::Exec) {
      w->probe_config = config;
      w->probe_config.command = config.ready.command;
      w->probe_config.argv = config.ready.argv;
      w->probe_config.argv_error.reset();
      w->probe_config.redirect_stderr = true;
    }
    watches_[key] = std::move(made);
  }
  if (!w) return;  // notify without prepareNotify(): the spawn failed already
  w->pid = pid;
  w->on_ready = std::move(on_ready);
  if (w->check.kind != ReadyCheck::Kind::Notify) schedule(*w);
}

void Readiness::schedule(Watch& w) {
  Key key = w.key;
  w.timer = loop_.after(readyProbeDelay(w.attempt), [this, key] {
    Watch* found = find(key);
    if (!found) return;
    found->timer = 0;
    attempt(*found);
  });
}

void Readiness::attempt(Watch& w) {
  if (w.done) return;
  if (w.check.kind == ReadyCheck::Kind::Tcp) connectProbe(w);
  if (w.check.kind == ReadyCheck::Kind::Exec) execProbe(w);
}

void Readiness::attemptFailed(Watch& w, const std::string& why) {
  if (log_.enabled(LogLevel::Debug)) {
    log_.debug("not ready yet: " + w.name + " (" + readyCheckText(w.check) + ": " + why + ")");
  }
  ++w.attempt;
  schedule(w);
}

void Readiness::connectProbe(Watch& w) {
  bool v6 = w.check.host.find(':') != std::string::npos;
  sockaddr_storage addr{};
  socklen_t len = 0;
  if (v6) {
    auto* a = reinterpret_cast<sockaddr_in6*>(&addr);
    a->sin6_family = AF_INET6;
    a->sin6_port = htons(static_cast<uint16_t>(w.check.port));
    ::inet_pton(AF_INET6, w.check.host.c_str(), &a->sin6_addr);
    len = sizeof *a;
  } else {
    auto* a = reinterpret_cast<sockaddr_in*>(&addr);
    a->sin_family = AF_INET;
    a->sin_port = htons(static_cast<uint16_t>(w.check.port));
    ::inet_pton(AF_INET, w.check.host.c_str(), &a->sin_addr);
    len = sizeof *a;
  }
  int fd = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return attemptFailed(w, std::strerror(errno));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), len) == 0) {
    ::close(fd);
    return succeed(w);
  }
  if (errno != EINPROGRESS) {
    int err = errno;
    ::close(fd);
    return attemptFailed(w, std::strerror(err));
  }
  w.tcp_fd = fd;
  Key key = w.key;
  loop_.watch(fd, EPOLLOUT, [this, key](uint32_t) {
    Watch* found = find(key);
    if (!found || found->tcp_fd < 0) return;
    int err = 0;
    socklen_t err_len = sizeof err;
    if (::getsockopt(found->tcp_fd, SOL_SOCKET, SO_ERROR, &err, &err_len) < 0) err = errno;
    closeFd(loop_, found->tcp_fd);
    loop_.cancel(found->timer);
    found->timer = 0;
    if (err == 0) return succeed(*found);
    attemptFailed(*found, std::strerror(err));
  });
  w.timer = loop_.after(kConnectLimit, [this, key] {
    Watch* found = find(key);
    if (!found) return;
    found->timer = 0;
    closeFd(loop_, found->tcp_fd);
    attemptFailed(*found, "connect timed out");
  });
}

void Readiness::execProbe(Watch& w) {
  SpawnRequest req;
  req.config = &w.probe_config;
  req.server_url = server_url_;
  req.minfds = minfds_;
  req.helper = true;
  auto child = spawner_.spawn(req);
  if (!child) {
    if (!w.spawn_error_logged) {
      log_.warn("ready check of " + w.name + " cannot run: " + child.error().message);
      w.spawn_error_logged = true;
    }
    return attemptFailed(w, child.error().message);
  }
  if (child->stdin_fd >= 0) ::close(child->stdin_fd);
  if (child->stderr_fd >= 0) ::close(child->stderr_fd);  // redirect_stderr: none
  w.probe_pid = child->pid;
  w.probe_exec_error = child->exec_error;
  w.probe_tail.clear();
  probes_[child->pid] = w.key;
  Key key = w.key;
  if (child->stdout_fd >= 0) {
    w.probe_out = child->stdout_fd;
    loop_.watch(w.probe_out, EPOLLIN, [this, key](uint32_t) {
      Watch* found = find(key);
      if (!found || found->probe_out < 0) return;
      char buf[4096];
      while (true) {
        ssize_t n = ::read(found->probe_out, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == EAGAIN) return;
        if (n <= 0) return closeFd(loop_, found->probe_out);
        found->probe_tail.append(buf, static_cast<size_t>(n));
        if (found->probe_tail.size() > kProbeTailBytes)
          found->probe_tail.erase(0, found->probe_tail.size() - kProbeTailBytes);
      }
    });
  }
  w.timer = loop_.after(kProbeLimit, [this, key] {
    Watch* found = find(key);
    if (!found) return;
    found->timer = 0;
    // Its exit, reaped later, counts as the failure and schedules the next.
    if (found->probe_pid) spawner_.kill(-found->probe_pid, SIGKILL);
  });
}

bool Readiness::reaped(int pid, int wait_status) {
  auto it = probes_.find(pid);
  if (it == probes_.end()) return false;
  Key key = it->second;
  probes_.erase(it);
  Watch* w = key ? find(key) : nullptr;
  if (!w || w->probe_pid != pid) return true;
  w->probe_pid = 0;
  loop_.cancel(w->timer);
  w->timer = 0;
  closeFd(loop_, w->probe_out);
  if (w->done) return true;
  if (wait_status == 0) {
    succeed(*w);
    return true;
  }
  std::string why =
      w->probe_exec_error.empty() ? decodeWaitStatus(wait_status).second : w->probe_exec_error;
  std::string tail = w->probe_tail;
  while (!tail.empty() && (tail.back() == '\n' || tail.back() == '\r')) tail.pop_back();
  if (size_t nl = tail.rfind('\n'); nl != std::string::npos) tail.erase(0, nl + 1);
  if (!tail.empty()) why += ": " + tail;
  attemptFailed(*w, why);
  return true;
}

void Readiness::readNotify(Watch& w) {
  Key key = w.key;
  char buf[4096];
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(ucred)) + CMSG_SPACE(sizeof(int) * 16)];
  while (Watch* cur = find(key)) {
    iovec iov{buf, sizeof buf};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    ssize_t n = ::recvmsg(cur->notify_fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return;  // EAGAIN: drained
    const ucred* cred = nullptr;
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
      if (c->cmsg_level != SOL_SOCKET) continue;
      if (c->cmsg_type == SCM_CREDENTIALS) cred = reinterpret_cast<const ucred*>(CMSG_DATA(c));
      if (c->cmsg_type == SCM_RIGHTS) {
        // FDSTORE=1 and friends: we keep no fds for programs.
        size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t i = 0; i < count; ++i) {
          int fd;
          std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
          ::close(fd);
        }
      }
    }
    if (cur->done || cur->pid == 0 || !cred) continue;
    if (!notifySaysReady(std::string_view(buf, static_cast<size_t>(n)))) continue;
    if (!notifySenderAccepted(cred->pid, cred->uid, cur->pid, cur->uid)) {
      log_.warn("ignored READY=1 for " + cur->name + " from pid " + std::to_string(cred->pid) +
                " (uid " + std::to_string(cred->uid) + ")");
      continue;
    }
    succeed(*cur);
  }
}

void Readiness::succeed(Watch& w) {
  Key key = w.key;
  stopProbing(w);
  w.done = true;
  Callback cb = std::move(w.on_ready);
  w.on_ready = nullptr;
  if (w.check.kind != ReadyCheck::Kind::Notify) watches_.erase(key);
  if (cb) cb();
}

void Readiness::stopProbing(Watch& w) {
  if (w.timer) loop_.cancel(w.timer);
  w.timer = 0;
  closeFd(loop_, w.tcp_fd);
  closeFd(loop_, w.probe_out);
  if (w.probe_pid) {
    spawner_.kill(-w.probe_pid, SIGKILL);
    probes_[w.probe_pid] = nullptr;  // still to be reaped, quietly
    w.probe_pid = 0;
  }
}

void Readiness::settle(Key key) {
  Watch* w = find(key);
  if (!w) return;
  stopProbing(*w);
  w->done = true;
  w->on_ready = nullptr;
  if (w->check.kind != ReadyCheck::Kind::Notify) watches_.erase(key);
}

void Readiness::end(Key key) {
  Watch* w = find(key);
  if (!w) return;
  stopProbing(*w);
  closeFd(loop_, w->notify_fd);
  watches_.erase(key);
}

}  // namespace sup
