// A listener pool's decisions (process.py EventListenerPool) with fake
// listeners: dispatch to the first RUNNING+READY listener, serials, the
// bounded queue with Supervisor's ERRO line, re-queueing at the head on
// FAIL, a bad result line and death. Log texts are Supervisor 4.2.5's.
#include "supervisord/event_pool.h"

#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <vector>

#include "supervisord/event_bus.h"

using namespace sup;

namespace {

struct FakePort : EventPool::Port {
  std::vector<bool> running;
  std::vector<std::string> written;  // per listener: everything written
  std::vector<bool> stdin_open;
  std::vector<std::string> log_lines;
  int scheduled = 0;
  int dropped = 0;

  explicit FakePort(std::size_t n) : running(n, true), written(n), stdin_open(n, true) {}
  bool listenerRunning(std::size_t i) const override { return running[i]; }
  bool writeToListener(std::size_t i, std::string_view bytes) override {
    if (!stdin_open[i]) return false;
    written[i].append(bytes);
    return true;
  }
  bool logging(LogLevel) const override { return true; }
  void log(LogLevel level, const std::string& line) override {
    log_lines.push_back(std::string(logLevelLabel(level)) + " " + line);
  }
  void scheduleDispatch() override { ++scheduled; }
  void eventDropped() override { ++dropped; }
  /// The log lines since the last call.
  std::vector<std::string> take() { return std::exchange(log_lines, {}); }
};

// Events with their global serial set, as the bus hands them to a pool.
std::shared_ptr<const Event> event(std::int64_t serial, std::string group = "g") {
  Event e = processGroupEvent(true, group);
  e.serial = serial;
  return std::make_shared<const Event>(std::move(e));
}

std::string envelope(std::int64_t serial, std::int64_t pool_serial, std::string group = "g") {
  return "ver:3.0 server:sid serial:" + std::to_string(serial) +
         " pool:rec poolserial:" + std::to_string(pool_serial) +
         " eventname:PROCESS_GROUP_ADDED len:" + std::to_string(11 + group.size()) +
         "\ngroupname:" + group + "\n";
}

struct Pool {
  FakePort port;
  EventPool pool;
  explicit Pool(std::size_t listeners, std::size_t buffer_size = 10)
      : port(listeners), pool("rec", buffer_size, "sid", names(listeners), port) {}
  static std::vector<std::string> names(std::size_t n) {
    if (n == 1) return {"rec"};
    std::vector<std::string> out;
    for (std::size_t i = 0; i < n; ++i) out.push_back("rec_" + std::to_string(i));
    return out;
  }
  void say(std::size_t i, std::string_view bytes) { pool.listenerOutput(i, bytes); }
};

}  // namespace

TEST_CASE("events wait for a READY listener and go out with the pool's own serial") {
  Pool p(1);
  p.pool.accept(event(5));
  p.pool.accept(event(6));
  CHECK(p.port.scheduled == 2);
  p.pool.dispatch();  // nobody READY yet: nothing happens, nothing logged
  CHECK(p.port.written[0].empty());
  CHECK(p.port.take().empty());
  p.say(0, "READY\n");
  CHECK(p.port.take() == std::vector<std::string>{"DEBG 'rec' stdout output:\nb'READY\\n'",
                                                  "DEBG rec: ACKNOWLEDGED -> READY"});
  p.pool.dispatch();
  CHECK(p.port.written[0] == envelope(5, 0));
  CHECK(p.port.take() ==
        std::vector<std::string>{"DEBG event 5 sent to listener rec",
                                 "DEBG rebuffering event 6 for pool rec (buf size=0, max=10)"});
  CHECK(p.pool.listenerState(0) == ListenerState::kBusy);
  p.say(0, "RESULT 2\nOKREADY\n");
  p.pool.dispatch();
  CHECK(p.port.written[0] == envelope(5, 0) + envelope(6, 1));
  CHECK(p.pool.queued() == 0);
}

TEST_CASE("only RUNNING listeners get events: a READY one still STARTING waits") {
  Pool p(1);
  p.port.running[0] = false;
  p.say(0, "READY\n");
  p.pool.accept(event(0));
  p.pool.dispatch();
  CHECK(p.port.written[0].empty());
  p.port.running[0] = true;
  p.pool.dispatch();
  CHECK(p.port.written[0] == envelope(0, 0));
}

