// Capture mode, the pure part: Supervisor's record_output() token scanning
// (dispatchers.py) and BoundIO bounds (loggers.py).
#include "supervisord/capture_mode.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using namespace sup;

namespace {

struct Routed {
  std::string log;
  std::vector<std::string> events;
  CaptureMode::Sink toLog() {
    return [this](std::string_view d) { log.append(d); };
  }
  CaptureMode::Sink onEvent() {
    return [this](std::string_view d) { events.emplace_back(d); };
  }
};

const std::string kBegin(kCaptureBeginToken);
const std::string kEnd(kCaptureEndToken);

}  // namespace

TEST_CASE("capture mode passes output without tokens to the normal log") {
  CaptureMode c(1000);
  Routed r;
  c.feed("hello world, a line longer than a token\n", r.toLog(), r.onEvent());
  CHECK(r.log == "hello world, a line longer than a token\n");
  CHECK(r.events.empty());
  CHECK_FALSE(c.capturing());
}

TEST_CASE("capture mode keeps the bytes between the tokens out of the log and emits them") {
  CaptureMode c(1000);
  Routed r;
  c.feed("before\n" + kBegin + "payload 1\npayload 2\n" + kEnd + "after the capture\n", r.toLog(),
         r.onEvent());
  // "after the capture\n" is no longer than a token: held until more comes.
  CHECK(r.log == "before\n");
  c.finish(r.toLog(), r.onEvent());
  CHECK(r.log == "before\nafter the capture\n");
  REQUIRE(r.events.size() == 1);
  CHECK(r.events[0] == "payload 1\npayload 2\n");
  CHECK(c.captured().empty());
}

TEST_CASE("capture mode finds tokens split across reads, one byte at a time") {
  CaptureMode c(1000);
  Routed r;
  std::string all = "a first line of normal output\n" + kBegin + "secret\n" + kEnd +
                    "tail line of normal output\n" + kBegin + "two\n" + kEnd;
  for (char ch : all) c.feed(std::string(1, ch), r.toLog(), r.onEvent());
  c.finish(r.toLog(), r.onEvent());
  CHECK(r.log == "a first line of normal output\ntail line of normal output\n");
  REQUIRE(r.events.size() == 2);
  CHECK(r.events[0] == "secret\n");
  CHECK(r.events[1] == "two\n");
}

TEST_CASE("capture mode holds a possible token start back until the next read") {
  CaptureMode c(1000);
  Routed r;
  c.feed("some normal output then <!--XSUPER", r.toLog(), r.onEvent());
  CHECK(r.log == "some normal output then ");
  c.feed("VISOR:not a token after all, more text", r.toLog(), r.onEvent());
  CHECK(r.log == "some normal output then <!--XSUPERVISOR:not a token after all, more text");
}

TEST_CASE("capture mode bounds the capture log as Supervisor's BoundIO does") {
  CaptureMode c(10);
  Routed r;
  c.feed("normal output, long enough\n" + kBegin, r.toLog(), r.onEvent());
  REQUIRE(c.capturing());
  c.feed("0123456789abcdefghijklmnopqrstuvwxyz", r.toLog(), r.onEvent());
  // Held back: a possible start of the end token (none here), so all of it
  // went in at once: 36 bytes into an empty 10-byte BoundIO keeps them all.
  c.feed("XYZ_more_than_a_token_long", r.toLog(), r.onEvent());
  // 36 + 26 > 10: the first 26 bytes are dropped, the new ones appended.
  CHECK(c.captured() == std::string("0123456789abcdefghijklmnopqrstuvwxyz").substr(26) +
                            "XYZ_more_than_a_token_long");
  c.feed(kEnd + "normal again, long enough\n", r.toLog(), r.onEvent());
  REQUIRE(r.events.size() == 1);
  CHECK(r.events[0] == "qrstuvwxyzXYZ_more_than_a_token_long");
  CHECK(r.log == "normal output, long enough\nnormal again, long enough\n");
}

TEST_CASE("at EOF capture mode logs the held bytes and drops an unfinished capture") {
  CaptureMode c(100);
  Routed r;
  c.feed("ok\n", r.toLog(), r.onEvent());
  CHECK(r.log.empty());  // shorter than a token: held, as Supervisor does
  c.finish(r.toLog(), r.onEvent());
  CHECK(r.log == "ok\n");

  CaptureMode d(100);
  Routed s;
  d.feed("start of output\n" + kBegin + "never ended, long enough text", s.toLog(), s.onEvent());
  d.finish(s.toLog(), s.onEvent());
  CHECK(s.log == "start of output\n");
  CHECK(s.events.empty());
  CHECK_FALSE(d.capturing());
}

TEST_CASE("capture mode shows the captured bytes to an optional sink, as Supervisor's _log() sees them") {
  CaptureMode c(1000);
  Routed r;
  std::string captured;
  c.feed("before " + kBegin + "inside the capture" + kEnd + " after, and more text here", r.toLog(),
         r.onEvent(), [&](std::string_view d) { captured.append(d); });
  CHECK(captured == "inside the capture");
  CHECK(r.events == std::vector<std::string>{"inside the capture"});
  CHECK(r.log.find("inside") == std::string::npos);
}
