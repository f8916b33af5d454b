// Server URLs as supervisorctl -s and [supervisorctl] serverurl= take them.
#include "common/server_url.h"

#include <catch2/catch.hpp>

using namespace sup;

TEST_CASE("unix URLs name the socket path") {
  auto u = parseServerUrl("unix:///var/run/supervisor.sock");
  REQUIRE(u.ok());
  CHECK(u->kind == ServerUrl::Kind::kUnix);
  CHECK(u->path == "/var/run/supervisor.sock");
  CHECK(u->url == "unix:///var/run/supervisor.sock");
}

TEST_CASE("http URLs give host and port, 80 by default") {
  auto u = parseServerUrl("http://LocalHost:9001");
  REQUIRE(u.ok());
  CHECK(u->kind == ServerUrl::Kind::kHttp);
  CHECK(u->host == "localhost");
  CHECK(u->port == 9001);
  CHECK(parseServerUrl("http://127.0.0.1/RPC2")->port == 80);
  CHECK(parseServerUrl("http://[::1]:9002")->host == "::1");
  CHECK(parseServerUrl("http://[::1]:9002")->port == 9002);
}

TEST_CASE("other schemes fail with Supervisor's text") {
  CHECK(parseServerUrl("foo://x").error().message == "Unknown protocol for serverurl foo://x");
}

TEST_CASE("option -s values must look like URLs, as Supervisor's datatypes.url checks") {
  CHECK(checkUrlSyntax("unix:///tmp/s").ok());
  CHECK(checkUrlSyntax("foo://x").ok());
  CHECK(checkUrlSyntax("foo").error().message == "value 'foo' is not a URL");
  CHECK(checkUrlSyntax("http:").error().message == "value 'http:' is not a URL");
}
