// The daemon's control socket driven through a real Unix socket in a temp
// dir and a real EventLoop: framing, errors, auth, async replies, caps on
// what one client may make the daemon hold, and supervisorctl's client
// talking to it.
#include "supervisord/control_server.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "supervisorctl/client.h"
#include "supervisorctl/controller.h"

using namespace sup;
using namespace std::chrono_literals;
using proto::json;

namespace {

struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/ctlsrv-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~TempDir() { std::system(("rm -rf '" + path + "'").c_str()); }
};

// Run the loop until pred() holds; a short timer keeps runOnce from
// sleeping forever when nothing happens.
bool pumpUntil(EventLoop& loop, const std::function<bool()>& pred) {
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    loop.after(5ms, [] {});
    loop.runOnce();
  }
  return true;
}

int connectTo(const std::string& path) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strcpy(addr.sun_path, path.c_str());
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  return fd;
}

void sendAll(int fd, const std::string& s) {
  REQUIRE(::send(fd, s.data(), s.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(s.size()));
}

// Reads what the server sent so far (the socket is non-blocking).
struct Reader {
  explicit Reader(int f) : fd(f) {}
  int fd;
  std::string buf;
  bool eof = false;
  void poll() {
    char tmp[65536];
    for (;;) {
      ssize_t n = ::read(fd, tmp, sizeof tmp);
      if (n > 0) {
        buf.append(tmp, static_cast<std::size_t>(n));
        continue;
      }
      if (n == 0) eof = true;
      return;
    }
  }
  std::optional<json> line() {
    poll();
    auto nl = buf.find('\n');
    if (nl == std::string::npos) return std::nullopt;
    json j = json::parse(buf.substr(0, nl));
    buf.erase(0, nl + 1);
    return j;
  }
};

json waitLine(EventLoop& loop, Reader& r) {
  std::optional<json> got;
  REQUIRE(pumpUntil(loop, [&] { return (got = r.line()).has_value(); }));
  return *got;
}

struct Server {
  TempDir dir;
  EventLoop loop;
  ControlServerOptions opts;
  std::vector<std::string> logs;
  std::unique_ptr<ControlServer> server;
  ControlServer::Handler handler = [](ControlConnection& c, const proto::Request& r) {
    if (r.method == "echo") {
      c.reply(r.id, r.params);
    } else {
      c.replyFault(r.id, proto::Fault::kUnknownMethod);
    }
  };
  Server() { opts.path = dir.path + "/sv.sock"; }
  void open() {
    server = std::make_unique<ControlServer>(loop, opts, handler,
                                             [this](LogLevel lvl, const std::string& m) {
                                               logs.push_back(logLevelLabel(lvl) + (" " + m));
                                             });
    REQUIRE(server->open().ok());
  }
};

}  // namespace

TEST_CASE("the socket is created with the configured mode and removed on close") {
  Server s;
  s.opts.chmod = 0770;
  s.open();
  struct stat st;
  REQUIRE(::stat(s.opts.path.c_str(), &st) == 0);
  CHECK(S_ISSOCK(st.st_mode));
  CHECK((st.st_mode & 0777) == 0770);
  s.server->close();
  CHECK(::stat(s.opts.path.c_str(), &st) != 0);
}

TEST_CASE("a stale socket file is replaced and a live one refused with Supervisor's text") {
  Server s;
  { std::ofstream(s.opts.path) << "stale"; }
  s.open();
  EventLoop other_loop;
  ControlServer second(other_loop, s.opts, nullptr);
  auto st = second.open();
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().message ==
        "Another program is already listening on a port that one of our HTTP servers is "
        "configured to use.  Shut this program down first before starting supervisord.");
}

