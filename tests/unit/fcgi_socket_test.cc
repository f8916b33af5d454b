// The fcgi-program socket: its url taken apart, the reference counting
// (socket_manager.py's), and the real opener on real sockets in a temp dir.
// Expected texts are those of Python Supervisor 4.2.5 on the same inputs.
#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "supervisord/fcgi_socket_address.h"
#include "supervisord/fcgi_socket_manager.h"
#include "tests/unit/fake_socket_opener.h"

using namespace sup;
namespace fs = std::filesystem;

namespace {

FcgiSocketConfig socketConfig(const std::string& url) {
  FcgiSocketConfig c;
  c.url = url;
  return c;
}

struct Managed {
  test::FakeSocketOpener opener;
  std::vector<std::string> lines;
  FcgiSocketManager manager;
  explicit Managed(const std::string& url)
      : manager(socketConfig(url), opener, [this](LogLevel level, const std::string& line) {
          lines.push_back(std::string(logLevelLabel(level)) + " " + line);
        }) {}
};

struct TempDir {
  std::string path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "fcgisock-XXXXXX").string();
    path = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

bool connectsUnix(const std::string& path) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::strncpy(a.sun_path, path.c_str(), sizeof a.sun_path - 1);
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

int boundPort(int fd) {
  sockaddr_in a{};
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  return ntohs(a.sin_port);
}

}  // namespace

TEST_CASE("an fcgi socket url comes apart into a unix path or a tcp host and port", "[fcgi]") {
  auto u = fcgiSocketAddress("unix:///run/php/fpm.sock");
  REQUIRE(u.ok());
  CHECK(u->family == FcgiSocketAddress::Family::Unix);
  CHECK(u->path == "/run/php/fpm.sock");
  auto t = fcgiSocketAddress("tcp://localhost:9000");
  REQUIRE(t.ok());
  CHECK(t->family == FcgiSocketAddress::Family::Inet);
  CHECK(t->host == "localhost");
  CHECK(t->port == 9000);
  CHECK(fcgiSocketAddress("tcp://*:65535")->host == "*");
  for (const char* bad : {"unix://rel.sock", "tcp://:80", "tcp://h:", "tcp://h:0", "tcp://h:65536",
                          "tcp://h:8x", "udp://h:1", ""}) {
    INFO(bad);
    CHECK(fcgiSocketAddress(bad).error().message == std::string("Bad socket format ") + bad);
  }
}

TEST_CASE("the first reference creates the pool's socket and the last one closes it", "[fcgi]") {
  Managed m("unix:///tmp/fc.sock");
  CHECK(m.manager.listeningFd() == -1);
  auto a = m.manager.acquire();
  REQUIRE(a.ok());
  CHECK(a->fd() == 40);
  auto b = m.manager.acquire();
  REQUIRE(b.ok());
  CHECK(b->fd() == 40);
  CHECK(m.manager.references() == 2);
  CHECK(m.opener.calls == std::vector<std::string>{"open unix:///tmp/fc.sock"});
  a->reset();
  CHECK(m.manager.listeningFd() == 40);
  CHECK(m.lines == std::vector<std::string>{"INFO Creating socket unix:///tmp/fc.sock"});
  b->reset();
  CHECK(m.manager.listeningFd() == -1);
  CHECK(m.manager.references() == 0);
  CHECK(m.opener.calls == std::vector<std::string>{"open unix:///tmp/fc.sock", "close 40"});
  CHECK(m.lines == std::vector<std::string>{"INFO Creating socket unix:///tmp/fc.sock",
                                            "INFO Closing socket unix:///tmp/fc.sock"});
  // A new first reference creates it again.
  auto c = m.manager.acquire();
  CHECK(c->fd() == 41);
}