TEST_CASE("a numprocs pool gives each event to the first READY listener, in config order") {
  Pool p(3);
  for (std::size_t i = 0; i < 3; ++i) p.say(i, "READY\n");
  p.port.take();
  for (int s = 0; s < 4; ++s) p.pool.accept(event(s));
  p.pool.dispatch();
  CHECK(p.port.written[0] == envelope(0, 0));
  CHECK(p.port.written[1] == envelope(1, 1));
  CHECK(p.port.written[2] == envelope(2, 2));
  CHECK(p.pool.queued() == 1);
  p.say(1, "RESULT 2\nOKREADY\n");
  p.pool.dispatch();
  CHECK(p.port.written[1] == envelope(1, 1) + envelope(3, 3));
}

TEST_CASE("past buffer_size the oldest event is dropped with Supervisor's ERRO line") {
  Pool p(1, 2);
  p.pool.accept(event(0));
  p.pool.accept(event(1));
  CHECK(p.port.take().empty());
  p.pool.accept(event(2));
  p.pool.accept(event(3));
  CHECK(p.port.take() ==
        std::vector<std::string>{"ERRO pool rec event buffer overflowed, discarding event 0",
                                 "ERRO pool rec event buffer overflowed, discarding event 1"});
  CHECK(p.port.dropped == 2);  // what /metrics counts
  p.say(0, "READY\n");
  p.pool.dispatch();
  // Pool serials count every accepted event, dropped ones too.
  CHECK(p.port.written[0] == envelope(2, 2));
}

TEST_CASE("FAIL puts the event back at the head, the listener gets it again") {
  Pool p(1);
  p.say(0, "READY\n");
  p.pool.accept(event(7));
  p.pool.accept(event(8));
  p.pool.dispatch();
  p.port.take();
  p.say(0, "RESULT 4\nFAIL");
  CHECK(p.port.take() ==
        std::vector<std::string>{"DEBG 'rec' stdout output:\nb'RESULT 4\\nFAIL'",
                                 "WARN rec: event was rejected", "DEBG rec: BUSY -> ACKNOWLEDGED",
                                 "DEBG rebuffering event 7 for pool rec (buf size=1, max=10)"});
  p.say(0, "READY\n");
  p.pool.dispatch();
  CHECK(p.port.written[0] == envelope(7, 0) + envelope(7, 0));
  p.say(0, "RESULT 2\nOKREADY\n");
  p.pool.dispatch();
  CHECK(p.port.written[0] == envelope(7, 0) + envelope(7, 0) + envelope(8, 1));
}

TEST_CASE("a rejected event re-queued into a full buffer pushes the oldest out") {
  Pool p(1, 2);
  p.say(0, "READY\n");
  p.pool.accept(event(0));
  p.pool.dispatch();  // 0 in flight
  p.pool.accept(event(1));
  p.pool.accept(event(2));
  p.port.take();
  p.say(0, "RESULT 4\nFAIL");
  auto lines = p.port.take();
  CHECK(lines.back() == "ERRO pool rec event buffer overflowed, discarding event 1");
  p.say(0, "READY\n");
  p.pool.dispatch();
  CHECK(p.port.written[0] == envelope(0, 0) + envelope(0, 0));
}

TEST_CASE("a bad result line re-queues the event, the UNKNOWN listener gets nothing more") {
  Pool p(2);
  p.say(0, "READY\n");
  p.pool.accept(event(0));
  p.pool.dispatch();
  p.port.take();
  p.say(0, "nonsense\n");
  CHECK(p.port.take() ==
        std::vector<std::string>{
            "DEBG 'rec_0' stdout output:\nb'nonsense\\n'",
            "WARN rec_0: bad result line: 'nonsense'", "DEBG rec_0: BUSY -> UNKNOWN",
            "WARN rec_0: has entered the UNKNOWN state and will no longer receive events, this "
            "usually indicates the process violated the eventlistener protocol",
            "DEBG rebuffering event 0 for pool rec (buf size=0, max=10)"});
  p.say(1, "READY\n");
  p.pool.dispatch();
  CHECK(p.port.written[1] == envelope(0, 0));
}

