#include "supervisord/control_server.h"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "supervisord/listener_registry.h"

namespace sup {

namespace {

const char* errnoName(int err) {
  switch (err) {
    case EACCES:
      return "EACCES";
    case EADDRINUSE:
      return "EADDRINUSE";
    case ENOENT:
      return "ENOENT";
    case ENOTDIR:
      return "ENOTDIR";
    case EROFS:
      return "EROFS";
    case EPERM:
      return "EPERM";
    case ENAMETOOLONG:
      return "ENAMETOOLONG";
    case ENOSPC:
      return "ENOSPC";
    case EINVAL:
      return "EINVAL";
    default:
      return nullptr;
  }
}

}  // namespace

// Supervisor's openhttpservers() wording for a socket error.
Error socketError(int err) {
  if (err == EADDRINUSE) {
    return Error{
        "Another program is already listening on a port that one of our HTTP servers is "
        "configured to use.  Shut this program down first before starting supervisord."};
  }
  std::string help = "Cannot open an HTTP server: socket.error reported";
  if (const char* name = errnoName(err)) {
    return Error{help + " errno." + name + " (" + std::to_string(err) + ")"};
  }
  return Error{help + " " + std::to_string(err)};
}

namespace {

bool fillAddress(const std::string& path, sockaddr_un* addr) {
  std::memset(addr, 0, sizeof *addr);
  addr->sun_family = AF_UNIX;
  if (path.size() >= sizeof addr->sun_path) return false;
  std::memcpy(addr->sun_path, path.c_str(), path.size() + 1);
  return true;
}

// True when something accepts connections at `path` right now.
bool socketInUse(const std::string& path) {
  sockaddr_un addr;
  if (!fillAddress(path, &addr)) return false;
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  bool used = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return used;
}

std::vector<gid_t> supplementaryGroups(uid_t uid) {
  std::vector<gid_t> groups;
  struct passwd pw;
  struct passwd* found = nullptr;
  std::vector<char> buf(16384);
  if (getpwuid_r(uid, &pw, buf.data(), buf.size(), &found) != 0 || found == nullptr) return groups;
  int n = 64;
  groups.resize(static_cast<std::size_t>(n));
  if (getgrouplist(pw.pw_name, pw.pw_gid, groups.data(), &n) < 0) {
    groups.resize(static_cast<std::size_t>(n));
    if (getgrouplist(pw.pw_name, pw.pw_gid, groups.data(), &n) < 0) n = 0;
  }
  groups.resize(static_cast<std::size_t>(n));
  return groups;
}

Result<uid_t> resolveUser(const std::string& name) {
  char* end = nullptr;
  long n = std::strtol(name.c_str(), &end, 10);
  if (!name.empty() && *end == '\0') {
    if (getpwuid(static_cast<uid_t>(n)) == nullptr) return Error{"Invalid user id " + name};
    return static_cast<uid_t>(n);
  }
  struct passwd* pw = getpwnam(name.c_str());
  if (pw == nullptr) return Error{"Invalid user name " + name};
  return pw->pw_uid;
}

Result<gid_t> resolveGroup(const std::string& name) {
  char* end = nullptr;
  long n = std::strtol(name.c_str(), &end, 10);
  if (!name.empty() && *end == '\0') {
    if (getgrgid(static_cast<gid_t>(n)) == nullptr) return Error{"Invalid group id " + name};
    return static_cast<gid_t>(n);
  }
  struct group* gr = getgrnam(name.c_str());
  if (gr == nullptr) return Error{"Invalid group name " + name};
  return gr->gr_gid;
}

}  // namespace

bool peerAllowed(const PeerCredentials& peer, const std::vector<gid_t>& peer_groups,
                 uid_t socket_uid, gid_t socket_gid, unsigned socket_mode, uid_t daemon_uid) {
  if (peer.uid == 0 || peer.uid == daemon_uid || peer.uid == socket_uid) return true;
  if (socket_mode & 0002) return true;
  if (socket_mode & 0020) {
    if (peer.gid == socket_gid) return true;
    for (gid_t g : peer_groups) {
      if (g == socket_gid) return true;
    }
  }
  return false;
}

Result<ControlServerOptions> controlServerOptions(const ServerConfig& server) {
  ControlServerOptions o;
  o.username = server.username;
  o.password = server.password;
  if (server.type == ServerConfig::Type::Inet) {
    o.inet = InetEndpoint{server.section, server.host, server.port};
    return o;
  }
  o.path = server.file;
  o.chmod = static_cast<unsigned>(server.chmod);
  if (server.chown) {
    auto uid = resolveUser(server.chown->first);
    if (!uid) return uid.error();
    o.chown_uid = *uid;
    if (server.chown->second) {
      auto gid = resolveGroup(*server.chown->second);
      if (!gid) return gid.error();
      o.chown_gid = *gid;
    }
  }
  return o;
}

// ---- ControlServer --------------------------------------------------------

ControlServer::ControlServer(EventLoop& loop, ControlServerOptions options, Handler handler,
                             LogFn log)
    : loop_(loop),
      options_(std::move(options)),
      handler_(std::move(handler)),
      log_(std::move(log)) {}

ControlServer::~ControlServer() {
  close();
}

Status ControlServer::open() {
  if (options_.inet) return openInet();
  const std::string& path = options_.path;
  // After a re-exec the previous image's socket is still listening here,
  // with clients waiting in its backlog: keep it (listener_registry.h).
  if (int fd = listenerRegistry().takeInherited(unixListenerAddress(path)); fd >= 0) {
    ::fcntl(fd, F_SETFD, FD_CLOEXEC);
    ::chmod(path.c_str(), options_.chmod);
    if (options_.chown_uid != static_cast<uid_t>(-1) ||
        options_.chown_gid != static_cast<gid_t>(-1))
      (void)::chown(path.c_str(), options_.chown_uid, options_.chown_gid);
    bound_ = true;
    return listenOn(fd);
  }
  sockaddr_un addr;
  // Bind under a private name, set mode and owner, then rename into place, so
  // the socket is never reachable with the umask's permissions.
  std::string temp = path + "." + std::to_string(::getpid());
  if (!fillAddress(temp, &addr)) return socketError(ENAMETOOLONG);
  struct stat st;
  if (::lstat(path.c_str(), &st) == 0) {
    if (socketInUse(path)) return socketError(EADDRINUSE);
    std::fprintf(stderr, "Unlinking stale socket %s\n", path.c_str());
    ::unlink(path.c_str());
  }
  ::unlink(temp.c_str());
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return socketError(errno);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0) {
    int err = errno;
    ::close(fd);
    return socketError(err);
  }
  auto fail = [&](int err) {
    ::unlink(temp.c_str());
    ::close(fd);
    return socketError(err);
  };
  if (::chmod(temp.c_str(), options_.chmod) < 0) return fail(errno);
  if (options_.chown_uid != static_cast<uid_t>(-1) ||
      options_.chown_gid != static_cast<gid_t>(-1)) {
    if (::chown(temp.c_str(), options_.chown_uid, options_.chown_gid) < 0) {
      int err = errno;
      if (err != EPERM) return fail(err);
      ::unlink(temp.c_str());
      ::close(fd);
      struct passwd* me = getpwuid(geteuid());
      return Error{"Not permitted to chown " + path + " to uid/gid (" +
                   std::to_string(static_cast<int>(options_.chown_uid)) + ", " +
                   std::to_string(static_cast<int>(options_.chown_gid)) +
                   "); adjust \"sockchown\" value in config file or on command line to values "
                   "that the current user (" +
                   std::string(me ? me->pw_name : std::to_string(geteuid())) +
                   ") can successfully chown"};
    }
  }
  if (::listen(fd, 128) < 0) return fail(errno);
  if (::rename(temp.c_str(), path.c_str()) < 0) return fail(errno);
  bound_ = true;
  return listenOn(fd);
}

