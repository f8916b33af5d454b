// The HTTP side of the control socket, in-process over a real Unix socket
// and a real EventLoop with test routes: routing, Basic auth, answers that
// come later, pipelining, 100-continue, streams (chunked and
// close-delimited, ended by the client or the server), and the timeout of a
// request that stops half-way, which an idle connection never hits.
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstring>
#include <functional>

#include "supervisord/control_server.h"
#include "supervisord/http_router.h"
#include "supervisord/stream_keepalive.h"

using namespace sup;
using namespace std::chrono_literals;

namespace {

struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/httpsess-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~TempDir() { std::system(("rm -rf '" + path + "'").c_str()); }
};

bool pumpUntil(EventLoop& loop, const std::function<bool()>& pred,
               std::chrono::milliseconds timeout = 5s) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    loop.after(5ms, [] {});
    loop.runOnce();
  }
  return true;
}

struct Client {
  int fd = -1;
  std::string got;
  bool eof = false;
  explicit Client(const std::string& path) {
    fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strcpy(addr.sun_path, path.c_str());
    REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  }
  ~Client() {
    if (fd >= 0) ::close(fd);
  }
  void send(const std::string& s) {
    REQUIRE(::send(fd, s.data(), s.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(s.size()));
  }
  void poll() {
    char buf[65536];
    for (;;) {
      ssize_t n = ::read(fd, buf, sizeof buf);
      if (n > 0) {
        got.append(buf, static_cast<std::size_t>(n));
        continue;
      }
      if (n == 0) eof = true;
      return;
    }
  }
  bool has(const std::string& needle) {
    poll();
    return got.find(needle) != std::string::npos;
  }
};

struct Fixture {
  TempDir dir;
  EventLoop loop;
  HttpRouter router;
  ControlServerOptions opts;
  std::unique_ptr<ControlServer> server;
  std::vector<std::string> logs;
  Fixture() {
    opts.path = dir.path + "/sv.sock";
    router.add("GET", "/hello",
               [](const http::Request& r, const PeerCredentials&, HttpExchange ex) {
                 http::Response resp;
                 resp.headers.push_back({"Content-Type", "text/plain"});
                 resp.body = "hello " + r.query;
                 ex.respond(std::move(resp));
               });
    router.add("POST", "/echo",
               [](const http::Request& r, const PeerCredentials&, HttpExchange ex) {
                 http::Response resp;
                 resp.body = r.body;
                 ex.respond(std::move(resp));
               });
  }
  void open() {
    server = std::make_unique<ControlServer>(loop, opts, nullptr,
                                             [this](LogLevel level, const std::string& m) {
                                               logs.push_back(logLevelLabel(level) + (" " + m));
                                             });
    server->setHttpRouter(&router);
    REQUIRE(server->open().ok());
  }
  bool wait(Client& c, const std::string& needle, std::chrono::milliseconds t = 5s) {
    return pumpUntil(
        loop, [&] { return c.has(needle); }, t);
  }
  bool waitClosed(Client& c) {
    return pumpUntil(loop, [&] {
      c.poll();
      return c.eof;
    });
  }
};

}  // namespace

TEST_CASE("routes answer by method and path, with medusa's 404 and 400") {
  Fixture f;
  f.open();
  Client c(f.opts.path);
  c.send("GET /hello?x=1 HTTP/1.1\r\n\r\nGET /nope HTTP/1.1\r\n\r\nPOST /hello HTTP/1.1\r\n\r\n");
  REQUIRE(f.wait(c, "Error code 400"));
  CHECK(c.got.find("HTTP/1.1 200 OK\r\nServer: supervisor-cpp/") == 0);
  CHECK(c.got.find("Content-Type: text/plain\r\nContent-Length: 9\r\n\r\nhello x=1") !=
        std::string::npos);
  CHECK(c.got.find("HTTP/1.1 404 Not Found") != std::string::npos);
  CHECK(c.got.find("HTTP/1.1 400 Bad Request") != std::string::npos);
  CHECK_FALSE(c.eof);  // still keep-alive
}

