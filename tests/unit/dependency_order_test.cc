// The pure decisions behind depends_on and ready= in the daemon
// (dependency_order.h, readiness.h's protocol parts).
#include "supervisord/dependency_order.h"

#include <catch2/catch.hpp>

#include "supervisord/readiness.h"

using namespace sup;
using namespace std::chrono_literals;
using S = ProcessState;

TEST_CASE("a waiting process spawns when every dependency is RUNNING", "[deps]") {
  CHECK(dependencyVerdict({}, false) == DependencyVerdict::Ready);
  CHECK(dependencyVerdict({S::kRunning, S::kRunning}, false) == DependencyVerdict::Ready);
  CHECK(dependencyVerdict({S::kRunning, S::kStarting}, false) == DependencyVerdict::Wait);
  CHECK(dependencyVerdict({S::kRunning, S::kBackoff}, false) == DependencyVerdict::Wait);
  CHECK(dependencyVerdict({S::kStopped}, false) == DependencyVerdict::Wait);
  CHECK(dependencyVerdict({S::kRunning}, true) == DependencyVerdict::Wait);
  CHECK(dependencyVerdict({S::kStarting, S::kFatal}, false) == DependencyVerdict::Fail);
}

TEST_CASE("a start batch puts dependencies first, priority order otherwise", "[deps]") {
  CHECK(dependenciesFirst({{}, {}, {}}) == std::vector<std::size_t>{0, 1, 2});
  // 0 depends on 1, 1 on 2: reversed.
  CHECK(dependenciesFirst({{1}, {2}, {}}) == std::vector<std::size_t>{2, 1, 0});
  // 1 depends on 3; 0 and 2 are free and keep their places.
  CHECK(dependenciesFirst({{}, {3}, {}, {}}) == std::vector<std::size_t>{0, 2, 3, 1});
  // Out-of-batch indices and a (forbidden) cycle do not lose anyone.
  CHECK(dependenciesFirst({{7}, {2}, {1}}) == std::vector<std::size_t>{0, 1, 2});
}

TEST_CASE("without dependencies the stop waves are Supervisor's priority levels", "[deps]") {
  std::vector<StopCandidate> c{{1, false, {}}, {999, false, {}}, {999, false, {}}, {5, true, {}}};
  CHECK(nextStopWave(c) == std::vector<std::size_t>{1, 2});
  c[1].stopped = c[2].stopped = true;
  CHECK(nextStopWave(c) == std::vector<std::size_t>{0});
  c[0].stopped = true;
  CHECK(nextStopWave(c).empty());
}

TEST_CASE("a process stops only once its dependents have stopped", "[deps]") {
  // 0 (prio 999) is depended on by 1 (prio 1), which 2 (prio 500) depends on.
  std::vector<StopCandidate> c{{999, false, {1}}, {1, false, {2}}, {500, false, {}}};
  CHECK(nextStopWave(c) == std::vector<std::size_t>{2});
  c[2].stopped = true;
  CHECK(nextStopWave(c) == std::vector<std::size_t>{1});
  c[1].stopped = true;
  CHECK(nextStopWave(c) == std::vector<std::size_t>{0});
}

TEST_CASE("a cycle in the stop graph still stops, highest level first", "[deps]") {
  std::vector<StopCandidate> c{{10, false, {1}}, {20, false, {0}}};
  CHECK(nextStopWave(c) == std::vector<std::size_t>{1});
}

TEST_CASE("READY=1 is a line of the notify datagram", "[readiness]") {
  CHECK(notifySaysReady("READY=1"));
  CHECK(notifySaysReady("STATUS=up\nREADY=1\n"));
  CHECK(notifySaysReady("READY=1\nMAINPID=42"));
  CHECK_FALSE(notifySaysReady("READY=0"));
  CHECK_FALSE(notifySaysReady("STATUS=READY=1"));
  CHECK_FALSE(notifySaysReady("READY=10"));
  CHECK_FALSE(notifySaysReady(""));
}

TEST_CASE("notify datagrams count from the child, the program's user or root", "[readiness]") {
  CHECK(notifySenderAccepted(100, 1000, 100, 33));  // the child, whatever its uid
  CHECK(notifySenderAccepted(101, 33, 100, 33));    // a helper of the same user
  CHECK(notifySenderAccepted(101, 0, 100, 33));     // root
  CHECK_FALSE(notifySenderAccepted(101, 1000, 100, 33));
}

TEST_CASE("tcp and exec checks retry at 100 ms doubling to 1 s", "[readiness]") {
  CHECK(readyProbeDelay(0) == 100ms);
  CHECK(readyProbeDelay(1) == 200ms);
  CHECK(readyProbeDelay(2) == 400ms);
  CHECK(readyProbeDelay(3) == 800ms);
  CHECK(readyProbeDelay(4) == 1000ms);
  CHECK(readyProbeDelay(1000) == 1000ms);
}