std::string ControlServer::listenerAddress() const {
  if (!options_.inet) return unixListenerAddress(options_.path);
  return "inet:" + options_.inet->host + ":" + std::to_string(options_.inet->port);
}

Status ControlServer::listenOn(int fd) {
  listen_fd_ = fd;
  listenerRegistry().add(listenerAddress(), fd);
  reserve_fd_ = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  loop_.watch(listen_fd_, EPOLLIN, [this](std::uint32_t) { acceptAll(); });
  return okStatus();
}

void ControlServer::close() {
  if (resume_timer_) {
    loop_.cancel(*resume_timer_);
    resume_timer_.reset();
  }
  if (reserve_fd_ >= 0) {
    ::close(reserve_fd_);
    reserve_fd_ = -1;
  }
  if (listen_fd_ >= 0) {
    loop_.unwatch(listen_fd_);
    listenerRegistry().remove(listen_fd_);
    ::close(listen_fd_);
    listen_fd_ = -1;
  }
  if (bound_) {
    ::unlink(options_.path.c_str());
    bound_ = false;
  }
  auto conns = std::move(connections_);
  connections_.clear();
  for (auto& [id, conn] : conns) {
    conn->close();
    conn->server_ = nullptr;
  }
}

std::vector<std::shared_ptr<ControlConnection>> ControlServer::connections() const {
  std::vector<std::shared_ptr<ControlConnection>> out;
  out.reserve(connections_.size());
  for (const auto& [id, conn] : connections_) out.push_back(conn);
  return out;
}

