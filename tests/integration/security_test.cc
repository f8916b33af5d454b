// Security checks with a real daemon: the socket's mode, other uids kept
// out by the file mode and by SO_PEERCRED, user= dropping supplementary
// groups, command= never given to a shell, log methods that cannot be
// steered to files outside the configured logs, and grep with a
// pathological regex finishing in bounded time. (The SO_PEERCRED refusal
// with a kept filesystem uid is in control_api_robustness_test.cc.)
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <grp.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "daemon_harness.h"
#include "rpc_client.h"

using namespace sup::test;

namespace {

constexpr uid_t kNobody = 65534;

std::string socketSection(const std::string& extra = "") {
  return "[unix_http_server]\nfile={dir}/sv.sock\n" + extra + "\n";
}

// connect() to `path` from a child that has fully become nobody; returns the
// child's verdict: 0 served, 1 connect refused with EACCES, 2 FORBIDDEN
// reply, other values are setup failures.
int connectAsNobody(const std::string& path) {
  pid_t child = ::fork();
  if (child == 0) {
    if (::setgroups(0, nullptr) != 0 || ::setgid(kNobody) != 0 || ::setuid(kNobody) != 0) {
      _exit(10);
    }
    int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      _exit(errno == EACCES ? 1 : 11);
    }
    ::close(fd);
    RpcClient c(path, 2s);
    auto reply = c.call("supervisor.getState", json::array(), 5s);
    if (resultOf(reply).is_object()) _exit(0);
    if (errorCode(reply) == -32003) _exit(2);
    _exit(12);
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 100;
}

// The line of a process's stdout log starting with `prefix`.
std::string reported(const DaemonHarness& d, const std::string& process,
                     const std::string& prefix) {
  std::string log = d.childLog(process);
  auto at = log.find(prefix);
  if (at == std::string::npos) return "";
  return log.substr(at + prefix.size(), log.find('\n', at) - at - prefix.size());
}

}  // namespace

