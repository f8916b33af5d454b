// Event payloads and envelopes, byte for byte. The expected texts were
// recorded from Python Supervisor 4.2.5 (a listener writing what it read,
// tests/integration/listeners/recorder.py), see docs/events.md.
#include <catch2/catch.hpp>
#include <string>

#include "common/py_text.h"
#include "supervisord/event.h"

using namespace sup;

namespace {
std::string envelope(const Event& e, long serial = 0, long pool_serial = 0) {
  return eventEnvelopeHeader("myid", serial, "rec", pool_serial, e) + e.payload;
}
}  // namespace

TEST_CASE("process state payloads carry tries, expected and pid as each state gives them") {
  using S = ProcessState;
  CHECK(envelope(processStateEvent(S::kStarting, "rec", "rec", S::kStopped, 0, true, 0), 4, 4) ==
        "ver:3.0 server:myid serial:4 pool:rec poolserial:4 eventname:PROCESS_STATE_STARTING "
        "len:56\nprocessname:rec groupname:rec from_state:STOPPED tries:0");
  CHECK(processStateEvent(S::kBackoff, "fatal", "fatal", S::kStarting, 1, true, 0).payload ==
        "processname:fatal groupname:fatal from_state:STARTING tries:1");
  CHECK(processStateEvent(S::kRunning, "rec", "rec", S::kStarting, 0, true, 19721).payload ==
        "processname:rec groupname:rec from_state:STARTING pid:19721");
  CHECK(processStateEvent(S::kFatal, "fatal", "fatal", S::kBackoff, 0, true, 0).payload ==
        "processname:fatal groupname:fatal from_state:BACKOFF");
  Event exited = processStateEvent(S::kExited, "talk", "talk", S::kRunning, 0, false, 19723);
  CHECK(exited.payload ==
        "processname:talk groupname:talk from_state:RUNNING expected:0 pid:19723");
  CHECK(exited.length == 71);
  CHECK(processStateEvent(S::kExited, "a", "g", S::kRunning, 0, true, 5).payload ==
        "processname:a groupname:g from_state:RUNNING expected:1 pid:5");
  CHECK(processStateEvent(S::kStopping, "a1", "a", S::kRunning, 0, true, 20175).payload ==
        "processname:a1 groupname:a from_state:RUNNING pid:20175");
  CHECK(processStateEvent(S::kStopped, "a1", "a", S::kStopping, 0, true, 20175).payload ==
        "processname:a1 groupname:a from_state:STOPPING pid:20175");
  CHECK(processStateEvent(S::kUnknown, "a", "a", S::kStopping, 0, true, 7).payload ==
        "processname:a groupname:a from_state:STOPPING");
  CHECK(eventTypeName(processStateEvent(S::kUnknown, "a", "a", S::kRunning, 0, true, 0).type) ==
        "PROCESS_STATE_UNKNOWN");
}

TEST_CASE("log and communication payloads: decodable output as is, len in characters") {
  Event log = processLogEvent(false, "talk", "talk", 19723, "c\xc3\xb6mm");
  CHECK(envelope(log, 8, 8) ==
        "ver:3.0 server:myid serial:8 pool:rec poolserial:8 eventname:PROCESS_LOG_STDOUT len:61\n"
        "processname:talk groupname:talk pid:19723 channel:stdout\nc\xc3\xb6mm");
  CHECK(log.payload.size() == 62);  // bytes; len counts 61 characters
  Event err = processLogEvent(true, "a", "g", 1, "oops\n");
  CHECK(err.payload == "processname:a groupname:g pid:1 channel:stderr\noops\n");
  CHECK(eventTypeName(err.type) == "PROCESS_LOG_STDERR");
  Event comm = processCommunicationEvent(false, "talk", "talk", 19723, "c\xc3\xb6mm");
  CHECK(envelope(comm, 9, 9) ==
        "ver:3.0 server:myid serial:9 pool:rec poolserial:9 eventname:PROCESS_COMMUNICATION_STDOUT "
        "len:46\nprocessname:talk groupname:talk pid:19723\nc\xc3\xb6mm");
  CHECK(eventTypeName(processCommunicationEvent(true, "a", "a", 1, "").type) ==
        "PROCESS_COMMUNICATION_STDERR");
}

TEST_CASE("output that is not UTF-8 becomes Supervisor's Undecodable repr, whole chunk") {
  Event log = processLogEvent(false, "talk", "talk", 19723,
                              "h\xc3\xa9llo\n\xff\xfe"
                              "bad\nx");
  CHECK(envelope(log, 7, 7) ==
        "ver:3.0 server:myid serial:7 pool:rec poolserial:7 eventname:PROCESS_LOG_STDOUT len:101\n"
        "processname:talk groupname:talk pid:19723 channel:stdout\n"
        "Undecodable: b'h\\xc3\\xa9llo\\n\\xff\\xfebad\\nx'");
}

TEST_CASE("remote communication, supervisor state, tick and group payloads") {
  Event remote = remoteCommunicationEvent("t\xc3\xbfpe", "d\xc3\xa4t\xc3\xa4\nline2");
  CHECK(envelope(remote, 18, 18) ==
        "ver:3.0 server:myid serial:18 pool:rec poolserial:18 eventname:REMOTE_COMMUNICATION "
        "len:20\ntype:t\xc3\xbfpe\nd\xc3\xa4t\xc3\xa4\nline2");
  CHECK(envelope(supervisorStateEvent(true), 3, 3) ==
        "ver:3.0 server:myid serial:3 pool:rec poolserial:3 "
        "eventname:SUPERVISOR_STATE_CHANGE_RUNNING len:0\n");
  CHECK(eventTypeName(supervisorStateEvent(false).type) == "SUPERVISOR_STATE_CHANGE_STOPPING");
  CHECK(envelope(tickEvent(EventType::kTick5, 1796525005), 17, 17) ==
        "ver:3.0 server:myid serial:17 pool:rec poolserial:17 eventname:TICK_5 len:15\n"
        "when:1796525005");
  CHECK(envelope(processGroupEvent(true, "rec")) ==
        "ver:3.0 server:myid serial:0 pool:rec poolserial:0 eventname:PROCESS_GROUP_ADDED len:14\n"
        "groupname:rec\n");
  CHECK(processGroupEvent(false, "web").payload == "groupname:web\n");
  CHECK(eventTypeName(processGroupEvent(false, "web").type) == "PROCESS_GROUP_REMOVED");
}

TEST_CASE("Python's strict UTF-8: overlong forms, surrogates and beyond U+10FFFF fail") {
  CHECK(py::isStrictUtf8("plain ascii"));
  CHECK(py::isStrictUtf8("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"));
  CHECK_FALSE(py::isStrictUtf8("\xc0\xaf"));          // overlong '/'
  CHECK_FALSE(py::isStrictUtf8("\xe0\x80\xaf"));      // overlong
  CHECK_FALSE(py::isStrictUtf8("\xed\xa0\x80"));      // a surrogate
  CHECK_FALSE(py::isStrictUtf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  CHECK_FALSE(py::isStrictUtf8("\xc3"));              // cut short
  CHECK_FALSE(py::isStrictUtf8("\xe2\x82"));
  CHECK(py::bytesRepr("it's") == "b\"it's\"");
  CHECK(py::bytesRepr("'\"\\\t\r\x7f") == "b'\\'\"\\\\\\t\\r\\x7f'");
  CHECK(py::charCount("d\xc3\xa4t\xc3\xa4") == 4);
}
