// The listener protocol parser against Supervisor 4.2.5's
// handle_listener_state_change: states, log lines (texts recorded from
// Python Supervisor's main log), and the same outcome however the bytes are
// split across reads.
#include "supervisord/listener_protocol.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using namespace sup;
using Step = ListenerProtocol::Step;

namespace {

// Steps rendered one per line: "DEBG text", "WARN text", "PROCESSED", "REJECTED".
std::vector<std::string> render(const std::vector<Step>& steps) {
  std::vector<std::string> out;
  for (const Step& s : steps) {
    switch (s.kind) {
      case Step::Kind::kLog:
        out.push_back((s.level == LogLevel::Warn ? "WARN " : "DEBG ") + s.line);
        break;
      case Step::Kind::kProcessed:
        out.push_back("PROCESSED");
        break;
      case Step::Kind::kRejected:
        out.push_back("REJECTED");
        break;
    }
  }
  return out;
}

std::vector<std::string> feed(ListenerProtocol& p, std::string_view data) {
  std::vector<Step> steps;
  p.feed(data, steps);
  return render(steps);
}

const std::string kUnknownWarn =
    "WARN rec: has entered the UNKNOWN state and will no longer receive events, this usually "
    "indicates the process violated the eventlistener protocol";

}  // namespace

TEST_CASE("READY moves an acknowledged listener to READY, sending makes it BUSY silently") {
  ListenerProtocol p("rec");
  CHECK(p.state() == ListenerState::kAcknowledged);
  CHECK(feed(p, "READ").empty());
  CHECK(feed(p, "Y\n") == std::vector<std::string>{"DEBG rec: ACKNOWLEDGED -> READY"});
  CHECK(p.state() == ListenerState::kReady);
  p.markBusy();
  CHECK(p.state() == ListenerState::kBusy);
}

TEST_CASE("RESULT 2 OK processes the event, READY in the same read follows") {
  ListenerProtocol p("rec");
  feed(p, "READY\n");
  p.markBusy();
  CHECK(feed(p, "RESULT 2\nOKREADY\n") ==
        std::vector<std::string>{"DEBG rec: event was processed", "DEBG rec: BUSY -> ACKNOWLEDGED",
                                 "PROCESSED", "DEBG rec: ACKNOWLEDGED -> READY"});
  CHECK(p.state() == ListenerState::kReady);
}

TEST_CASE("any result other than OK rejects the event with Supervisor's warning") {
  ListenerProtocol p("rec");
  feed(p, "READY\n");
  p.markBusy();
  CHECK(feed(p, "RESULT 4\nFAIL") == std::vector<std::string>{"WARN rec: event was rejected",
                                                              "DEBG rec: BUSY -> ACKNOWLEDGED",
                                                              "REJECTED"});
  CHECK(p.state() == ListenerState::kAcknowledged);
  p.reset();
  feed(p, "READY\n");
  p.markBusy();
  CHECK(feed(p, "RESULT 3\nOKK").at(0) == "WARN rec: event was rejected");
}

TEST_CASE("a bad result line rejects the event and the listener goes UNKNOWN") {
  ListenerProtocol p("rec");
  feed(p, "READY\n");
  p.markBusy();
  CHECK(feed(p, "this is not a result line\nREADY\n") ==
        std::vector<std::string>{"WARN rec: bad result line: 'this is not a result line'",
                                 "DEBG rec: BUSY -> UNKNOWN", kUnknownWarn, "REJECTED"});
  CHECK(p.state() == ListenerState::kUnknown);
  // UNKNOWN is for good: even a proper READY is ignored until a restart.
  CHECK(feed(p, "READY\n").empty());
  p.reset();
  CHECK(feed(p, "READY\n") == std::vector<std::string>{"DEBG rec: ACKNOWLEDGED -> READY"});
}

TEST_CASE("a bad result line that is not UTF-8 is shown as Supervisor's Undecodable repr") {
  ListenerProtocol p("rec");
  feed(p, "READY\n");
  p.markBusy();
  CHECK(feed(p, "RESULT \xff\n").at(0) ==
        "WARN rec: bad result line: 'Undecodable: b'RESULT \\xff''");
}

