// The control socket's HTTP side on a private supervisord, byte by byte:
// JSON-RPC and HTTP clients on one socket, keep-alive and HTTP/1.0, the
// /logtail and /mainlogtail streams Python's supervisorctl reads, and a
// daemon that stays up through a thousand malformed requests and a hundred
// XML-RPC clients while its programs restart.
#include <atomic>
#include <catch2/catch.hpp>
#include <thread>
#include <vector>

#include "daemon_harness.h"
#include "http_client.h"
#include "rpc_client.h"

using namespace sup::test;

namespace {

std::string socketSection() {
  return "[unix_http_server]\nfile={dir}/sv.sock\n\n";
}

bool isFault(const HttpResponse& r, int code) {
  return r.status == 200 && r.body.find("<fault>") != std::string::npos &&
         r.body.find("<int>" + std::to_string(code) + "</int>") != std::string::npos;
}

std::string stringParam(const std::string& s) {
  return "<string>" + s + "</string>";
}

}  // namespace

TEST_CASE("JSON-RPC and HTTP clients share one socket") {
  DaemonHarness d;
  d.writeConfig(d.header() + socketSection());
  REQUIRE(d.start());
  RpcClient json_client(d.path("sv.sock"));
  auto http = HttpClient::unixSocket(d.path("sv.sock"));
  // Three pipelined requests on one keep-alive connection, answered in order.
  std::string pipelined;
  for (const char* m : {"supervisor.getPID", "supervisor.nope", "supervisor.getAPIVersion"}) {
    std::string xml = xmlCall(m);
    pipelined +=
        "POST /RPC2 HTTP/1.1\r\nContent-Length: " + std::to_string(xml.size()) + "\r\n\r\n" + xml;
  }
  REQUIRE(http.sendRaw(pipelined));
  auto pid = http.readResponse();
  REQUIRE(pid);
  CHECK(pid->body.find("<int>" + std::to_string(d.daemonPid()) + "</int>") != std::string::npos);
  CHECK(pid->header("content-type") == "text/xml");
  auto unknown = http.readResponse();
  REQUIRE(unknown);
  CHECK(isFault(*unknown, 1));
  CHECK(unknown->body.find("UNKNOWN_METHOD") != std::string::npos);
  auto version = http.readResponse();
  REQUIRE(version);
  CHECK(version->body.find("<string>3.0</string>") != std::string::npos);
  CHECK(resultOf(json_client.call("supervisor.getAPIVersion")) == "3.0");
}

TEST_CASE("HTTP/1.0 closes after each answer unless the client asks for keep-alive") {
  DaemonHarness d;
  d.writeConfig(d.header() + socketSection());
  REQUIRE(d.start());
  std::string xml = xmlCall("supervisor.getState");
  std::string head = "POST /RPC2 HTTP/1.0\r\nContent-Length: " + std::to_string(xml.size());
  auto once = HttpClient::unixSocket(d.path("sv.sock"));
  REQUIRE(once.sendRaw(head + "\r\n\r\n" + xml));
  auto r = once.readResponse();
  REQUIRE(r);
  CHECK(r->status_line == "HTTP/1.0 200 OK");
  CHECK(r->header("connection") == "close");
  CHECK(once.waitClosed());
  auto kept = HttpClient::unixSocket(d.path("sv.sock"));
  for (int i = 0; i < 2; ++i) {
    REQUIRE(kept.sendRaw(head + "\r\nConnection: keep-alive\r\n\r\n" + xml));
    auto k = kept.readResponse();
    REQUIRE(k);
    CHECK(k->header("connection") == "Keep-Alive");
  }
}