void ControlServer::acceptAll() {
  while (listen_fd_ >= 0) {
    sockaddr_storage from{};
    socklen_t from_len = sizeof from;
    int fd = ::accept4(listen_fd_, reinterpret_cast<sockaddr*>(&from), &from_len,
                       SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (errno == EMFILE || errno == ENFILE) {
        acceptExhausted(errno);
      } else if (errno != EAGAIN && errno != EWOULDBLOCK) {
        log(LogLevel::Warn, std::string("control: accept failed: ") + std::strerror(errno));
      }
      return;
    }
    if (accept_exhausted_) {
      accept_exhausted_ = false;
      log(LogLevel::Info, "control: accepting connections again");
    }
    PeerCredentials peer;
    if (options_.inet) {
      peer.address = inetPeerAddress(from);
      tuneInetConnection(fd);
    } else {
      struct ucred cred {};
      socklen_t len = sizeof cred;
      if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0) {
        peer.pid = cred.pid;
        peer.uid = cred.uid;
        peer.gid = cred.gid;
      }
    }
    auto refuse = [&](int code, std::string_view message) {
      std::string line = proto::encodeLine(proto::makeError(nullptr, code, message));
      (void)::send(fd, line.data(), line.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      ::close(fd);
    };
    if (!options_.inet && !checkPeer(peer)) {
      log(LogLevel::Warn, "control: refused connection from pid " + std::to_string(peer.pid) +
                              " uid " + std::to_string(peer.uid) + " gid " +
                              std::to_string(peer.gid));
      refuse(proto::kForbidden, "FORBIDDEN");
      continue;
    }
    if (connections_.size() >= options_.max_connections) {
      log(LogLevel::Warn, "control: too many connections (" + std::to_string(connections_.size()) +
                              "), refusing " + describePeer(peer));
      refuse(proto::kInternalError, "too many connections");
      continue;
    }
    std::uint64_t id = next_id_++;
    auto conn = std::make_shared<ControlConnection>(this, fd, peer, id);
    connections_[id] = conn;
    std::weak_ptr<ControlConnection> weak = conn;
    loop_.watch(fd, EPOLLIN, [weak](std::uint32_t events) {
      if (auto c = weak.lock()) c->onEvents(events);
    });
  }
}

void ControlServer::acceptExhausted(int err) {
  const std::string why = std::strerror(err);
  if (!accept_exhausted_) {
    accept_exhausted_ = true;
    log(LogLevel::Critical, "control: cannot accept connections: " + why +
                                "; refusing clients until file descriptors are freed");
  }
  // Left in the backlog, a pending client keeps the level-triggered listener
  // readable and the loop would spin at 100% CPU. Give up the reserve
  // descriptor to take each pending client, tell it why, and close it.
  const std::string line = proto::encodeLine(proto::makeError(
      nullptr, proto::kInternalError, "supervisord cannot accept connections: " + why));
  bool drained = false;
  while (reserve_fd_ >= 0) {
    ::close(reserve_fd_);
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    int accept_err = errno;
    if (fd >= 0) {
      (void)::send(fd, line.data(), line.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      ::close(fd);
    }
    reserve_fd_ = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (fd >= 0 || accept_err == EINTR || accept_err == ECONNABORTED) continue;
    drained = accept_err == EAGAIN || accept_err == EWOULDBLOCK;
    break;
  }
  if (drained || listen_fd_ < 0) return;
  // No reserve (or even it did not help, e.g. ENFILE): stop watching the
  // listener and look again shortly.
  loop_.modify(listen_fd_, 0);
  if (!resume_timer_) {
    resume_timer_ = loop_.after(std::chrono::milliseconds(200), [this] {
      resume_timer_.reset();
      resumeAccepting();
    });
  }
}

void ControlServer::resumeAccepting() {
  if (listen_fd_ < 0) return;
  if (reserve_fd_ < 0) reserve_fd_ = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  loop_.modify(listen_fd_, EPOLLIN);
}

bool ControlServer::checkPeer(const PeerCredentials& peer) {
  struct stat st;
  if (::stat(options_.path.c_str(), &st) < 0) {
    // The file was removed under us; the kernel already let the peer in by
    // the mode it had, so fall back to owner-or-root.
    return peer.uid == 0 || peer.uid == ::geteuid();
  }
  std::vector<gid_t> groups;
  if (peer.uid != 0 && peer.uid != ::geteuid() && peer.uid != st.st_uid && (st.st_mode & 0020)) {
    groups = supplementaryGroups(peer.uid);
  }
  return peerAllowed(peer, groups, st.st_uid, st.st_gid, st.st_mode & 07777, ::geteuid());
}

void ControlServer::dispatch(ControlConnection& conn, const proto::Request& req) {
  // Trace, where Supervisor logs each XML-RPC call: a debug log holds
  // what Python's does, not one line per supervisorctl request.
  log(LogLevel::Trace, "control: pid " + std::to_string(conn.peer().pid) + " uid " +
                           std::to_string(conn.peer().uid) + " calls " + req.method);
  if (handler_) {
    handler_(conn, req);
    return;
  }
  if (req.has_id) conn.replyFault(req.id, proto::Fault::kUnknownMethod);
}

void ControlServer::drop(std::uint64_t id) {
  connections_.erase(id);
}

void ControlServer::log(LogLevel level, const std::string& message) const {
  if (log_) log_(level, message);
}

}  // namespace sup