TEST_CASE("the control socket is 0700 by default and only as open as chmod= says") {
  DaemonHarness d;
  ::chmod(d.dir().c_str(), 0755);
  std::string sock = d.path("sv.sock");
  d.writeConfig(d.header() + socketSection());
  REQUIRE(d.start());
  struct stat st {};
  REQUIRE(::stat(sock.c_str(), &st) == 0);
  CHECK(S_ISSOCK(st.st_mode));
  CHECK((st.st_mode & 07777) == 0700);
  // No temp name of the bind-then-rename dance is left behind.
  int entries = 0;
  for (const auto& e : std::filesystem::directory_iterator(d.dir())) {
    if (e.path().filename().string().rfind("sv.sock", 0) == 0) ++entries;
  }
  CHECK(entries == 1);
  if (::geteuid() == 0) {
    CHECK(connectAsNobody(sock) == 1);  // the kernel refuses by the file mode
  } else {
    WARN("not root: the nobody client is skipped");
  }
  d.stop();

  DaemonHarness open;
  ::chmod(open.dir().c_str(), 0755);
  open.writeConfig(open.header() + socketSection("chmod=0777"));
  REQUIRE(open.start());
  REQUIRE(::stat(open.path("sv.sock").c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0777);
  if (::geteuid() == 0) CHECK(connectAsNobody(open.path("sv.sock")) == 0);  // as configured
}

TEST_CASE("user= leaves the child only the user's own groups") {
  if (::geteuid() != 0) {
    WARN("not root: user= cannot be tested");
    return;
  }
  struct passwd* pw = ::getpwnam("nobody");
  REQUIRE(pw);
  DaemonHarness d;
  ::chmod(d.dir().c_str(), 0755);
  d.writeConfig(d.header() +
                "[program:dropped]\ncommand={helpers}/self_report\nuser=nobody\n"
                "[program:kept]\ncommand={helpers}/self_report\n");
  // The daemon itself carries extra supplementary groups (adm, disk, users).
  REQUIRE(d.start({}, {"setpriv", "--groups=4,6,100", "--"}));
  REQUIRE(waitFor([&] {
    return d.childLog("dropped").find("self_report ready") != std::string::npos &&
           d.childLog("kept").find("self_report ready") != std::string::npos;
  }));
  CHECK(reported(d, "kept", "Groups:") == "\t4 6 100 ");  // the setup really had them
  // initgroups("nobody", nogroup): only nobody's own groups remain.
  std::vector<gid_t> own(64);
  int n = static_cast<int>(own.size());
  REQUIRE(::getgrouplist("nobody", pw->pw_gid, own.data(), &n) >= 0);
  std::string expected = "\t";
  for (int i = 0; i < n; ++i) expected += std::to_string(own[static_cast<size_t>(i)]) + " ";
  CHECK(reported(d, "dropped", "Groups:") == expected);
}

TEST_CASE("command= is exec'd literally, never through a shell") {
  DaemonHarness d;
  d.writeConfig(d.header() +
                "[program:lit]\ncommand={helpers}/self_report a;touch {dir}/semi "
                "$(touch {dir}/subst) `touch {dir}/tick` > {dir}/redir | cat && echo * "
                "'quoted; $(x)'\n");
  // (" ;" would start an INI inline comment, as in Supervisor, hence "a;touch".)
  REQUIRE(d.start());
  REQUIRE(waitFor([&] { return d.childLog("lit").find("self_report ready") != std::string::npos; }));
  std::vector<std::string> want = {"a;touch",
                                   d.path("semi"),
                                   "$(touch",
                                   d.path("subst") + ")",
                                   "`touch",
                                   d.path("tick") + "`",
                                   ">",
                                   d.path("redir"),
                                   "|",
                                   "cat",
                                   "&&",
                                   "echo",
                                   "*",
                                   "quoted; $(x)"};
  for (size_t i = 0; i < want.size(); ++i) {
    CHECK(reported(d, "lit", "argv[" + std::to_string(i + 1) + "]=") == want[i]);
  }
  CHECK(reported(d, "lit", "argv[" + std::to_string(want.size() + 1) + "]=").empty());
  for (const char* f : {"semi", "subst", "tick", "redir"}) {
    CHECK_FALSE(std::filesystem::exists(d.path(f)));
  }
}

TEST_CASE("no log method reads, clears or follows a file outside the configured logs") {
  DaemonHarness d;
  // A secret next to the logs, and one a level up.
  const std::string secret = "SECRET-CANARY-7f3a";
  std::ofstream(d.path("secret")) << secret << "\n";
  std::string outside = d.dir() + "-outside-secret";
  std::ofstream(outside) << secret << "\n";
  d.writeConfig(d.header() + socketSection() +
                "[program:a]\ncommand={helpers}/sleeper\nstartsecs=0\n");
  REQUIRE(d.start());
  REQUIRE(d.waitForLogLine("success: a entered RUNNING"));
  RpcClient c(d.path("sv.sock"));

  const std::vector<std::string> names = {
      "../secret", "../../../../etc/passwd", "/etc/passwd", d.path("secret"), outside,
      "a/../../secret", "a:../secret", "../a", "..", ".", "", "a\n", "a/", "a:", "*",
      "a:*", std::string("a\0b", 3), "%2e%2e/secret", "a:../../../../etc/shadow"};
  int calls = 0;
  for (const auto& name : names) {
    INFO("name: " << json(name).dump());
    for (const char* method : {"supervisor.readProcessStdoutLog", "supervisor.readProcessLog",
                               "supervisor.readProcessStderrLog", "supervisor.tailProcessStdoutLog",
                               "supervisor.tailProcessLog", "supervisor.tailProcessStderrLog"}) {
      auto r = c.call(method, {name, 0, 1000});
      ++calls;
      CHECK(errorCode(r) != 0);
      CHECK((!r || r->dump().find(secret) == std::string::npos));
      CHECK((!r || r->dump().find("root:") == std::string::npos));
    }
    for (const char* method : {"supervisor.clearProcessLogs", "supervisor.clearProcessLog"}) {
      if (name == "a:*" || name == "a:") continue;  // group forms name a's own logs
      auto r = c.call(method, {name});
      ++calls;
      CHECK(errorCode(r) != 0);
    }
    for (const char* channel : {"stdout", "stderr", "../secret", "/etc/passwd"}) {
      RpcClient f(d.path("sv.sock"));
      auto r = f.call("supervisor.tailProcessLogFollow", {name, channel, 1000}, 3s);
      ++calls;
      CHECK(errorCode(r) != 0);
      CHECK((!r || r->dump().find(secret) == std::string::npos));
    }
  }
  // Wrong shapes in place of a name or an offset are refused, not coerced.
  for (const json& bad : {json::object({{"path", "/etc/passwd"}}), json::array({"/etc/passwd"}),
                          json(nullptr), json(7)}) {
    CHECK(errorCode(c.call("supervisor.readProcessStdoutLog", {bad, 0, 100})) != 0);
    if (!bad.is_number()) CHECK(errorCode(c.call("supervisor.readLog", {bad, 100})) != 0);
    calls += 2;
  }
  // The main log reads only the main log, whatever the offsets.
  for (const json& args : {json::array({-1000000, 0}), json::array({0, 0}),
                           json::array({-1, 1000000}), json::array({1LL << 40, 10})}) {
    auto r = c.call("supervisor.readLog", args);
    CHECK((!r || r->dump().find(secret) == std::string::npos));
    ++calls;
  }
  INFO("hostile calls made: " << calls);
  CHECK(readFile(d.path("secret")) == secret + "\n");
  CHECK(readFile(outside) == secret + "\n");
  std::filesystem::remove(outside);
  CHECK(resultOf(c.call("supervisor.getState"))["statename"] == "RUNNING");
  CHECK(d.running());
}

TEST_CASE("supervisorctl grep with a pathological regex answers exactly in bounded time") {
  DaemonHarness d;
  d.writeConfig(d.header() + socketSection() +
                "[supervisorctl]\nserverurl=unix://{dir}/sv.sock\n\n"
                "[program:a]\ncommand={helpers}/sleeper\nautostart=false\n"
                "stdout_logfile={dir}/a.log\n");
  REQUIRE(d.start());
  // Lines of a's that almost match: each has the required "b" only after a
  // "c", so a backtracking engine explores 2^n splits of the a's per start.
  {
    std::ofstream log(d.path("a.log"));
    for (int i = 0; i < 50; ++i) log << std::string(4000, 'a') << "c b\n";
    log << "plain line\n";
  }
  auto t0 = std::chrono::steady_clock::now();
  auto r = run("timeout 60 " + d.ctlCommand("grep -c '(a*)*b' a"));
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  INFO("grep took " << seconds << " s, exit " << r.exit << ", out " << r.out << ", err " << r.err);
  CHECK(seconds < 10);
  CHECK(r.exit != 124);  // not killed by timeout
  // PCRE2 gives up on each long line at its match limit and RE2 decides it
  // in one pass: every such line matches "b", and the answer is exact, as
  // GNU grep's.
  CHECK(r.exit == 0);
  CHECK(r.out == "a:stdout:50\na:stderr:0\n");
  CHECK(r.err.empty());
  WARN("grep '(a*)*b' over 50 lines of 4000 a's: " << seconds << " s, exit " << r.exit << ", "
                                                    << r.out << r.err);
}