TEST_CASE("after a re-exec the inherited socket serves the adopted children, opened by nobody",
          "[fcgi]") {
  Managed m("unix:///tmp/fc.sock");
  m.opener.inherited_fd = 7;
  REQUIRE(m.manager.adoptInherited());
  CHECK(m.manager.listeningFd() == 7);
  CHECK(m.manager.references() == 0);
  auto a = m.manager.acquire();
  auto b = m.manager.acquire();
  CHECK(a->fd() == 7);
  CHECK(m.manager.references() == 2);
  m.manager.closeIfUnreferenced();  // referenced: stays open
  CHECK(m.manager.listeningFd() == 7);
  CHECK(m.lines.empty());  // neither "Creating" nor a probe: the socket was never bound here
  a->reset();
  b->reset();
  CHECK(m.opener.calls == std::vector<std::string>{"inherited unix:///tmp/fc.sock", "close 7"});
  CHECK(m.lines == std::vector<std::string>{"INFO Closing socket unix:///tmp/fc.sock"});
}

TEST_CASE("an inherited socket that no adopted child holds is closed, and none is no socket",
          "[fcgi]") {
  Managed m("tcp://127.0.0.1:9000");
  m.opener.inherited_fd = 9;
  REQUIRE(m.manager.adoptInherited());
  m.manager.closeIfUnreferenced();
  CHECK(m.manager.listeningFd() == -1);
  CHECK(m.opener.calls == std::vector<std::string>{"inherited tcp://127.0.0.1:9000", "close 9"});
  CHECK_FALSE(m.manager.adoptInherited());  // nothing more to inherit
  CHECK(m.manager.listeningFd() == -1);
}

TEST_CASE("a lease releases its reference exactly once, moved or not", "[fcgi]") {
  Managed m("tcp://127.0.0.1:9000");
  {
    auto a = m.manager.acquire();
    FcgiSocketManager::Lease moved = std::move(*a);
    CHECK_FALSE(a->held());
    CHECK(moved.held());
    FcgiSocketManager::Lease other;
    other = std::move(moved);
    CHECK(m.manager.references() == 1);
    other.reset();
    other.reset();
    CHECK(m.manager.references() == 0);
  }
  CHECK(m.opener.calls == std::vector<std::string>{"open tcp://127.0.0.1:9000", "close 40"});
}

TEST_CASE("creating the group probes the socket: created and closed at once", "[fcgi]") {
  Managed m("unix:///tmp/fc.sock");
  CHECK_FALSE(m.manager.probe().has_value());
  CHECK(m.lines == std::vector<std::string>{"INFO Creating socket unix:///tmp/fc.sock",
                                            "INFO Closing socket unix:///tmp/fc.sock"});
  CHECK(m.manager.listeningFd() == -1);
}

TEST_CASE("a socket that cannot be created is Supervisor's error and takes no reference",
          "[fcgi]") {
  Managed m("tcp://127.0.0.1:9000");
  m.opener.fail_with = "[Errno 98] Address already in use";
  auto a = m.manager.acquire();
  REQUIRE_FALSE(a.ok());
  CHECK(a.error().message ==
        "Could not create FastCGI socket tcp://127.0.0.1:9000: [Errno 98] Address already in use");
  CHECK(m.manager.references() == 0);
  CHECK(m.manager.probe() == a.error().message);
  // Each attempt logs "Creating socket"; nothing is closed that never opened.
  CHECK(m.lines == std::vector<std::string>{"INFO Creating socket tcp://127.0.0.1:9000",
                                            "INFO Creating socket tcp://127.0.0.1:9000"});
  m.opener.fail_with.clear();
  CHECK(m.manager.acquire().ok());
}

