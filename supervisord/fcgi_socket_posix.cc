// The system calls behind an fcgi-program's listening socket, in the order
// datatypes.py's create_and_bind and socket_manager.py's _prepare_socket
// make them: a unix socket replaces whatever stale file is at its path,
// binds, chowns (socket_owner, or the program's user), chmods (socket_mode),
// and its file is removed again if any step fails; a tcp socket sets
// SO_REUSEADDR and binds; then listen(socket_backlog or SOMAXCONN).
// Errors carry the text of the Python exception Supervisor would get.
//
// The socket is blocking (its children accept() on it; the daemon never
// does) and close-on-exec in the daemon: the spawner dup2()s it onto the
// child's fd 0, which clears the flag there only.
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>

#include "common/config_values.h"
#include "common/py_text.h"
#include "supervisord/fcgi_socket_address.h"
#include "supervisord/fcgi_socket_manager.h"
#include "supervisord/listener_registry.h"

namespace sup {
namespace {

// str() of a Python OSError: "[Errno 98] Address already in use", and with
// a file name "[Errno 2] No such file or directory: '/x'".
std::string osError(int err) {
  return "[Errno " + std::to_string(err) + "] " + std::strerror(err);
}
std::string osError(int err, const std::string& path) {
  return osError(err) + ": " + py::repr(path);
}

bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;  // os.path.exists: follows symlinks
}

// socket_owner= as (uid, gid), gid -1 to leave the group alone. Supervisor
// resolved the names when it read the config; a user removed since then is
// reported here.
Result<std::pair<uid_t, gid_t>> resolveOwner(const FcgiSocketConfig& c) {
  const auto& [user, group] = *c.owner;
  auto uid = cv::nameToUid(user);
  if (!uid) return uid.error();
  gid_t gid = static_cast<gid_t>(-1);
  if (group) {
    auto g = cv::nameToGid(*group);
    if (!g) return g.error();
    gid = static_cast<gid_t>(*g);
  } else if (c.owner_is_program_user) {
    // gid_for_uid(): the user's primary group.
    if (const passwd* pw = ::getpwuid(static_cast<uid_t>(*uid))) gid = pw->pw_gid;
  }
  return std::make_pair(static_cast<uid_t>(*uid), gid);
}

Result<int> listenOn(int fd, int backlog) {
  if (::listen(fd, backlog > 0 ? backlog : SOMAXCONN) < 0) {
    int err = errno;
    ::close(fd);
    return Error{osError(err)};
  }
  return fd;
}

Result<int> openUnix(const FcgiSocketConfig& c, const std::string& path) {
  if (exists(path) && ::unlink(path.c_str()) < 0) return Error{osError(errno, path)};
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Error{osError(errno)};
  auto fail = [&](std::string why) -> Result<int> {
    ::close(fd);
    if (exists(path)) ::unlink(path.c_str());
    return Error{std::move(why)};
  };
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  // Python allows a path that fills sun_path without its terminating NUL.
  if (path.size() > sizeof addr.sun_path) return fail("AF_UNIX path too long");
  std::memcpy(addr.sun_path, path.data(), path.size());
  auto len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size());
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&addr), len) < 0) return fail(osError(errno));
  if (c.owner) {
    auto owner = resolveOwner(c);
    if (!owner) return fail("Could not change ownership of socket file: " + owner.error().message);
    if (::chown(path.c_str(), owner->first, owner->second) < 0)
      return fail("Could not change ownership of socket file: " + osError(errno, path));
  }
  if (::chmod(path.c_str(), static_cast<mode_t>(c.mode)) < 0)
    return fail("Could not change permissions of socket file: " + osError(errno, path));
  return listenOn(fd, c.backlog);
}

// Python's setipaddr() for AF_INET: a dotted quad as is, else the first
// address getaddrinfo() gives (a host name for a bind address is a local
// one, /etc/hosts; Supervisor resolves it the same blocking way, once per
// socket creation). Its failure is a socket.gaierror: "[Errno -2] Name or
// service not known".
Result<in_addr> resolveHost(const std::string& host) {
  in_addr a{};
  if (::inet_pton(AF_INET, host.c_str(), &a) == 1) return a;
  addrinfo hints{};
  hints.ai_family = AF_INET;
  addrinfo* res = nullptr;
  int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &res);
  if (rc != 0) {
    std::string text = rc == EAI_SYSTEM ? osError(errno)
                                        : "[Errno " + std::to_string(rc) + "] " + gai_strerror(rc);
    return Error{text};
  }
  a = reinterpret_cast<const sockaddr_in*>(res->ai_addr)->sin_addr;
  ::freeaddrinfo(res);
  return a;
}

Result<int> openInet(const FcgiSocketConfig& c, const FcgiSocketAddress& where) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Error{osError(errno)};
  auto fail = [&](std::string why) -> Result<int> {
    ::close(fd);
    return Error{std::move(why)};
  };
  int one = 1;
  if (::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0) return fail(osError(errno));
  auto host = resolveHost(where.host);
  if (!host) return fail(host.error().message);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(where.port));
  addr.sin_addr = *host;
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) < 0)
    return fail(osError(errno));
  return listenOn(fd, c.backlog);
}

// In the re-exec hand-over an fcgi socket is known by its url (a pool whose
// url changed in the new config is a new pool, with a new socket).
std::string fcgiListenerAddress(const std::string& url) {
  return "fcgi:" + url;
}

class PosixSocketOpener final : public ListeningSocketOpener {
 public:
  Result<int> open(const FcgiSocketConfig& config) override {
    auto where = fcgiSocketAddress(config.url);
    if (!where) return where.error();
    auto fd = where->family == FcgiSocketAddress::Family::Unix ? openUnix(config, where->path)
                                                               : openInet(config, *where);
    if (fd) listenerRegistry().add(fcgiListenerAddress(config.url), *fd);
    return fd;
  }
  void close(int fd) override {
    listenerRegistry().remove(fd);
    ::close(fd);
  }
  int inherited(const FcgiSocketConfig& config) override {
    std::string address = fcgiListenerAddress(config.url);
    int fd = listenerRegistry().takeInherited(address);
    if (fd >= 0) listenerRegistry().add(address, fd);
    return fd;
  }
};

}  // namespace

std::unique_ptr<ListeningSocketOpener> makePosixSocketOpener() {
  return std::make_unique<PosixSocketOpener>();
}

}  // namespace sup