TEST_CASE("a rejected event asks for a dispatch: a listener already READY gets it") {
  Pool p(2);
  p.say(0, "READY\n");
  p.say(1, "READY\n");
  p.pool.accept(event(0));
  p.pool.accept(event(1));
  p.pool.dispatch();
  p.say(0, "RESULT 2\nOKREADY\n");
  int before = p.port.scheduled;
  p.say(1, "RESULT 4\nFAIL");
  CHECK(p.port.scheduled == before + 1);
  p.pool.dispatch();
  CHECK(p.port.written[0] == envelope(0, 0) + envelope(1, 1));
}

TEST_CASE("a listener that dies with an event in flight gives it back, its next run gets it") {
  Pool p(1);
  p.say(0, "READY\n");
  p.pool.accept(event(3));
  p.pool.dispatch();
  p.port.take();
  p.port.running[0] = false;
  p.pool.listenerExited(0);
  CHECK(p.port.take() ==
        std::vector<std::string>{"DEBG rebuffering event 3 for pool rec (buf size=0, max=10)"});
  CHECK(p.pool.queued() == 1);
  p.pool.listenerStarted(0);  // nothing in flight any more: nothing to give back twice
  CHECK(p.pool.queued() == 1);
  CHECK(p.pool.listenerState(0) == ListenerState::kAcknowledged);
  p.port.running[0] = true;
  p.say(0, "READY\n");
  p.pool.dispatch();
  CHECK(p.port.written[0] == envelope(3, 0) + envelope(3, 0));
}

TEST_CASE("a listener whose stdin is closed is skipped (epipe), its state unchanged") {
  Pool p(2);
  p.say(0, "READY\n");
  p.say(1, "READY\n");
  p.port.stdin_open[0] = false;
  p.pool.accept(event(0));
  p.pool.dispatch();
  CHECK(p.port.written[1] == envelope(0, 0));
  CHECK(p.pool.listenerState(0) == ListenerState::kReady);
  CHECK(p.port.take().at(4) ==
        "DEBG epipe occurred while sending event 0 to listener rec_0, listener state unchanged");
}

TEST_CASE("the bus numbers only events a pool takes, pools in subscription order") {
  EventBus bus;
  std::vector<std::string> seen;
  std::vector<std::int64_t> observed;
  auto a = bus.subscribePool({EventType::kProcessGroup}, [&](const auto& e) {
    seen.push_back("a" + std::to_string(e->serial));
  });
  auto b = bus.subscribePool({EventType::kTick, EventType::kProcessGroupAdded}, [&](const auto& e) {
    seen.push_back("b" + std::to_string(e->serial));
  });
  auto o = bus.observe({}, [&](const auto& e) { observed.push_back(e->serial); });
  bus.publish(supervisorStateEvent(true));  // no pool: no serial
  bus.publish(processGroupEvent(true, "x"));
  bus.publish(tickEvent(EventType::kTick5, 5));
  bus.publish(processGroupEvent(false, "x"));
  CHECK(seen == std::vector<std::string>{"a0", "b0", "b1", "a2"});
  CHECK(observed == std::vector<std::int64_t>{-1, 0, 1, 2});
  CHECK(bus.wanted(EventType::kTick60));
  o.reset();
  b.reset();
  CHECK_FALSE(bus.wanted(EventType::kTick60));
  CHECK(bus.wanted(EventType::kProcessGroupRemoved));
  CHECK(bus.lastSerial() == 2);
  CHECK(bus.history().size() == 4);
}

TEST_CASE("a subscription may outlive its bus, and unsubscribing inside delivery is safe") {
  EventBus::Subscription keep;
  {
    EventBus bus;
    int ended = 0;
    EventBus::Subscription self;
    self = bus.observe(
        {}, [&](const auto&) { self.reset(); }, [&] { ++ended; });
    keep = bus.observe(
        {}, [](const auto&) {}, [&] { ++ended; });
    bus.publish(supervisorStateEvent(true));
    bus.end();
    bus.end();
    CHECK(ended == 1);
  }
  keep.reset();
}
