// The HTTP request parser the control socket uses for Supervisor's clients:
// requests split anywhere still parse, pipelined requests come out one by
// one, and every malformed or oversize input gets the status to answer.
#include "supervisord/http_request.h"

#include <catch2/catch.hpp>

using namespace sup::http;

namespace {

// Feed `bytes` one byte at a time; returns the parser's state at the end.
RequestParser::State feedByBytes(RequestParser& p, const std::string& bytes) {
  for (char c : bytes) p.feed(std::string_view(&c, 1));
  return p.state();
}

int refusal(const std::string& bytes, Limits limits = {}) {
  RequestParser p(limits);
  p.feed(bytes);
  return p.state() == RequestParser::State::kError ? p.error().status : 0;
}

}  // namespace

TEST_CASE("Python's xmlrpc POST parses into method, path, headers and body") {
  const std::string body = "<?xml version='1.0'?>\n<methodCall/>";
  const std::string req =
      "POST /RPC2 HTTP/1.1\r\nHost: localhost\r\nAccept-Encoding: gzip\r\n"
      "User-Agent: Python-xmlrpc/3.11\r\nContent-Type: text/xml\r\nAccept: text/xml\r\n"
      "Content-Length: " +
      std::to_string(body.size()) + "\r\n\r\n" + body;
  RequestParser p;
  CHECK(feedByBytes(p, req) == RequestParser::State::kDone);
  Request r = p.take();
  CHECK(r.method == "POST");
  CHECK(r.path == "/RPC2");
  CHECK(r.minor_version == 1);
  CHECK(r.body == body);
  REQUIRE(r.header("content-type"));
  CHECK(*r.header("CONTENT-TYPE") == "text/xml");
  CHECK(r.keepAlive());
  CHECK(p.state() == RequestParser::State::kIdle);
}

TEST_CASE("pipelined requests come out one at a time, leading blank lines skipped") {
  // Supervisor's own tail -f client ends its request with an extra CRLF.
  std::string two =
      "\r\n\r\nGET /logtail/web HTTP/1.1\r\nHost: \r\n\r\n\r\n"
      "GET /mainlogtail?x=1 HTTP/1.0\nConnection: Keep-Alive\n\n";
  RequestParser p;
  std::size_t used = p.feed(two);
  REQUIRE(p.state() == RequestParser::State::kDone);
  CHECK(p.take().path == "/logtail/web");
  used += p.feed(std::string_view(two).substr(used));
  REQUIRE(p.state() == RequestParser::State::kDone);
  Request r = p.take();
  CHECK(used == two.size());
  CHECK(r.path == "/mainlogtail");
  CHECK(r.query == "x=1");
  CHECK(r.minor_version == 0);
  CHECK(r.keepAlive());
}

TEST_CASE("the path is percent-decoded and absolute-form targets keep their path") {
  RequestParser p;
  p.feed("GET /logtail/grp%3Aweb/stderr HTTP/1.1\r\n\r\n");
  CHECK(p.take().path == "/logtail/grp:web/stderr");
  p.feed("POST http://127.0.0.1:9001/RPC2 HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
  CHECK(p.take().path == "/RPC2");
}

TEST_CASE("keep-alive follows medusa: 1.0 only when asked, 1.1 unless closed") {
  auto keep = [](const std::string& head) {
    RequestParser p;
    p.feed(head + "\r\n");
    return p.take().keepAlive();
  };
  CHECK_FALSE(keep("GET / HTTP/1.0\r\n"));
  CHECK(keep("GET / HTTP/1.0\r\nConnection: keep-alive\r\n"));
  CHECK(keep("GET / HTTP/1.1\r\n"));
  CHECK_FALSE(keep("GET / HTTP/1.1\r\nConnection: TE, Close\r\n"));
}

TEST_CASE("Expect: 100-continue is seen once the head is in") {
  RequestParser p;
  p.feed("POST /RPC2 HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
  CHECK(p.state() == RequestParser::State::kBody);
  CHECK(p.request().expectsContinue());
  CHECK(p.inProgress());
  p.feed("12345");
  CHECK(p.take().body == "12345");
}

TEST_CASE("malformed requests get 400") {
  CHECK(refusal("GET /\r\n\r\n") == 400);                // HTTP/0.9
  CHECK(refusal("GET  / HTTP/1.1\r\n\r\n") == 400);      // two spaces
  CHECK(refusal("G(T / HTTP/1.1\r\n\r\n") == 400);       // not a token
  CHECK(refusal("GET /a\x01 HTTP/1.1\r\n\r\n") == 400);  // control in target
  CHECK(refusal("GET relative HTTP/1.1\r\n\r\n") == 400);
  CHECK(refusal("GET /%zz HTTP/1.1\r\n\r\n") == 400);
  CHECK(refusal("GET /%00 HTTP/1.1\r\n\r\n") == 400);
  CHECK(refusal("GET / HTTP/1.1\r\nNo colon\r\n\r\n") == 400);
  CHECK(refusal("GET / HTTP/1.1\r\nA: b\r\n folded\r\n\r\n") == 400);
  CHECK(refusal("GET / HTTP/1.1\r\nA: b\x01\r\n\r\n") == 400);
  CHECK(refusal("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n") == 400);
  CHECK(refusal("POST / HTTP/1.1\r\nContent-Length: 1 2\r\n\r\n") == 400);
  CHECK(refusal("POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n") == 400);
  CHECK(refusal("GET / HTTP/x.1\r\n\r\n") == 400);
}

TEST_CASE("unsupported versions, codings and oversize parts get their own status") {
  CHECK(refusal("GET / HTTP/2.0\r\n\r\n") == 505);
  CHECK(refusal("GET / HTTP/1.2\r\n\r\n") == 505);
  CHECK(refusal("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n") == 501);
  Limits small;
  small.max_head = 100;
  small.max_target = 20;
  small.max_headers = 2;
  small.max_body = 10;
  CHECK(refusal("GET /" + std::string(200, 'a'), small) == 414);
  CHECK(refusal("GET /" + std::string(30, 'a') + " HTTP/1.1\r\n\r\n", small) == 414);
  CHECK(refusal("GET / HTTP/1.1\r\nA: " + std::string(200, 'a'), small) == 431);
  CHECK(refusal("GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", small) == 431);
  CHECK(refusal("POST / HTTP/1.1\r\nContent-Length: 11\r\n\r\n", small) == 413);
  CHECK(refusal("POST / HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n") == 413);
}

TEST_CASE("a refused request stays refused and the rest of the stream is not read") {
  RequestParser p;
  std::string bad = "BAD\r\n\r\nGET / HTTP/1.1\r\n\r\n";
  std::size_t used = p.feed(bad);
  CHECK(p.state() == RequestParser::State::kError);
  CHECK(p.feed(std::string_view(bad).substr(used)) == 0);
}

TEST_CASE("a connection's first line tells an HTTP client from a JSON-RPC one") {
  CHECK(looksLikeRequestLine("POST /RPC2 HTTP/1.1\r"));
  CHECK(looksLikeRequestLine("GET /logtail/web HTTP/1.0"));
  CHECK(looksLikeRequestLine("get / HTTP/9.9"));  // refused later, by the parser
  CHECK_FALSE(looksLikeRequestLine("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"x\"}"));
  CHECK_FALSE(looksLikeRequestLine("garbage 0"));
  CHECK_FALSE(looksLikeRequestLine("this is not json"));
  CHECK_FALSE(looksLikeRequestLine("GET /"));
  CHECK_FALSE(looksLikeRequestLine(" HTTP/1.1"));
}