TEST_CASE("requests are answered in order and garbage gets a parse error without a hang-up") {
  Server s;
  s.open();
  Reader r{connectTo(s.opts.path)};
  sendAll(r.fd, "{not json}\n{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"echo\",\"params\":[1]}\n");
  json e = waitLine(s.loop, r);
  CHECK(e["error"]["code"] == -32700);
  CHECK(e["id"].is_null());
  json ok = waitLine(s.loop, r);
  CHECK(ok["id"] == 1);
  CHECK(ok["result"] == json::array({1}));
  sendAll(r.fd, R"({"jsonrpc":"2.0","id":2,"method":"nope"})"
                "\n");
  CHECK(waitLine(s.loop, r)["error"]["message"] == "UNKNOWN_METHOD");
  ::close(r.fd);
}

TEST_CASE("a request split across writes is answered once complete") {
  Server s;
  s.open();
  Reader r{connectTo(s.opts.path)};
  sendAll(r.fd, R"({"jsonrpc":"2.0","id":7,)");
  s.loop.after(5ms, [] {});
  s.loop.runOnce();
  CHECK_FALSE(r.line());
  sendAll(r.fd, R"("method":"echo"})"
                "\n");
  CHECK(waitLine(s.loop, r)["id"] == 7);
  ::close(r.fd);
}

TEST_CASE("an oversize line gets an error and the connection is closed") {
  Server s;
  s.opts.max_line = 1024;
  s.open();
  Reader r{connectTo(s.opts.path)};
  sendAll(r.fd, std::string(4096, 'x'));
  json e = waitLine(s.loop, r);
  CHECK(e["error"]["code"] == proto::kRequestTooLarge);
  CHECK(pumpUntil(s.loop, [&] {
    r.poll();
    return r.eof;
  }));
  CHECK(s.server->connectionCount() == 0);
  ::close(r.fd);
}

TEST_CASE("replies may come later, and a reply to a closed client is dropped") {
  Server s;
  std::shared_ptr<ControlConnection> held;
  proto::json held_id;
  s.handler = [&](ControlConnection& c, const proto::Request& r) {
    held = c.shared_from_this();
    held_id = r.id;
  };
  s.open();
  Reader r{connectTo(s.opts.path)};
  sendAll(r.fd, R"({"jsonrpc":"2.0","id":"a","method":"wait"})"
                "\n");
  REQUIRE(pumpUntil(s.loop, [&] { return held != nullptr; }));
  s.loop.after(10ms, [&] { held->reply(held_id, "done"); });
  CHECK(waitLine(s.loop, r)["result"] == "done");
  sendAll(r.fd, R"({"jsonrpc":"2.0","id":"b","method":"wait"})"
                "\n");
  REQUIRE(pumpUntil(s.loop, [&] { return held_id == "b"; }));
  bool closed_seen = false;
  held->onClose([&] { closed_seen = true; });
  ::close(r.fd);
  REQUIRE(pumpUntil(s.loop, [&] { return held->closed(); }));
  CHECK(closed_seen);
  held->reply(held_id, "too late");  // must not crash or throw
  CHECK(s.server->connectionCount() == 0);
}

TEST_CASE("a client that stops reading is dropped when its queue overflows") {
  Server s;
  s.opts.max_write_queue = 256 * 1024;
  s.handler = [](ControlConnection& c, const proto::Request& r) {
    c.reply(r.id, true);
    std::string chunk(16 * 1024, 'y');
    for (int i = 0; i < 200 && !c.closed(); ++i) c.notify("log", {{"data", chunk}});
  };
  s.open();
  int fd = connectTo(s.opts.path);
  sendAll(fd, R"({"jsonrpc":"2.0","id":1,"method":"flood"})"
              "\n");
  REQUIRE(pumpUntil(s.loop, [&] { return !s.logs.empty(); }));  // accepted and dispatched
  CHECK(pumpUntil(s.loop, [&] { return s.server->connectionCount() == 0; }));
  bool logged = false;
  for (const auto& l : s.logs) logged = logged || l.find("stopped reading") != std::string::npos;
  CHECK(logged);
  ::close(fd);
}

