// The event loop's ordering promises: deferred work runs before the loop
// sleeps, and work deferred by the turn that stops the loop still runs
// before run() returns (the orphan guard's state file relies on it).
#include "supervisord/event_loop.h"

#include <catch2/catch.hpp>

using namespace sup;
using namespace std::chrono_literals;

TEST_CASE("event loop: work deferred by the turn that stops the loop runs before run() returns") {
  EventLoop loop;
  std::vector<std::string> order;
  loop.after(0ms, [&] {
    loop.defer([&] { order.push_back("deferred"); });
    loop.stop();
    order.push_back("timer");
  });
  loop.run();
  CHECK(order == std::vector<std::string>{"timer", "deferred"});
}

TEST_CASE("event loop: deferred work runs once per defer, also when deferred from deferred work") {
  EventLoop loop;
  int outer = 0, inner = 0;
  loop.defer([&] {
    ++outer;
    loop.defer([&] {
      ++inner;
      loop.stop();
    });
  });
  loop.run();
  CHECK(outer == 1);
  CHECK(inner == 1);
  // A second run() starts clean: nothing from the first runs again.
  loop.after(0ms, [&] { loop.stop(); });
  loop.run();
  CHECK(outer == 1);
  CHECK(inner == 1);
}
