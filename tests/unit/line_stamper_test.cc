// log_timestamps (line_stamper.h): the stamp's text, made once a second, and
// where lines start across reads.
#include "supervisord/line_stamper.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "supervisord/log_markers.h"

using namespace sup;

namespace {
// 2026-12-06T18:40:01 UTC
constexpr long long kT = 1796582401;
}  // namespace

TEST_CASE("a stamp is ISO-8601 local time with milliseconds and the offset", "[stamp]") {
  StampFormat f;
  CHECK(f.format({kT, 123, 0}) == "2026-12-06T18:40:01.123+00:00 ");
  CHECK(f.format({kT, 7, 0}) == "2026-12-06T18:40:01.007+00:00 ");
  CHECK(f.format({kT, 999, 3600}) == "2026-12-06T19:40:01.999+01:00 ");
  CHECK(f.format({kT, 0, -(5 * 3600 + 30 * 60)}) == "2026-12-06T13:10:01.000-05:30 ");
  CHECK(f.format({kT + 86400 * 26, 50, 19800}) == "2027-01-02T00:10:01.050+05:30 ");
  CHECK(f.format({0, 0, 0}) == "1970-01-01T00:00:00.000+00:00 ");
  CHECK(f.format({951782400, 1, 0}) == "2000-02-29T00:00:00.001+00:00 ");
  CHECK(f.format({-1, 0, 0}) == "1969-12-31T23:59:59.000+00:00 ");
  CHECK(f.format({kT, 0, 0}).size() == StampFormat::kSize);
}

TEST_CASE("within one second only the milliseconds change", "[stamp]") {
  StampFormat f;
  std::string a(f.format({kT, 1, 0}));
  std::string b(f.format({kT, 2, 0}));
  CHECK(a.substr(0, 20) == b.substr(0, 20));
  CHECK(b == "2026-12-06T18:40:01.002+00:00 ");
  CHECK(f.format({kT + 1, 2, 0}) == "2026-12-06T18:40:02.002+00:00 ");
}

TEST_CASE("every line gets a stamp at its start", "[stamp]") {
  LineStamper s;
  std::string out;
  s.stamp("one\ntwo\n\nthree\n", "T ", out);
  CHECK(out == "T one\nT two\nT \nT three\n");
  CHECK(s.atLineStart());
}

TEST_CASE("a line split across reads gets one stamp at its start", "[stamp]") {
  LineStamper s;
  std::string out;
  s.stamp("hel", "A ", out);
  CHECK_FALSE(s.atLineStart());
  s.stamp("lo\nwor", "B ", out);
  s.stamp("ld", "C ", out);
  s.stamp("\n", "D ", out);
  CHECK(out == "A hello\nB world\n");
  CHECK(s.atLineStart());
}

TEST_CASE("nothing read stamps nothing", "[stamp]") {
  LineStamper s;
  std::string out;
  s.stamp("", "A ", out);
  CHECK(out.empty());
  CHECK(s.atLineStart());
}

TEST_CASE("a stamper continues where a handed-over one stopped", "[stamp]") {
  LineStamper s;
  s.restore(false);
  std::string out;
  s.stamp("end\nnext\n", "T ", out);
  CHECK(out == "end\nT next\n");
}

TEST_CASE("markers name the pid the exit status or the signal", "[markers]") {
  CHECK(spawnedMarker(123) == "--- spawned pid 123 ---\n");
  CHECK(exitedMarker(1 << 8) == "--- exited, status 1 ---\n");
  CHECK(exitedMarker(0) == "--- exited, status 0 ---\n");
  CHECK(exitedMarker(15) == "--- killed by SIGTERM ---\n");
  CHECK(exitedMarker(9) == "--- killed by SIGKILL ---\n");
  CHECK(exitedMarker(11 | 0x80) == "--- killed by SIGSEGV (core dumped) ---\n");
}

TEST_CASE("a stamped read larger than the buffer goes in pieces with one stamp per line",
          "[stamp]") {
  std::string data;
  for (int i = 0; i < 50; ++i)
    data += "line " + std::to_string(i) + " " + std::string(i, 'x') + "\n";
  data += "tail";
  std::string expect;
  LineStamper whole;
  whole.stamp(data, "[T] ", expect);
  for (std::size_t cap : {4, 5, 7, 13, 64, 1000}) {
    INFO(cap);
    LineStamper chunked;
    std::string out;
    std::vector<char> buf(cap);
    std::string_view rest = data;
    while (!rest.empty()) {
      auto r = chunked.stamp(rest, "[T] ", buf.data(), cap);
      REQUIRE(r.written > 0);
      out.append(buf.data(), r.written);
      rest.remove_prefix(r.used);
    }
    CHECK(out == expect);
    CHECK_FALSE(chunked.atLineStart());
  }
}
