// TICK events: Supervisor's timeslice() arithmetic, and the loop timer on a
// fake clock (no sleeping): aligned to the wall clock, armed only while
// someone wants TICKs.
#include "supervisord/tick_events.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "tests/unit/fake_clock.h"

using namespace sup;
using namespace std::chrono_literals;

TEST_CASE("a tick is due when the wall clock enters a new period, with the period's start") {
  TickSchedule s;
  std::array<bool, 3> all{true, true, true};
  CHECK(s.due(1796525003'500, all).empty());  // starts counting
  CHECK(s.due(1796525004'999, all).empty());
  auto d = s.due(1796525005'000, all);
  REQUIRE(d.size() == 1);
  CHECK(d[0] == std::make_pair(EventType::kTick5, 1796525005LL));
  CHECK(s.due(1796525009'999, all).empty());
  // At an hour's boundary the three are due together, TICK_5 first.
  auto h = s.due(1796526000'000, all);
  CHECK(h == std::vector<std::pair<EventType, long long>>{{EventType::kTick5, 1796526000},
                                                          {EventType::kTick60, 1796526000},
                                                          {EventType::kTick3600, 1796526000}});
  CHECK(TickSchedule::nextBoundaryMs(1796526000'000, {false, true, false}) == 1796526060'000);
  CHECK(TickSchedule::nextBoundaryMs(1796526001'000, {false, false, false}) == std::nullopt);
}

TEST_CASE("a tick no longer wanted is forgotten: wanted again, it waits for the next boundary") {
  TickSchedule s;
  s.want(1000'000, {true, false, false});
  CHECK(s.due(1004'000, {false, false, false}).empty());
  s.want(1007'000, {true, false, false});
  CHECK(s.due(1009'999, {true, false, false}).empty());
  CHECK(s.due(1010'000, {true, false, false}).size() == 1);
}

TEST_CASE("the tick timer wakes only at boundaries, only while TICKs are wanted") {
  test::FakeClock clock;  // starts on a minute's boundary (2026-01-01 00:00:00)
  EventLoop loop(clock);
  EventBus bus;
  TickTimer ticks(loop, bus);
  bus.onSubscriptionsChanged([&] { ticks.update(); });
  CHECK_FALSE(ticks.armed());
  std::vector<std::string> seen;
  {
    auto pool = bus.subscribePool({EventType::kProcessState}, [](const auto&) {});
    CHECK_FALSE(ticks.armed());  // no TICK subscriber: no timer at all
  }
  test::advance(loop, clock, 2300ms);
  auto sub = bus.subscribePool({EventType::kTick}, [&](const auto& e) {
    seen.push_back(std::string(eventTypeName(e->type)) + " " + e->payload + " at " +
                   std::to_string(clock.elapsedMs()));
  });
  CHECK(ticks.armed());
  CHECK(loop.nextDeadline() == clock.now() + 2700ms);
  test::advance(loop, clock, 60s);
  CHECK(seen == std::vector<std::string>{
                    "TICK_5 when:1767225605 at 5000", "TICK_5 when:1767225610 at 10000",
                    "TICK_5 when:1767225615 at 15000", "TICK_5 when:1767225620 at 20000",
                    "TICK_5 when:1767225625 at 25000", "TICK_5 when:1767225630 at 30000",
                    "TICK_5 when:1767225635 at 35000", "TICK_5 when:1767225640 at 40000",
                    "TICK_5 when:1767225645 at 45000", "TICK_5 when:1767225650 at 50000",
                    "TICK_5 when:1767225655 at 55000", "TICK_5 when:1767225660 at 60000",
                    "TICK_60 when:1767225660 at 60000"});
  sub.reset();
  CHECK_FALSE(ticks.armed());
  CHECK_FALSE(loop.nextDeadline());
}

TEST_CASE("only TICK_3600 wanted: one wake-up an hour") {
  test::FakeClock clock;
  EventLoop loop(clock);
  EventBus bus;
  TickTimer ticks(loop, bus);
  bus.onSubscriptionsChanged([&] { ticks.update(); });
  int n = 0;
  auto sub = bus.observe({EventType::kTick3600}, [&](const auto&) { ++n; });
  CHECK(loop.nextDeadline() == clock.now() + 3600s);
  test::advance(loop, clock, 7200s);
  CHECK(n == 2);
}
