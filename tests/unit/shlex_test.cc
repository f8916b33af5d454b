// shlex.split for argv and the non-POSIX lexer behind environment=.
#include "common/shlex.h"

#include <catch2/catch.hpp>

using Strings = std::vector<std::string>;

TEST_CASE("shlex split honours quotes and backslashes the POSIX way", "[shlex]") {
  auto r = sup::shlexSplit(R"(/bin/sh -c "echo \"hi\" \$x" 'a b'c '' x\ y)");
  REQUIRE(r.ok());
  CHECK(*r == Strings{"/bin/sh", "-c", "echo \"hi\" \\$x", "a bc", "", "x y"});
}

TEST_CASE("shlex split keeps # and  - as ordinary characters", "[shlex]") {
  auto r = sup::shlexSplit("a #b ;c\nd");
  REQUIRE(r.ok());
  CHECK(*r == Strings{"a", "#b", ";c", "d"});
}

TEST_CASE("shlex split reports an open quote or a trailing backslash", "[shlex]") {
  CHECK(sup::shlexSplit("sh -c 'x").error().message == "No closing quotation");
  CHECK(sup::shlexSplit("cmd \\").error().message == "No escaped character");
}

TEST_CASE("environment pairs strip quotes and keep backslashes", "[shlex]") {
  auto r = sup::parseKeyValuePairs(R"(A="x, y",B='q',C="a\b",D=/p/q.r:s)");
  REQUIRE(r.ok());
  CHECK(r->at("A") == "x, y");
  CHECK(r->at("B") == "q");
  CHECK(r->at("C") == "a\\b");
  CHECK(r->at("D") == "/p/q.r:s");
}

TEST_CASE("environment pairs skip exactly one token between pairs", "[shlex]") {
  auto r = sup::parseKeyValuePairs("A=1;B=2?C=3");
  REQUIRE(r.ok());
  CHECK(r->size() == 3);
  CHECK(r->at("C") == "3");
  // A space is not a token, so the skipped token is B itself.
  CHECK(sup::parseKeyValuePairs("A=1 B=2").error().message ==
        "Unexpected end of key/value pairs in value 'A=1 B=2'");
}

TEST_CASE("environment pairs that end early give Supervisor's message", "[shlex]") {
  CHECK(sup::parseKeyValuePairs("A=").error().message ==
        "Unexpected end of key/value pairs in value 'A='");
  CHECK(sup::parseKeyValuePairs(R"(G="say \"hi\"",O="x")").error().message ==
        R"(Unexpected end of key/value pairs in value 'G="say \"hi\"",O="x"')");
  CHECK(sup::parseKeyValuePairs("A='x").error().message == "No closing quotation");
}

TEST_CASE("the non-POSIX lexer treats # as a comment to end of line", "[shlex]") {
  auto r = sup::nonPosixTokens("A=b#c\n,D=e");
  REQUIRE(r.ok());
  CHECK(*r == Strings{"A", "=", "b", ",", "D", "=", "e"});
}
