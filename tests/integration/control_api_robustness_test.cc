// The control socket under hostile or heavy use: peers refused by
// SO_PEERCRED, username/password, garbage and oversized lines, requests cut
// off halfway, and a hundred concurrent clients while processes are being
// started and stopped over and over. The daemon stays up and every
// well-formed request gets its correct answer.
#include <sys/fsuid.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <grp.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <atomic>
#include <thread>
#include <vector>

#include "daemon_harness.h"
#include "rpc_client.h"

using namespace sup::test;

namespace {

std::string socketSection(const std::string& extra = "") {
  return "[unix_http_server]\nfile={dir}/sv.sock\n" + extra + "\n";
}

constexpr uid_t kNobody = 65534;

}  // namespace

TEST_CASE("a peer whose uid may not use the socket is refused with FORBIDDEN") {
  if (::geteuid() != 0) {
    WARN("needs root to act as another uid");
    return;
  }
  DaemonHarness d;
  d.writeConfig(d.header() + socketSection("chmod=0700"));
  REQUIRE(d.start());
  std::string sock = d.path("sv.sock");
  // The child takes nobody's effective uid (what SO_PEERCRED reports) but
  // keeps filesystem uid 0, so the file mode lets connect() through and the
  // server's own check is what has to refuse it.
  pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    if (::setgroups(0, nullptr) != 0 || ::setegid(kNobody) != 0 || ::seteuid(kNobody) != 0) _exit(10);
    ::setfsuid(0);
    ::setfsgid(0);
    RpcClient c(sock, 2s);
    if (!c.connected()) _exit(11);
    c.send("supervisor.getState");
    auto msg = c.read(5s);
    if (!msg || errorCode(msg) != -32003) _exit(12);
    if (!c.waitClosed(5s)) _exit(13);
    _exit(0);
  }
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(d.waitForLogLine("WARN control: refused connection from pid \\d+ uid 65534"));
  // Root (the daemon's own uid) is still served.
  RpcClient c(sock);
  CHECK(resultOf(c.call("supervisor.getState"))["statename"] == "RUNNING");
}

TEST_CASE("with a username, calls need auth first and a bad password is refused") {
  DaemonHarness d;
  d.writeConfig(d.header() + socketSection("username=user\npassword=secret"));
  REQUIRE(d.start());
  RpcClient c(d.path("sv.sock"));
  CHECK(errorMessage(c.call("supervisor.getState")) == "UNAUTHORIZED");
  CHECK(errorCode(c.call("auth", {"user", "wrong"})) == -32001);
  CHECK(errorCode(c.call("supervisor.getState")) == -32001);
  CHECK(resultOf(c.call("auth", {"user", "secret"})) == true);
  CHECK(resultOf(c.call("supervisor.getState"))["statename"] == "RUNNING");
  RpcClient other(d.path("sv.sock"));
  CHECK(errorCode(other.call("system.listMethods")) == -32001);
}

TEST_CASE("garbage, oversized and cut-off requests leave the daemon serving") {
  DaemonHarness d;
  d.writeConfig(d.header() + socketSection());
  REQUIRE(d.start());
  std::string sock = d.path("sv.sock");
  {
    RpcClient c(sock);
    c.sendRaw("this is not json\n");
    CHECK(errorCode(c.read()) == -32700);
    c.sendRaw("[1,2,3]\n");
    CHECK(errorCode(c.read()) == -32600);
    c.sendRaw("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":5}\n");
    auto bad = c.read();
    CHECK(errorCode(bad) == -32600);
    // A notification (no id) runs without an answer; the next call is answered.
    c.sendRaw("{\"jsonrpc\":\"2.0\",\"method\":\"supervisor.getState\"}\n");
    CHECK(resultOf(c.call("supervisor.getAPIVersion")) == "3.0");
    // Three requests in one write, and one request in three writes.
    c.sendRaw(
        "{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"method\":\"supervisor.getPID\"}\n"
        "{\"jsonrpc\":\"2.0\",\"id\":\"b\",\"method\":\"supervisor.getPID\"}\n"
        "{\"jsonrpc\":\"2.0\",\"id\":\"c\",\"method\":\"supervisor.getPID\"}\n");
    for (const char* id : {"a", "b", "c"}) {
      auto m = c.read();
      REQUIRE(m);
      CHECK((*m)["id"] == id);
      CHECK((*m)["result"] == d.daemonPid());
    }
    c.sendRaw("{\"jsonrpc\":\"2.0\",\"id\":9,\"met");
    c.sendRaw("hod\":\"supervisor.getSt");
    c.sendRaw("ate\"}\n");
    CHECK(resultOf(c.read())["statename"] == "RUNNING");
  }
  {
    RpcClient huge(sock);
    std::string line = "{\"id\":1,\"method\":\"supervisor.getState\",\"params\":[\"" +
                       std::string(2 << 20, 'x') + "\"]}\n";
    huge.sendRaw(line);
    auto m = huge.read(5s);
    CHECK(errorCode(m) == -32004);
    CHECK(huge.waitClosed(5s));
  }
  {
    RpcClient half(sock);
    half.sendRaw("{\"id\":1,\"method\":\"supervisor.startProc");
    half.close();
  }
  RpcClient c(sock);
  CHECK(resultOf(c.call("supervisor.getState"))["statename"] == "RUNNING");
  CHECK(d.running());
}

