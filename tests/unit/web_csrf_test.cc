#include "supervisord/web_csrf.h"

#include <catch2/catch.hpp>

using namespace sup::web;
using sup::http::Request;

namespace {

const std::string kToken = "0123456789abcdef0123456789abcdef";

Request post(std::vector<sup::http::Header> headers) {
  Request r;
  r.method = "POST";
  r.target = r.path = "/";
  r.headers = std::move(headers);
  return r;
}

}  // namespace

TEST_CASE("csrfToken is lower-case hex of the random bytes") {
  const unsigned char bytes[] = {0x00, 0x7f, 0xab, 0xff};
  CHECK(csrfToken(bytes) == "007fabff");
}

TEST_CASE("urlAuthority takes host and port out of an absolute URL") {
  CHECK(urlAuthority("http://127.0.0.1:9001/x?y") == "127.0.0.1:9001");
  CHECK(urlAuthority("https://h") == "h");
  CHECK(urlAuthority("http://user:pw@h:1/") == "h:1");
  CHECK(urlAuthority("null") == "");
  CHECK(urlAuthority("/relative") == "");
}

TEST_CASE("an action needs the daemon's token in the form or the header") {
  CHECK(checkCsrf(post({}), kToken, kToken) == CsrfVerdict::kOk);
  CHECK(checkCsrf(post({}), "", kToken) == CsrfVerdict::kMissingToken);
  CHECK(checkCsrf(post({}), "0123456789abcdef0123456789abcdeX", kToken) == CsrfVerdict::kBadToken);
  CHECK(checkCsrf(post({}), "short", kToken) == CsrfVerdict::kBadToken);
  CHECK(checkCsrf(post({{"X-Supervisor-Token", kToken}}), "", kToken) == CsrfVerdict::kOk);
  CHECK(checkCsrf(post({{"x-supervisor-token", "wrong"}}), "", kToken) == CsrfVerdict::kBadToken);
  // An empty expected token never matches (a daemon without one refuses all).
  CHECK(checkCsrf(post({}), "", "") == CsrfVerdict::kMissingToken);
}

TEST_CASE("a browser's Origin or Referer must name this server") {
  std::vector<sup::http::Header> same = {{"Host", "127.0.0.1:9001"},
                                         {"Origin", "http://127.0.0.1:9001"}};
  CHECK(checkCsrf(post(same), kToken, kToken) == CsrfVerdict::kOk);
  CHECK(checkCsrf(post({{"Host", "127.0.0.1:9001"}, {"Origin", "http://evil.example"}}), kToken,
                  kToken) == CsrfVerdict::kCrossOrigin);
  CHECK(checkCsrf(post({{"Host", "127.0.0.1:9001"}, {"Origin", "null"}}), kToken, kToken) ==
        CsrfVerdict::kCrossOrigin);
  CHECK(checkCsrf(post({{"Origin", "http://127.0.0.1:9001"}}), kToken, kToken) ==
        CsrfVerdict::kCrossOrigin);  // no Host to compare with
  CHECK(checkCsrf(post({{"Host", "h:1"}, {"Referer", "http://h:1/?filter=x"}}), kToken, kToken) ==
        CsrfVerdict::kOk);
  CHECK(checkCsrf(post({{"Host", "h:1"}, {"Referer", "http://other:1/"}}), kToken, kToken) ==
        CsrfVerdict::kCrossOrigin);
  // Origin decides when both are there.
  CHECK(checkCsrf(post({{"Host", "h:1"}, {"Origin", "http://h:1"}, {"Referer", "http://x/"}}),
                  kToken, kToken) == CsrfVerdict::kOk);
}