TEST_CASE("a unix socket replaces a stale file and gets socket_mode", "[fcgi][posix]") {
  TempDir dir;
  const std::string path = dir.path + "/fc.sock";
  std::ofstream(path) << "stale";
  auto opener = makePosixSocketOpener();
  FcgiSocketConfig c = socketConfig("unix://" + path);
  c.mode = 0660;
  auto fd = opener->open(c);
  REQUIRE(fd.ok());
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK(S_ISSOCK(st.st_mode));
  CHECK((st.st_mode & 07777) == 0660);
  CHECK((::fcntl(*fd, F_GETFD) & FD_CLOEXEC) != 0);
  CHECK(connectsUnix(path));
  opener->close(*fd);
  // Closed: the file stays (as Supervisor leaves it) and nobody answers.
  CHECK(fs::exists(path));
  CHECK_FALSE(connectsUnix(path));
}

TEST_CASE("unix socket errors are the Python exception texts", "[fcgi][posix]") {
  TempDir dir;
  auto opener = makePosixSocketOpener();
  CHECK(opener->open(socketConfig("unix://" + dir.path + "/missing/fc.sock")).error().message ==
        "[Errno 2] No such file or directory");
  std::string file = dir.path + "/file";
  std::ofstream(file) << "x";
  CHECK(opener->open(socketConfig("unix://" + file + "/fc.sock")).error().message ==
        "[Errno 20] Not a directory");
  std::string sub = dir.path + "/sub";
  fs::create_directory(sub);
  CHECK(opener->open(socketConfig("unix://" + sub)).error().message ==
        "[Errno 21] Is a directory: '" + sub + "'");
  CHECK(opener->open(socketConfig("unix://" + dir.path + "/" + std::string(120, 'x')))
            .error()
            .message == "AF_UNIX path too long");
  FcgiSocketConfig owned = socketConfig("unix://" + dir.path + "/owned.sock");
  owned.owner = std::make_pair(std::string("no-such-user-here"), std::nullopt);
  CHECK(opener->open(owned).error().message ==
        "Could not change ownership of socket file: Invalid user name no-such-user-here");
  CHECK_FALSE(fs::exists(dir.path + "/owned.sock"));  // removed again after the failure
}

TEST_CASE("a tcp socket that is in use, or on an unknown host, fails as Python's bind does",
          "[fcgi][posix]") {
  int taken = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(taken, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  REQUIRE(::listen(taken, 1) == 0);
  const std::string port = std::to_string(boundPort(taken));
  auto opener = makePosixSocketOpener();
  CHECK(opener->open(socketConfig("tcp://127.0.0.1:" + port)).error().message ==
        "[Errno 98] Address already in use");
  CHECK(opener->open(socketConfig("tcp://*:" + port)).error().message ==
        "[Errno -2] Name or service not known");
  ::close(taken);
  auto fd = opener->open(socketConfig("tcp://localhost:" + port));
  REQUIRE(fd.ok());
  CHECK(boundPort(*fd) == std::stoi(port));
  opener->close(*fd);
}

TEST_CASE("socket_owner=user keeps the group, an owner from user= gets that user's group too",
          "[fcgi][posix]") {
  if (::geteuid() != 0) {
    WARN("not root: the socket cannot be given to another user");
    return;
  }
  const passwd* pw = ::getpwnam("nobody");
  REQUIRE(pw);
  TempDir dir;
  auto opener = makePosixSocketOpener();
  auto ownerOf = [&](bool from_user) {
    FcgiSocketConfig c = socketConfig("unix://" + dir.path + "/fc.sock");
    c.owner = std::make_pair(std::string("nobody"), std::nullopt);
    c.owner_is_program_user = from_user;
    auto fd = opener->open(c);
    REQUIRE(fd.ok());
    opener->close(*fd);
    struct stat st {};
    REQUIRE(::stat((dir.path + "/fc.sock").c_str(), &st) == 0);
    return std::make_pair(st.st_uid, st.st_gid);
  };
  CHECK(ownerOf(false) == std::make_pair(pw->pw_uid, ::getegid()));  // chown(path, uid, -1)
  CHECK(ownerOf(true) == std::make_pair(pw->pw_uid, pw->pw_gid));    // gid_for_uid(uid)
}