TEST_CASE("a thousand malformed requests and a hundred clients during a start/stop storm") {
  DaemonHarness d;
  std::string programs;
  for (int i = 0; i < 4; ++i) {
    programs += "[program:p" + std::to_string(i) + "]\ncommand={helpers}/sleeper\nstartsecs=0\n";
  }
  d.writeConfig(d.header() + socketSection() + programs);
  REQUIRE(d.start());
  std::string sock = d.path("sv.sock");
  int pid = d.daemonPid();

  std::atomic<bool> stop{false};
  std::atomic<int> storm_ops{0}, storm_bad{0};
  // The storm: p0..p3 stopped and started again, with wait, as fast as possible.
  std::thread storm([&] {
    RpcClient c(sock);
    while (!stop) {
      for (int i = 0; i < 4 && !stop; ++i) {
        std::string name = "p" + std::to_string(i);
        auto r1 = c.call("supervisor.stopProcess", {name}, 10s);
        auto r2 = c.call("supervisor.startProcess", {name}, 10s);
        if (resultOf(r1) != true || resultOf(r2) != true) ++storm_bad;
        ++storm_ops;
      }
    }
  });

  std::atomic<int> wrong{0}, answered{0};
  std::thread malformed([&] {
    RpcClient c(sock);
    std::string burst;
    for (int i = 0; i < 1000; ++i) {
      switch (i % 4) {
        case 0: burst += "garbage " + std::to_string(i) + "\n"; break;
        case 1: burst += "{\"id\":" + std::to_string(i) + ",\"method\":[]}\n"; break;
        case 2:
          burst += "{\"jsonrpc\":\"2.0\",\"id\":" + std::to_string(i) +
                   ",\"method\":\"nope.x\"}\n";
          break;
        default: burst += "{\"id\":" + std::to_string(i) +
                          ",\"method\":\"supervisor.getProcessInfo\",\"params\":{}}\n";
      }
    }
    c.sendRaw(burst);
    for (int i = 0; i < 1000; ++i) {
      auto m = c.read(10s);
      int code = errorCode(m);
      int want = i % 4 == 0 ? -32700 : i % 4 == 1 ? -32600 : i % 4 == 2 ? 1 : -32600;
      if (!m || (code != want && !(i % 4 == 3 && code == 2))) ++wrong;
    }
    if (resultOf(c.call("supervisor.getAPIVersion")) != "3.0") ++wrong;
  });

  std::vector<std::thread> clients;
  for (int t = 0; t < 100; ++t) {
    clients.emplace_back([&, t] {
      RpcClient c(sock);
      for (int k = 0; k < 5; ++k) {
        std::string name = "p" + std::to_string((t + k) % 4);
        bool ok = resultOf(c.call("supervisor.getPID", json::array(), 10s)) == pid;
        auto info = resultOf(c.call("supervisor.getProcessInfo", {name}, 10s));
        ok = ok && info.is_object() && info.value("name", "") == name;
        ok = ok && errorCode(c.call("supervisor.nope", json::array(), 10s)) == 1;
        c.sendRaw("not json at all\n");
        ok = ok && errorCode(c.read(10s)) == -32700;
        auto all = resultOf(c.call("supervisor.getAllProcessInfo", json::array(), 10s));
        ok = ok && all.is_array() && all.size() == 4;
        if (!ok) ++wrong;
        ++answered;
      }
    });
  }
  for (auto& t : clients) t.join();
  malformed.join();
  stop = true;
  storm.join();

  CHECK(wrong == 0);
  CHECK(answered == 500);
  CHECK(storm_ops > 0);
  CHECK(storm_bad == 0);
  CHECK(d.running());
  RpcClient c(sock);
  CHECK(resultOf(c.call("supervisor.getState"))["statename"] == "RUNNING");
}
