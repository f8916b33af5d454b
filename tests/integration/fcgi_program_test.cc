// [fcgi-program:x] end to end: a pool of fcgi_responder children sharing
// the listening socket supervisord creates, on a unix path or on
// 127.0.0.1; the socket file's owner and mode; what stopping the last
// member, `update` after a socket change and bind failures do. Expected
// lines and texts are those of Python Supervisor 4.2.5 on the same configs,
// except for bind failures: Supervisor dies (at start-up) or answers the
// request with a traceback; we report them as spawn errors with its text.
#include <arpa/inet.h>
#include <grp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <functional>
#include <optional>
#include <regex>
#include <set>
#include <string>

#include "daemon_harness.h"
#include "rpc_client.h"

using namespace sup::test;

namespace {

std::string pool(const std::string& socket, const std::string& extra = "") {
  return "[fcgi-program:fc]\nsocket=" + socket +
         "\ncommand={helpers}/fcgi_responder\nnumprocs=2\n"
         "process_name=%(program_name)s_%(process_num)d\nstartsecs=0\n" +
         extra + "\n";
}

struct Reply {
  int error = 0;     // errno of a failed connect, else 0
  std::string text;  // the whole answer
  std::string name() const { return text.substr(0, text.find(' ')); }
};

// Connect, send "<line>\n", read the answer until the server closes.
Reply ask(int family, const std::string& where, int port, const std::string& line) {
  Reply r;
  int fd = ::socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  timeval tv{5 * kSlowdown, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  int rc;
  if (family == AF_UNIX) {
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::strncpy(a.sun_path, where.c_str(), sizeof a.sun_path - 1);
    rc = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  } else {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    ::inet_pton(AF_INET, where.c_str(), &a.sin_addr);
    rc = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  }
  if (rc < 0) {
    r.error = errno;
    ::close(fd);
    return r;
  }
  std::string out = line + "\n";
  if (::write(fd, out.data(), out.size()) < 0) r.error = errno;
  char buf[256];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) r.text.append(buf, static_cast<size_t>(n));
  ::close(fd);
  return r;
}

Reply askUnix(const std::string& path, const std::string& line = "ping") {
  return ask(AF_UNIX, path, 0, line);
}

// Ask until every process of the pool has answered at least once.
bool allAnswer(const std::function<Reply()>& askOnce, const std::set<std::string>& names) {
  std::set<std::string> seen;
  return waitFor([&] {
    Reply r = askOnce();
    if (r.error == 0 && !r.text.empty()) seen.insert(r.name());
    return seen == names;
  });
}

// A port on 127.0.0.1 nobody listens on right now.
int freePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

// A listening socket on 127.0.0.1 that holds a port (closed on destruction).
struct TakenPort {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int port = 0;
  TakenPort() {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::listen(fd, 1);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
  }
  ~TakenPort() { release(); }
  void release() {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
};

// `text` as a regex that matches it literally.
std::string quoted(const std::string& text) {
  return std::regex_replace(text, std::regex(R"([.^$|()\[\]{}*+?\\])"), "\\$&");
}

bool bothRunning(DaemonHarness& d, int skip = 0) {
  return d.waitForLogLine("success: fc_0 entered RUNNING", 5s, skip) &&
         d.waitForLogLine("success: fc_1 entered RUNNING", 5s, skip);
}

// Start a one-process pool on `socket` that gets no retries (under `prefix`,
// e.g. setpriv); true once it has given up (FATAL).
bool startsFatal(DaemonHarness& d, const std::string& socket,
                 const std::vector<std::string>& prefix = {}) {
  d.writeConfig(d.header() + "[fcgi-program:fc]\nsocket=" + socket +
                "\ncommand={helpers}/fcgi_responder\nstartsecs=0\nstartretries=0\n");
  return d.start({}, prefix) && d.waitForLogLine("INFO gave up: fc entered FATAL state");
}

// Main-log lines (without timestamps) that mention a socket.
std::vector<std::string> socketLines(const DaemonHarness& d) {
  std::vector<std::string> out;
  for (const auto& l : d.logLines())
    if (l.find("socket ") != std::string::npos) out.push_back(l);
  return out;
}

}  // namespace

TEST_CASE("two fcgi pool members share one unix socket on fd 0 and both answer") {
  DaemonHarness d;
  const std::string sock = d.path("fc.sock");
  d.writeConfig(d.header() + DaemonHarness::ctlSections() + pool("unix://{dir}/fc.sock"));
  REQUIRE(d.start());
  REQUIRE(bothRunning(d));
  CHECK(allAnswer([&] { return askUnix(sock); }, {"fc_0", "fc_1"}));

  // Supervisor's default: mode 0700, owned by the daemon's user.
  struct stat st {};
  REQUIRE(::stat(sock.c_str(), &st) == 0);
  CHECK(S_ISSOCK(st.st_mode));
  CHECK((st.st_mode & 07777) == 0700);
  CHECK(st.st_uid == ::geteuid());
  CHECK(st.st_gid == ::getegid());

  // The probe when the group is created, then the pool's socket.
  CHECK(socketLines(d) == std::vector<std::string>{"INFO Creating socket unix://" + sock,
                                                   "INFO Closing socket unix://" + sock,
                                                   "INFO Creating socket unix://" + sock});
  auto status = d.ctl("status");
  CHECK(std::regex_search(status.out,
                          std::regex("^fc:fc_0 +RUNNING +pid \\d+, uptime 0:00:\\d\\d\n"
                                     "fc:fc_1 +RUNNING +pid \\d+, uptime 0:00:\\d\\d\n$")));
  CHECK(d.ctl("avail").out ==
        "fc:fc_0                          in use    auto      999:999\n"
        "fc:fc_1                          in use    auto      999:999\n");
  // stdout is captured as for any program; stdin is the socket, not a pipe.
  CHECK(waitFor([&] { return d.childLog("fc_0").find("answered ping") != std::string::npos; }));
  CHECK(d.childLog("fc_0").rfind("fcgi_responder fc_0 listening on unix\n", 0) == 0);
  RpcClient c(d.path("sv.sock"));
  CHECK(errorCode(c.call("supervisor.sendProcessStdin", {"fc:fc_0", "x"})) == 20);  // NO_FILE
}

TEST_CASE("two fcgi pool members share one tcp socket on 127.0.0.1 and both answer") {
  DaemonHarness d;
  const int port = freePort();
  const std::string url = "tcp://127.0.0.1:" + std::to_string(port);
  d.writeConfig(d.header() + DaemonHarness::ctlSections() + pool(url, "socket_backlog=16"));
  REQUIRE(d.start());
  REQUIRE(bothRunning(d));
  CHECK(allAnswer([&] { return ask(AF_INET, "127.0.0.1", port, "tcp"); }, {"fc_0", "fc_1"}));
  CHECK(d.childLog("fc_1").rfind("fcgi_responder fc_1 listening on inet\n", 0) == 0);
  CHECK(d.countLogLines("INFO Creating socket " + url) == 2);
}

TEST_CASE("the fcgi socket file gets socket_owner and socket_mode") {
  DaemonHarness d;
  uid_t uid = ::geteuid();
  gid_t gid = ::getegid();
  std::string owner = std::to_string(uid);
  if (::geteuid() == 0) {
    const passwd* pw = ::getpwnam("nobody");
    const group* gr = ::getgrnam("nogroup");
    REQUIRE(pw);
    REQUIRE(gr);
    uid = pw->pw_uid;
    gid = gr->gr_gid;
    owner = "nobody:nogroup";
  } else {
    WARN("not root: socket_owner can only be the test's own user");
  }
  d.writeConfig(d.header() +
                pool("unix://{dir}/fc.sock", "socket_owner=" + owner + "\nsocket_mode=0620"));
  REQUIRE(d.start());
  REQUIRE(bothRunning(d));
  struct stat st {};
  REQUIRE(::stat(d.path("fc.sock").c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0620);
  CHECK(st.st_uid == uid);
  CHECK(st.st_gid == gid);
  CHECK(allAnswer([&] { return askUnix(d.path("fc.sock")); }, {"fc_0", "fc_1"}));
}

TEST_CASE("a stale file at the fcgi socket path is replaced") {
  DaemonHarness d;
  std::ofstream(d.path("fc.sock")) << "left over\n";
  d.writeConfig(d.header() + pool("unix://{dir}/fc.sock"));
  REQUIRE(d.start());
  REQUIRE(bothRunning(d));
  CHECK(allAnswer([&] { return askUnix(d.path("fc.sock")); }, {"fc_0", "fc_1"}));
}

TEST_CASE("stopping the last fcgi pool member closes the socket and a start opens it again") {
  DaemonHarness d;
  const std::string sock = d.path("fc.sock");
  d.writeConfig(d.header() + DaemonHarness::ctlSections() + pool("unix://{dir}/fc.sock"));
  REQUIRE(d.start());
  REQUIRE(bothRunning(d));
  CHECK(d.ctl("stop fc:fc_0").out == "fc:fc_0: stopped\n");
  CHECK(askUnix(sock).name() == "fc_1");          // fc_1 still holds it
  CHECK(d.countLogLines("Closing socket") == 1);  // the probe's only
  CHECK(d.ctl("stop fc:fc_1").out == "fc:fc_1: stopped\n");
  // Closed: nobody answers. The file stays, as Supervisor leaves it.
  CHECK(askUnix(sock).error == ECONNREFUSED);
  CHECK(::access(sock.c_str(), F_OK) == 0);
  auto lines = d.logLines();
  REQUIRE(lines.size() >= 2);
  CHECK(lines[lines.size() - 2] == "WARN stopped: fc_1 (terminated by SIGTERM)");
  CHECK(lines.back() == "INFO Closing socket unix://" + sock);

  CHECK(d.ctl("start fc:*").out == "fc:fc_0: started\nfc:fc_1: started\n");
  CHECK(allAnswer([&] { return askUnix(sock); }, {"fc_0", "fc_1"}));
}

TEST_CASE("update after an fcgi socket change restarts the pool on the new socket") {
  DaemonHarness d;
  const std::string a = d.path("a.sock"), b = d.path("b.sock");
  d.writeConfig(d.header() + DaemonHarness::ctlSections() + pool("unix://{dir}/a.sock"));
  REQUIRE(d.start());
  REQUIRE(bothRunning(d));
  // A new socket_mode alone is no change to Supervisor (it compares urls).
  d.writeConfig(d.header() + DaemonHarness::ctlSections() +
                pool("unix://{dir}/a.sock", "socket_mode=0666"));
  CHECK(d.ctl("reread").out == "No config updates to processes\n");

  d.writeConfig(d.header() + DaemonHarness::ctlSections() + pool("unix://{dir}/b.sock"));
  CHECK(d.ctl("reread").out == "fc: changed\n");
  CHECK(d.ctl("update").out == "fc: stopped\nfc: updated process group\n");
  REQUIRE(bothRunning(d, 1));
  CHECK(allAnswer([&] { return askUnix(b); }, {"fc_0", "fc_1"}));
  CHECK(askUnix(a).error == ECONNREFUSED);
  CHECK(socketLines(d) == std::vector<std::string>{
                              "INFO Creating socket unix://" + a,
                              "INFO Closing socket unix://" + a,
                              "INFO Creating socket unix://" + a,
                              "INFO Closing socket unix://" + a,
                              "INFO Creating socket unix://" + b,
                              "INFO Closing socket unix://" + b,
                              "INFO Creating socket unix://" + b,
                          });
}

TEST_CASE("an fcgi address in use is a spawn error with Supervisor's text, then FATAL") {
  DaemonHarness d;
  TakenPort taken;
  const std::string url = "tcp://127.0.0.1:" + std::to_string(taken.port);
  const std::string why =
      "Could not create FastCGI socket " + url + ": [Errno 98] Address already in use";
  d.writeConfig(d.header() + DaemonHarness::ctlSections() + "[fcgi-program:fc]\nsocket=" + url +
                "\ncommand={helpers}/fcgi_responder\nstartsecs=0\nstartretries=1\n");
  REQUIRE(d.start());
  REQUIRE(d.waitForLogLine("INFO gave up: fc entered FATAL state, too many start retries"));
  CHECK(d.countLogLines("ERRO " + quoted(why)) == 1);
  CHECK(d.countLogLines("INFO spawnerr: " + quoted(why)) == 2);
  CHECK(std::regex_match(d.ctl("status").out, std::regex("fc +FATAL +" + quoted(why) + "\n")));
  auto start = d.ctl("start fc");
  CHECK(start.out == "fc: ERROR (spawn error)\n");
  CHECK(start.exit == 7);  // LSB "not running", as Supervisor's spawn error gives
  REQUIRE(d.waitForLogLine("INFO gave up: fc entered FATAL state", 5s, 1));

  taken.release();
  CHECK(d.ctl("start fc").out == "fc: started\n");
  CHECK(ask(AF_INET, "127.0.0.1", std::stoi(url.substr(url.rfind(':') + 1)), "x").name() == "fc");
}

TEST_CASE("an fcgi socket in a missing directory is a spawn error with Supervisor's text") {
  DaemonHarness d;
  REQUIRE(startsFatal(d, "unix://{dir}/missing/fc.sock"));
  CHECK(d.countLogLines("INFO spawnerr: " +
                        quoted("Could not create FastCGI socket unix://" + d.dir() +
                               "/missing/fc.sock: [Errno 2] No such file or directory")) == 1);
}

TEST_CASE("an fcgi socket where the daemon may not write is a spawn error with Supervisor's text") {
  DaemonHarness d;
  std::vector<std::string> as_nobody;
  if (::geteuid() == 0) {
    // Root writes anywhere: run the daemon as nobody.
    ::chmod(d.dir().c_str(), 0777);
    as_nobody = {"setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"};
  }
  ::mkdir(d.path("locked").c_str(), 0555);
  ::chmod(d.path("locked").c_str(), 0555);
  REQUIRE(startsFatal(d, "unix://{dir}/locked/fc.sock", as_nobody));
  CHECK(d.countLogLines("INFO spawnerr: " +
                        quoted("Could not create FastCGI socket unix://" + d.dir() +
                               "/locked/fc.sock: [Errno 13] Permission denied")) == 1);
}

TEST_CASE("a re-exec hands the fcgi socket over: the pool keeps its children and its socket") {
  DaemonHarness d;
  const std::string sock = d.path("fc.sock");
  const int port = freePort();
  d.writeConfig(d.header() + DaemonHarness::ctlSections() + pool("unix://{dir}/fc.sock") +
                "[fcgi-program:tc]\nsocket=tcp://127.0.0.1:" + std::to_string(port) +
                "\ncommand={helpers}/fcgi_responder\nstartsecs=0\n");
  REQUIRE(d.start());
  REQUIRE(bothRunning(d));
  REQUIRE(d.waitForLogLine("success: tc entered RUNNING"));
  REQUIRE(allAnswer([&] { return askUnix(sock); }, {"fc_0", "fc_1"}));
  struct stat before {};
  REQUIRE(::stat(sock.c_str(), &before) == 0);
  auto lines_before = socketLines(d);
  auto status_before = d.ctl("status").out;
  std::regex pids("pid (\\d+)");
  auto pidsOf = [&](const std::string& text) {
    std::vector<std::string> out;
    for (std::sregex_iterator it(text.begin(), text.end(), pids), end; it != end; ++it)
      out.push_back((*it)[1]);
    return out;
  };

  auto r = d.ctl("reexec");
  REQUIRE(r.out == "Re-executed supervisord (pid " + std::to_string(d.daemonPid()) + ")\n");
  REQUIRE(d.waitForLogLine("adopted 3 processes from the previous image"));
  // The same children answer on the same socket: nothing was bound again
  // (a new bind would have replaced the file, and logged "Creating socket").
  CHECK(pidsOf(d.ctl("status").out) == pidsOf(status_before));
  CHECK(allAnswer([&] { return askUnix(sock); }, {"fc_0", "fc_1"}));
  CHECK(allAnswer([&] { return ask(AF_INET, "127.0.0.1", port, "tcp"); }, {"tc"}));
  struct stat after {};
  REQUIRE(::stat(sock.c_str(), &after) == 0);
  CHECK(after.st_ino == before.st_ino);
  CHECK(socketLines(d) == lines_before);
  CHECK(d.countLogLines("closed fcgi:") == 0);

  // The references came over too: the last member's stop closes the socket,
  // and a start opens it again.
  CHECK(d.ctl("stop fc:*").exit == 0);
  CHECK(d.waitForLogLine("INFO Closing socket unix://" + quoted(sock), 5s, 1));
  CHECK(d.ctl("start fc:*").exit == 0);
  CHECK(allAnswer([&] { return askUnix(sock); }, {"fc_0", "fc_1"}));
  REQUIRE(d.stop() == 0);
}
