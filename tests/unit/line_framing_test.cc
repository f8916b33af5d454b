// LineBuffer: requests arrive in arbitrary pieces and must come out whole,
// and a client that never sends a newline must not grow memory without bound.
#include "common/line_framing.h"

#include <catch2/catch.hpp>

using sup::LineBuffer;

TEST_CASE("a line split across reads comes out once it is complete") {
  LineBuffer b(100);
  REQUIRE(b.append("{\"a\":"));
  CHECK_FALSE(b.nextLine());
  REQUIRE(b.append("1}\n{\"b\""));
  CHECK(b.nextLine() == std::string("{\"a\":1}"));
  CHECK_FALSE(b.nextLine());
  CHECK(b.pendingBytes() == 4);
}

TEST_CASE("several lines in one read come out in order, CRLF trimmed") {
  LineBuffer b(100);
  REQUIRE(b.append("one\r\ntwo\n\nthree\n"));
  CHECK(b.nextLine() == std::string("one"));
  CHECK(b.nextLine() == std::string("two"));
  CHECK(b.nextLine() == std::string(""));
  CHECK(b.nextLine() == std::string("three"));
  CHECK_FALSE(b.nextLine());
  CHECK(b.pendingBytes() == 0);
}

TEST_CASE("an unterminated line longer than the cap overflows with a clear message") {
  LineBuffer b(8);
  CHECK(b.append("12345678"));
  CHECK_FALSE(b.append("9"));
  CHECK(b.overflowed());
  CHECK(b.overflowMessage() == "request line longer than 8 bytes");
  CHECK_FALSE(b.append("\n"));  // latched: the stream cannot be re-synchronised
}

TEST_CASE("a complete but oversize line is refused too") {
  LineBuffer b(4);
  b.append("ok\n123456\n");
  CHECK(b.nextLine() == std::string("ok"));
  CHECK_FALSE(b.nextLine());
  CHECK(b.overflowed());
}

TEST_CASE("many small lines do not accumulate consumed bytes") {
  LineBuffer b(16);
  for (int i = 0; i < 10000; ++i) {
    REQUIRE(b.append("abc\n"));
    REQUIRE(b.nextLine() == std::string("abc"));
  }
  CHECK(b.pendingBytes() == 0);
}