TEST_CASE("with username set, only auth is accepted until it succeeds") {
  Server s;
  s.opts.username = "admin";
  s.opts.password = "pw";
  s.open();
  Reader r{connectTo(s.opts.path)};
  sendAll(r.fd, R"({"jsonrpc":"2.0","id":1,"method":"echo"})"
                "\n");
  CHECK(waitLine(s.loop, r)["error"]["code"] == proto::kUnauthorized);
  sendAll(r.fd, R"({"jsonrpc":"2.0","id":2,"method":"auth","params":["admin","bad"]})"
                "\n");
  CHECK(waitLine(s.loop, r)["error"]["message"] == "UNAUTHORIZED");
  sendAll(r.fd, R"({"jsonrpc":"2.0","id":3,"method":"auth","params":["admin","pw"]})"
                "\n");
  CHECK(waitLine(s.loop, r)["result"] == true);
  sendAll(r.fd, R"({"jsonrpc":"2.0","id":4,"method":"echo","params":["hi"]})"
                "\n");
  CHECK(waitLine(s.loop, r)["result"] == json::array({"hi"}));
  ::close(r.fd);
}

TEST_CASE("peer credentials: root, owner, group with group access, others with other access") {
  PeerCredentials p{123, 1000, 1000, ""};
  CHECK(peerAllowed({1, 0, 0, ""}, {}, 5, 5, 0700, 5));
  CHECK(peerAllowed(p, {}, 1000, 5, 0700, 5));
  CHECK_FALSE(peerAllowed(p, {}, 5, 5, 0700, 5));
  CHECK_FALSE(peerAllowed(p, {5}, 5, 5, 0700, 5));
  CHECK(peerAllowed(p, {5}, 5, 5, 0770, 5));
  CHECK(peerAllowed({1, 1000, 5, ""}, {}, 5, 5, 0770, 5));
  CHECK(peerAllowed(p, {}, 5, 5, 0777, 5));
}

TEST_CASE("supervisorctl's client and commands work against the real server") {
  Server s;
  s.opts.username = "u";
  s.opts.password = "p";
  s.handler = [](ControlConnection& c, const proto::Request& r) {
    if (r.method == proto::method::kGetVersion) return c.reply(r.id, "3.0");
    if (r.method == proto::method::kGetAllProcessInfo) {
      proto::ProcessInfo i;
      i.name = i.group = "web";
      i.state = 20;
      i.statename = "RUNNING";
      i.pid = 42;
      i.description = "pid 42, uptime 0:00:01";
      return c.reply(r.id, json::array({i}));
    }
    if (r.method == proto::method::kTailProcessLogFollow) {
      c.reply(r.id, true);
      c.notify("log", proto::LogChunk{"web", "stdout", "line\n", false, true});
      return;
    }
    c.replyFault(r.id, proto::Fault::kBadName, "x");
  };
  s.open();
  std::atomic<bool> done{false};
  std::thread loop_thread([&] {
    while (!done.load()) {
      s.loop.after(5ms, [] {});
      s.loop.runOnce();
    }
  });
  ctl::SocketClient client("unix://" + s.opts.path);
  ctl::CtlSettings settings;
  std::ostringstream out;
  ctl::Controller c(settings, client, out);
  c.onecmd("status");
  CHECK(out.str().rfind("Server requires authentication\nerror: <class "
                        "'xmlrpc.client.ProtocolError'>, <ProtocolError for ",
                        0) == 0);
  CHECK(c.exitstatus() == 1);
  client.setCredentials("u", "p");
  out.str("");
  c.setExitstatus(0);
  c.onecmd("status");
  CHECK(out.str() == "web                              RUNNING   pid 42, uptime 0:00:01\n");
  CHECK(c.exitstatus() == 0);
  out.str("");
  c.onecmd("tail -f web");
  CHECK(out.str() == "==> Press Ctrl-C to exit <==\nline\n");
  out.str("");
  c.onecmd("stop x");
  CHECK(out.str() == "x: ERROR (no such process)\n");
  done = true;
  loop_thread.join();
}