TEST_CASE("a prefix route takes the paths under it, not those that merely start alike") {
  HttpRouter r;
  r.add(
      "GET", "/logtail", [](const http::Request&, const PeerCredentials&, HttpExchange) {},
      HttpRouter::Match::kPrefix);
  int status = 0;
  CHECK(r.find("GET", "/logtail", &status));
  CHECK(r.find("GET", "/logtail/web/stderr", &status));
  CHECK_FALSE(r.find("GET", "/logtailx", &status));
  CHECK(status == 404);
  CHECK_FALSE(r.find("PUT", "/logtail/web", &status));
  CHECK(status == 400);
}

TEST_CASE("with a username, every request needs Basic credentials, and {SHA} passwords work") {
  Fixture f;
  f.opts.username = "user";
  f.opts.password = "{SHA}82ab876d1387bfafe46cc1c8a2ef074eae50cb1d";  // "thepassword"
  f.open();
  {
    Client c(f.opts.path);
    c.send("GET /hello HTTP/1.1\r\n\r\n");
    REQUIRE(f.waitClosed(c));
    CHECK(c.got.find("HTTP/1.1 401 Unauthorized\r\n") == 0);
    CHECK(c.got.find("WWW-Authenticate: Basic realm=\"default\"\r\n") != std::string::npos);
    CHECK(c.got.find("Connection: close\r\n") != std::string::npos);
  }
  {
    Client c(f.opts.path);
    c.send("GET /hello HTTP/1.1\r\nAuthorization: Basic dXNlcjp3cm9uZw==\r\n\r\n");  // user:wrong
    REQUIRE(f.waitClosed(c));
    CHECK(c.got.find("HTTP/1.1 401") == 0);
    CHECK(f.logs.back().find("WARN control: bad username/password from pid ") == 0);
  }
  Client c(f.opts.path);
  c.send("GET /hello HTTP/1.1\r\nAuthorization: Basic dXNlcjp0aGVwYXNzd29yZA==\r\n\r\n");
  REQUIRE(f.wait(c, "hello "));
  CHECK(c.got.find("HTTP/1.1 200 OK") == 0);
}

TEST_CASE("an answer that comes later holds back the next pipelined request") {
  Fixture f;
  f.router.add("GET", "/slow", [&](const http::Request&, const PeerCredentials&, HttpExchange ex) {
    f.loop.after(50ms, [ex] {
      http::Response r;
      r.body = "slow";
      ex.respond(std::move(r));
    });
  });
  f.open();
  Client c(f.opts.path);
  c.send("GET /slow HTTP/1.1\r\n\r\nGET /hello HTTP/1.1\r\n\r\n");
  REQUIRE(f.wait(c, "hello "));
  CHECK(c.got.find("slow") < c.got.find("hello "));
}

TEST_CASE("Expect: 100-continue gets its interim answer before the body is sent") {
  Fixture f;
  f.open();
  Client c(f.opts.path);
  c.send("POST /echo HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n");
  REQUIRE(f.wait(c, "HTTP/1.1 100 Continue\r\n\r\n"));
  c.send("body");
  REQUIRE(f.wait(c, "\r\n\r\nbody"));
}

TEST_CASE("a stream is chunked for HTTP/1.1, runs until close for 1.0, and ends either way") {
  Fixture f;
  std::vector<HttpExchange> streams;
  int closed = 0;
  f.router.add("GET", "/stream",
               [&](const http::Request&, const PeerCredentials&, HttpExchange ex) {
                 ex.startStream({{"Content-Type", "text/plain"}});
                 ex.streamData("first\n");
                 ex.onClose([&closed] { ++closed; });
                 streams.push_back(ex);
               });
  f.open();
  Client chunked(f.opts.path);
  chunked.send("GET /stream HTTP/1.1\r\n\r\n");
  REQUIRE(f.wait(chunked, "6\r\nfirst\n\r\n"));
  CHECK(chunked.got.find("Transfer-Encoding: chunked\r\n") != std::string::npos);
  Client raw(f.opts.path);
  raw.send("GET /stream HTTP/1.0\r\n\r\n");
  REQUIRE(f.wait(raw, "\r\n\r\nfirst\n"));
  CHECK(raw.got.find("Connection: close\r\n") != std::string::npos);
  streams[0].streamData("second\n");
  streams[1].streamData("second\n");
  REQUIRE(f.wait(chunked, "7\r\nsecond\n\r\n"));
  REQUIRE(f.wait(raw, "first\nsecond\n"));
  // The server ends the first; the client of the second leaves.
  streams[0].endStream();
  REQUIRE(f.wait(chunked, "0\r\n\r\n"));
  CHECK(f.waitClosed(chunked));
  ::close(raw.fd);
  raw.fd = -1;
  CHECK(pumpUntil(f.loop, [&] { return closed == 2; }));
  CHECK(pumpUntil(f.loop, [&] { return f.server->connectionCount() == 0; }));
}

