// stdout_tee / stderr_tee (tee_buffer.h): the bounded queue for a slow
// target, its drop accounting, and lines kept whole across reads.
#include "supervisord/tee_buffer.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using namespace sup;

TEST_CASE("a tee buffer queues prefixed lines in order", "[tee]") {
  TeeBuffer b(100);
  CHECK(b.push("p| ", "one"));
  CHECK(b.push("p| ", "two"));
  CHECK(b.pending() == "p| one\np| two\n");
  b.consume(4);
  CHECK(b.pending() == "ne\np| two\n");
  b.consume(100);
  CHECK(b.empty());
  CHECK(b.droppedLines() == 0);
}

TEST_CASE("a line that does not fit whole is dropped and counted", "[tee]") {
  TeeBuffer b(20);
  CHECK(b.push("", "123456789"));  // 10 bytes
  CHECK(b.push("", "abcdefghi"));  // 20
  CHECK_FALSE(b.push("", "x"));    // 22 > 20: dropped
  CHECK_FALSE(b.push("> ", "y"));
  CHECK(b.droppedLines() == 2);
  CHECK(b.pending() == "123456789\nabcdefghi\n");
  b.consume(10);  // the target took a line: there is room again
  CHECK(b.push("", "x"));
  CHECK(b.pending() == "abcdefghi\nx\n");
  CHECK(b.droppedLines() == 2);
}

TEST_CASE("a partly written line is never dropped", "[tee]") {
  TeeBuffer b(12);
  CHECK(b.push("", "0123456789"));  // 11 bytes
  b.consume(3);                     // the target took 3 of them
  CHECK_FALSE(b.push("", "abcd"));  // 8 + 5 > 12
  CHECK(b.pending() == "3456789\n");
  CHECK(b.push("", "abc"));  // 8 + 4
  CHECK(b.pending() == "3456789\nabc\n");
}

TEST_CASE("written bytes make room without reordering", "[tee]") {
  TeeBuffer b(64);
  int next = 0, expect = 0;
  std::string seen;
  for (int round = 0; round < 200; ++round) {
    while (b.push("", std::to_string(next))) ++next;
    std::string_view p = b.pending();
    size_t take = p.size() / 2 + 1;
    seen.append(p.substr(0, take));
    b.consume(take);
  }
  seen.append(b.pending());
  size_t pos = 0;
  while (pos < seen.size()) {
    size_t nl = seen.find('\n', pos);
    REQUIRE(nl != std::string::npos);
    CHECK(seen.substr(pos, nl - pos) == std::to_string(expect++));
    pos = nl + 1;
  }
  CHECK(expect == next);
}

TEST_CASE("a failed target's queue is discarded and its bytes counted", "[tee]") {
  TeeBuffer b(100);
  b.push("", "abc");
  b.discard();
  CHECK(b.empty());
  CHECK(b.discardedBytes() == 4);
}

TEST_CASE("tee lines are handed over whole across reads", "[tee]") {
  TeeLines t;
  std::vector<std::string> lines;
  auto emit = [&](std::string_view l) { lines.emplace_back(l); };
  t.feed("a\nb", emit);
  t.feed("c", emit);
  t.feed("d\n\ne", emit);
  CHECK(lines == std::vector<std::string>{"a", "bcd", ""});
  CHECK(t.partial() == "e");
  t.flush(emit);
  CHECK(lines.back() == "e");
  CHECK(t.partial().empty());
}

TEST_CASE("a tee line longer than the cap goes in pieces", "[tee]") {
  TeeLines t;
  std::vector<std::string> lines;
  auto emit = [&](std::string_view l) { lines.emplace_back(l); };
  t.feed(std::string(TeeLines::kMaxLine + 10, 'x'), emit);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].size() == TeeLines::kMaxLine + 10);
  t.feed("\nnext\n", emit);  // the long line's end adds no empty line
  REQUIRE(lines.size() == 2);
  CHECK(lines[1] == "next");
}