TEST_CASE("GET /logtail streams a process's log as it is written, chunked or until close") {
  DaemonHarness d;
  d.writeConfig(d.header() + socketSection() +
                "[program:talk]\ncommand={helpers}/chatty 0 50\nstartsecs=0\n\n"
                "[program:grumble]\ncommand={helpers}/chatty 0 50 stderr\nstartsecs=0\n");
  REQUIRE(d.start());
  REQUIRE(d.waitForLogLine("success: talk entered RUNNING"));
  SECTION("HTTP/1.1: chunked, what Python's supervisorctl tail -f reads") {
    auto c = HttpClient::unixSocket(d.path("sv.sock"));
    // Exactly what Supervisor's http_client sends, extra CRLF included.
    REQUIRE(
        c.sendRaw("GET /logtail/talk/stdout HTTP/1.1\r\nHost: \r\nAccept-Encoding: chunked\r\n"
                  "Accept: */*\r\nUser-agent: Supervisor HTTP Client\r\n\r\n\r\n"));
    auto head = c.readHead();
    REQUIRE(head);
    CHECK(head->status == 200);
    CHECK(head->header("transfer-encoding") == "chunked");
    CHECK(head->header("content-type") == "text/plain;charset=utf-8");
    CHECK(head->header("x-accel-buffering") == "no");
    CHECK_FALSE(head->header("last-modified").empty());
    std::string body;
    REQUIRE(c.readStreamUntil("line 3\n", true, &body));
    // Later lines arrive as the program writes them.
    std::string later =
        "line " + std::to_string(std::stoi(body.substr(body.rfind("line ") + 5)) + 5) + "\n";
    CHECK(c.readStreamUntil(later, true, &body));
  }
  SECTION("HTTP/1.0: raw bytes, the connection closes at the end") {
    auto c = HttpClient::unixSocket(d.path("sv.sock"));
    REQUIRE(c.sendRaw("GET /logtail/grumble/stderr HTTP/1.0\r\n\r\n"));
    auto head = c.readHead();
    REQUIRE(head);
    CHECK(head->status_line == "HTTP/1.0 200 OK");
    CHECK(head->header("connection") == "close");
    std::string body;
    CHECK(c.readStreamUntil("line 4\n", false, &body));
  }
  SECTION("the main log too, and 404s like Supervisor's for what has no log") {
    auto c = HttpClient::unixSocket(d.path("sv.sock"));
    REQUIRE(c.sendRaw("GET /mainlogtail HTTP/1.1\r\n\r\n"));
    auto head = c.readHead();
    REQUIRE(head);
    CHECK(head->status == 200);
    std::string body;
    CHECK(c.readStreamUntil("success: grumble entered RUNNING", true, &body));
    RpcClient json_client(d.path("sv.sock"));
    json_client.call("supervisor.stopProcess", {"grumble"});
    CHECK(c.readStreamUntil("stopped: grumble", true, &body));
    for (const char* path : {"/logtail/nosuch", "/logtail/talk/stdin", "/logtail/talk:*",
                             "/logtail/grumble/stdout_x", "/nothing/here"}) {
      auto e = HttpClient::unixSocket(d.path("sv.sock"));
      REQUIRE(e.sendRaw(std::string("GET ") + path + " HTTP/1.1\r\n\r\n"));
      auto r = e.readResponse();
      REQUIRE(r);
      INFO(path);
      CHECK(r->status == 404);
    }
    auto wrong_method = HttpClient::unixSocket(d.path("sv.sock"));
    REQUIRE(wrong_method.sendRaw("GET /RPC2 HTTP/1.1\r\n\r\n"));
    auto r = wrong_method.readResponse();
    REQUIRE(r);
    CHECK(r->status == 400);
  }
}

TEST_CASE("a log stream ends, and its connection closes, when the process's group goes") {
  DaemonHarness d;
  d.writeConfig(d.header() + socketSection() +
                "[program:talk]\ncommand={helpers}/chatty 0 50\nstartsecs=0\n");
  REQUIRE(d.start());
  REQUIRE(d.waitForLogLine("success: talk entered RUNNING"));
  auto c = HttpClient::unixSocket(d.path("sv.sock"));
  REQUIRE(c.sendRaw("GET /logtail/talk HTTP/1.1\r\n\r\n"));
  REQUIRE(c.readHead());
  std::string body;
  REQUIRE(c.readStreamUntil("line 2\n", true, &body));
  RpcClient json_client(d.path("sv.sock"));
  REQUIRE(resultOf(json_client.call("supervisor.stopProcess", {"talk"})) == true);
  REQUIRE(resultOf(json_client.call("supervisor.removeProcessGroup", {"talk"})) == true);
  CHECK_FALSE(c.readStreamUntil("never", true, &body));  // the last chunk came
  CHECK(c.waitClosed());
}