TEST_CASE("a kept-alive stream beats every period and its timer goes with the connection") {
  Fixture f;
  auto route = [&f](std::chrono::milliseconds period) {
    return [&f, period](const http::Request&, const PeerCredentials&, HttpExchange ex) {
      ex.startStream({{"Content-Type", "text/event-stream"}});
      keepStreamAlive(f.loop, ex, period, ": keep-alive\n\n");
    };
  };
  f.router.add("GET", "/beat", route(20ms));
  f.router.add("GET", "/slow", route(60s));
  f.open();
  {
    Client c(f.opts.path);
    c.send("GET /beat HTTP/1.0\r\n\r\n");
    REQUIRE(f.wait(c, ": keep-alive\n\n: keep-alive\n\n: keep-alive\n\n"));
  }
  {
    Client c(f.opts.path);
    c.send("GET /slow HTTP/1.0\r\n\r\n");
    REQUIRE(f.wait(c, "text/event-stream"));
  }
  REQUIRE(pumpUntil(f.loop, [&] { return f.server->connectionCount() == 0; }));
  // Let the near timers (the pump's, a last 20 ms beat) run out: what is
  // left is a timer the closed streams did not cancel, a minute away.
  auto near = [&] {
    auto next = f.loop.nextDeadline();
    return next && *next < std::chrono::steady_clock::now() + 1s;
  };
  auto deadline = std::chrono::steady_clock::now() + 2s;
  while (near() && std::chrono::steady_clock::now() < deadline) f.loop.runOnce();
  CHECK_FALSE(f.loop.nextDeadline());
}

TEST_CASE("a request stopped half-way is answered 408, while an idle connection is left alone") {
  Fixture f;
  f.opts.http_request_timeout = 100ms;
  f.open();
  Client idle(f.opts.path);
  Client half(f.opts.path);
  half.send("POST /echo HTTP/1.1\r\nContent-Length: 10\r\n\r\n12345");
  REQUIRE(f.waitClosed(half));
  CHECK(half.got.find("HTTP/1.1 408 Request Time-out\r\n") == 0);
  CHECK(f.logs.back().find("request not complete after 100 ms") != std::string::npos);
  // Three times the timeout later the idle one still works.
  f.loop.after(300ms, [] {});
  pumpUntil(
      f.loop, [] { return false; }, 300ms);
  idle.send("GET /hello HTTP/1.1\r\n\r\n");
  REQUIRE(f.wait(idle, "hello "));
  CHECK_FALSE(idle.eof);
}

TEST_CASE("a client that piles up requests without reading answers is dropped") {
  Fixture f;
  f.opts.http_limits.max_head = 1024;
  f.opts.http_limits.max_body = 1024;
  f.router.add("GET", "/never", [](const http::Request&, const PeerCredentials&, HttpExchange) {});
  f.open();
  Client c(f.opts.path);
  c.send("GET /never HTTP/1.1\r\n\r\n");
  std::string more;
  for (int i = 0; i < 5000; ++i) more += "GET /hello HTTP/1.1\r\n\r\n";
  c.send(more);
  CHECK(f.waitClosed(c));
  CHECK(f.logs.back().find("too much unanswered input") != std::string::npos);
}