TEST_CASE("garbage where READY belongs, or anything said while READY, is a violation") {
  ListenerProtocol p("rec");
  CHECK(feed(p, "HELLO\n") ==
        std::vector<std::string>{"DEBG rec: ACKNOWLEDGED -> UNKNOWN", kUnknownWarn});
  ListenerProtocol q("rec");
  feed(q, "READY\n");
  CHECK(feed(q, "junk") == std::vector<std::string>{"DEBG rec: READY -> UNKNOWN", kUnknownWarn});
  // No event is in flight in those states: nothing is rejected.
}

TEST_CASE("the result length is read as Python's int(): spaces, sign, underscores") {
  CHECK(pyIntFromBytes("2") == 2);
  CHECK(pyIntFromBytes(" 2 ") == 2);
  CHECK(pyIntFromBytes("+2") == 2);
  CHECK(pyIntFromBytes("1_0") == 10);
  CHECK(pyIntFromBytes("007") == 7);
  CHECK(pyIntFromBytes("-3") == -3);
  CHECK_FALSE(pyIntFromBytes(""));
  CHECK_FALSE(pyIntFromBytes("_1"));
  CHECK_FALSE(pyIntFromBytes("1__0"));
  CHECK_FALSE(pyIntFromBytes("1_"));
  CHECK_FALSE(pyIntFromBytes("0x10"));
  CHECK_FALSE(pyIntFromBytes("2 2"));
  CHECK(pyIntFromBytes("99999999999999999999999") == INT64_MAX);
  // Supervisor skips the first seven bytes unread: any prefix works.
  ListenerProtocol p("rec");
  feed(p, "READY\n");
  p.markBusy();
  CHECK(feed(p, "XXXXXXX 2\r\nOK").at(0) == "DEBG rec: event was processed");
}

TEST_CASE("RESULT 0 is judged only when the next byte arrives, as in Supervisor") {
  ListenerProtocol p("rec");
  feed(p, "READY\n");
  p.markBusy();
  CHECK(feed(p, "RESULT 0\n").empty());
  CHECK(p.state() == ListenerState::kBusy);
  CHECK(feed(p, "READY\n") == std::vector<std::string>{"WARN rec: event was rejected",
                                                       "DEBG rec: BUSY -> ACKNOWLEDGED", "REJECTED",
                                                       "DEBG rec: ACKNOWLEDGED -> READY"});
}

TEST_CASE("memory stays bounded: a huge result body or an endless line") {
  ListenerProtocol p("rec");
  feed(p, "READY\n");
  p.markBusy();
  CHECK(feed(p, "RESULT 1000000\nOK").empty());
  std::string chunk(64 * 1024, 'x');
  for (int i = 0; i < 15; ++i) CHECK(feed(p, chunk).empty());
  auto steps = feed(p, std::string(1000000 - 2 - 15 * chunk.size(), 'y'));
  CHECK(steps.at(0) == "WARN rec: event was rejected");
  ListenerProtocol q("rec");
  feed(q, "READY\n");
  q.markBusy();
  CHECK(feed(q, std::string(ListenerProtocol::kMaxResultLine, 'z')).empty());
  CHECK(feed(q, "z").at(1) == "DEBG rec: BUSY -> UNKNOWN");
}

TEST_CASE("the outcome does not depend on how the bytes are split across reads") {
  // What a listener writes after each event it gets (the first before any).
  const std::vector<std::string> answers = {"READY\n", "RESULT 2\nOKREADY\n",
                                            "RESULT 4\nFAILREADY\n", "bad line\nREADY\n"};
  auto run = [&](std::size_t chunk) {
    ListenerProtocol p("rec");
    std::vector<std::string> all;
    for (const std::string& answer : answers) {
      for (std::size_t i = 0; i < answer.size(); i += chunk)
        for (auto& s : feed(p, std::string_view(answer).substr(i, chunk))) all.push_back(s);
      // The pool sends the next event once the listener is READY.
      if (p.state() == ListenerState::kReady) p.markBusy();
    }
    return all;
  };
  auto whole = run(1000);
  CHECK(whole.size() == 13);
  for (std::size_t chunk = 1; chunk < 12; ++chunk) CHECK(run(chunk) == whole);
}