TEST_CASE(
    "a thousand malformed HTTP requests and a hundred XML-RPC clients during a restart storm") {
  DaemonHarness d;
  std::string programs;
  for (int i = 0; i < 4; ++i) {
    programs += "[program:p" + std::to_string(i) + "]\ncommand={helpers}/sleeper\nstartsecs=0\n";
  }
  d.writeConfig(d.header() + socketSection() + programs);
  REQUIRE(d.start());
  const std::string sock = d.path("sv.sock");
  const int pid = d.daemonPid();

  std::atomic<bool> stop{false};
  std::atomic<int> storm_ops{0}, storm_bad{0};
  std::thread storm([&] {
    auto c = HttpClient::unixSocket(sock);
    while (!stop) {
      for (int i = 0; i < 4 && !stop; ++i) {
        for (const char* m : {"supervisor.stopProcess", "supervisor.startProcess"}) {
          c.postXml(xmlCall(m, {stringParam("p" + std::to_string(i))}));
          auto r = c.readResponse(10s);
          if (!r || r->body.find("<boolean>1</boolean>") == std::string::npos) ++storm_bad;
        }
        ++storm_ops;
      }
    }
  });

  // Each malformed request on its own connection, with the status Supervisor's
  // clients should see (0: the client gives up half-way; nothing to read),
  // and whether the server then closes: after a request it could not parse
  // it must, since the stream cannot be trusted; after a well-framed request
  // it refuses (wrong method, bad XML) the connection stays usable, as
  // medusa's does.
  struct Bad {
    std::string bytes;
    int status;
    bool closes;
  };
  const std::string big_header = "X-Big: " + std::string(70 * 1024, 'x') + "\r\n";
  auto post = [](const std::string& body) {
    return "POST /RPC2 HTTP/1.1\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" +
           body;
  };
  const std::vector<Bad> malformed = {
      {"GET  / HTTP/1.1\r\n\r\n", 400, true},
      {"GET / HTTP/1.1\r\nNo colon here\r\n\r\n", 400, true},
      {"GET / HTTP/1.1\r\n" + big_header + "\r\n", 431, true},
      {"POST /RPC2 HTTP/1.1\r\nContent-Length: nope\r\n\r\n", 400, true},
      {"POST /RPC2 HTTP/1.1\r\nContent-Length: 99999999999\r\n\r\n", 413, true},
      {"POST /RPC2 HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 501, true},
      {"GET /%zz HTTP/1.1\r\n\r\n", 400, true},
      {"GET / HTTP/2.0\r\n\r\n", 505, true},
      {post("not xml!!"), 400, false},
      {post("<!DOCTYPE x [<!ENTITY a 'aaaaaaaa'>]><methodCall><methodName>&a;</methodName>"), 400,
       false},
      {post("<methodCall><methodName>x</methodName><params><param><value><int>1e</int>"
            "</value></param></params></methodCall>"),
       400, false},
      {post(std::string("<methodCall><methodName>\xff</methodName></methodCall>")), 400, false},
      {"POST /RPC2 HTTP/1.1\r\n\r\n", 411, false},
      {"GET /RPC2 HTTP/1.1\r\n\r\n", 400, false},
      {"DELETE /logtail/p0 HTTP/1.1\r\n\r\n", 400, false},
      {"POST /RPC2 HTTP/1.1\r\nContent-Length: 100\r\n\r\n<methodCall>", 0, false},
      {"GET /logtail/p0 HT", 0, false},
  };
  std::atomic<int> wrong{0}, answered{0}, expected{0};
  std::thread bad([&] {
    for (int i = 0; i < 1000; ++i) {
      const Bad& b = malformed[static_cast<size_t>(i) % malformed.size()];
      auto c = HttpClient::unixSocket(sock);
      c.sendRaw(b.bytes);
      if (b.status == 0) continue;  // cut off: the client just leaves
      ++expected;
      auto r = c.readResponse(10s);
      bool ok = r && r->status == b.status;
      if (ok && b.closes) ok = c.waitClosed(10s);
      if (ok && !b.closes) {
        // Still serving on the same connection.
        c.postXml(xmlCall("supervisor.getAPIVersion"));
        auto again = c.readResponse(10s);
        ok = again && again->body.find("<string>3.0</string>") != std::string::npos;
      }
      ok ? ++answered : ++wrong;
    }
  });

  std::atomic<int> client_bad{0}, client_ok{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 100; ++t) {
    clients.emplace_back([&, t] {
      auto c = HttpClient::unixSocket(sock);
      for (int k = 0; k < 5; ++k) {
        std::string name = "p" + std::to_string((t + k) % 4);
        c.postXml(xmlCall("supervisor.getPID"));
        auto r1 = c.readResponse(10s);
        bool ok =
            r1 && r1->body.find("<int>" + std::to_string(pid) + "</int>") != std::string::npos;
        c.postXml(xmlCall("supervisor.getProcessInfo", {stringParam(name)}));
        auto r2 = c.readResponse(10s);
        ok = ok && r2 && r2->body.find("<string>" + name + "</string>") != std::string::npos;
        c.postXml(xmlCall("supervisor.getAllProcessInfo"));
        auto r3 = c.readResponse(10s);
        ok = ok && r3 && r3->body.find("<string>p3</string>") != std::string::npos;
        c.postXml(xmlCall("supervisor.nope"));
        auto r4 = c.readResponse(10s);
        ok = ok && r4 && isFault(*r4, 1);
        ok ? ++client_ok : ++client_bad;
      }
    });
  }
  for (auto& t : clients) t.join();
  bad.join();
  stop = true;
  storm.join();

  CHECK(wrong == 0);
  CHECK(answered == expected);
  CHECK(expected > 800);
  CHECK(client_bad == 0);
  CHECK(client_ok == 500);
  CHECK(storm_ops > 0);
  CHECK(storm_bad == 0);
  CHECK(d.running());
  auto c = HttpClient::unixSocket(sock);
  c.postXml(xmlCall("supervisor.getState"));
  auto r = c.readResponse();
  REQUIRE(r);
  CHECK(r->body.find("RUNNING") != std::string::npos);
}
