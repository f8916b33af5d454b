// Credentials for the control socket's HTTP side and the JSON "auth" method:
// Basic authorization headers, base64, and Supervisor's {SHA} passwords
// (SHA-1 checked against FIPS 180 test vectors and Python's hashlib).
#include "supervisord/http_auth.h"

#include <catch2/catch.hpp>

#include "supervisord/base64.h"
#include "supervisord/sha1.h"

using namespace sup;

TEST_CASE("SHA-1 gives the FIPS 180 digests") {
  CHECK(sha1Hex("") == "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  CHECK(sha1Hex("abc") == "a9993e364706816aba3e25717850c26c9cd0d89d");
  CHECK(sha1Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
  CHECK(sha1Hex(std::string(1000000, 'a')) == "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
  // 55 and 56 bytes: the length goes in the same block / needs a second one.
  CHECK(sha1Hex(std::string(55, 'x')) == "cef734ba81a024479e09eb5a75b6ddae62e6abf1");
  CHECK(sha1Hex(std::string(56, 'x')) == "901305367c259952f4e7af8323f480d59f81335b");
}

TEST_CASE("base64 decodes what Python's client encodes and refuses the rest") {
  CHECK(base64Decode("dXNlcjoxMjM=") == std::optional<std::string>("user:123"));
  CHECK(base64Decode("dXNl\r\ncjox MjM=\n") == std::optional<std::string>("user:123"));
  CHECK_FALSE(base64Decode("dXNlcjoxMjM"));  // Python: Incorrect padding
  CHECK(base64Decode("YQ==") == std::optional<std::string>("a"));
  CHECK(base64Decode("") == std::optional<std::string>(""));
  CHECK_FALSE(base64Decode("dXN*"));
  CHECK_FALSE(base64Decode("Y=Q="));
  CHECK_FALSE(base64Decode("Y"));
  for (std::string s : {"", "a", "ab", "abc", "abcd", "\xff\x00\x10"}) {
    CHECK(base64Decode(base64Encode(s)) == std::optional<std::string>(s));
  }
}

TEST_CASE("a Basic authorization header gives user and password") {
  auto c = parseBasicAuthorization("Basic dXNlcjpwYTpzcw==");
  REQUIRE(c);
  CHECK(c->username == "user");
  CHECK(c->password == "pa:ss");
  CHECK(parseBasicAuthorization("basic dXNlcjpwYTpzcw=="));
  CHECK_FALSE(parseBasicAuthorization("Digest x"));
  CHECK_FALSE(parseBasicAuthorization("Basic bm9jb2xvbg=="));  // "nocolon"
  CHECK_FALSE(parseBasicAuthorization("Basic %%%"));
}

TEST_CASE("passwords match as Supervisor checks them, {SHA} included") {
  CHECK(passwordMatches("123", "123"));
  CHECK_FALSE(passwordMatches("123", "1234"));
  // echo -n thepassword | sha1sum
  CHECK(passwordMatches("{SHA}82ab876d1387bfafe46cc1c8a2ef074eae50cb1d", "thepassword"));
  CHECK_FALSE(passwordMatches("{SHA}82ab876d1387bfafe46cc1c8a2ef074eae50cb1d",
                              "{SHA}82ab876d1387bfafe46cc1c8a2ef074eae50cb1d"));
  CHECK(credentialsAccepted(std::nullopt, std::nullopt, "", ""));
  CHECK(credentialsAccepted(std::string("u"), std::string("p"), "u", "p"));
  CHECK_FALSE(credentialsAccepted(std::string("u"), std::string("p"), "v", "p"));
}
