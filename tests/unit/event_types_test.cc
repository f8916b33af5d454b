// Supervisor's event type names and hierarchy (events.py EventTypes).
#include "common/event_types.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using namespace sup;

TEST_CASE("every event type name round-trips, in Supervisor's EventTypes order") {
  std::vector<std::string> names;
  for (EventType t : allEventTypes()) {
    names.emplace_back(eventTypeName(t));
    CHECK(parseEventType(eventTypeName(t)) == t);
  }
  CHECK(names == std::vector<std::string>{
                     "EVENT",
                     "PROCESS_STATE",
                     "PROCESS_STATE_STOPPED",
                     "PROCESS_STATE_EXITED",
                     "PROCESS_STATE_STARTING",
                     "PROCESS_STATE_STOPPING",
                     "PROCESS_STATE_BACKOFF",
                     "PROCESS_STATE_FATAL",
                     "PROCESS_STATE_RUNNING",
                     "PROCESS_STATE_UNKNOWN",
                     "PROCESS_COMMUNICATION",
                     "PROCESS_COMMUNICATION_STDOUT",
                     "PROCESS_COMMUNICATION_STDERR",
                     "PROCESS_LOG",
                     "PROCESS_LOG_STDOUT",
                     "PROCESS_LOG_STDERR",
                     "REMOTE_COMMUNICATION",
                     "SUPERVISOR_STATE_CHANGE",
                     "SUPERVISOR_STATE_CHANGE_RUNNING",
                     "SUPERVISOR_STATE_CHANGE_STOPPING",
                     "TICK",
                     "TICK_5",
                     "TICK_60",
                     "TICK_3600",
                     "PROCESS_GROUP",
                     "PROCESS_GROUP_ADDED",
                     "PROCESS_GROUP_REMOVED",
                 });
}

TEST_CASE("event type names are exact: case and unknown names do not parse") {
  CHECK_FALSE(parseEventType("tick_5"));
  CHECK_FALSE(parseEventType("TICK_10"));
  CHECK_FALSE(parseEventType(""));
  CHECK_FALSE(parseEventType("PROCESS_STATE_"));
}

TEST_CASE("abstract event types subscribe to all their subtypes and nothing else") {
  using T = EventType;
  CHECK(eventTypeMatches(T::kProcessStateFatal, T::kEvent));
  CHECK(eventTypeMatches(T::kProcessStateFatal, T::kProcessState));
  CHECK(eventTypeMatches(T::kProcessStateFatal, T::kProcessStateFatal));
  CHECK_FALSE(eventTypeMatches(T::kProcessStateFatal, T::kProcessStateExited));
  CHECK_FALSE(eventTypeMatches(T::kProcessStateFatal, T::kTick));
  CHECK(eventTypeMatches(T::kTick60, T::kTick));
  CHECK_FALSE(eventTypeMatches(T::kTick60, T::kTick5));
  CHECK(eventTypeMatches(T::kProcessLogStderr, T::kProcessLog));
  CHECK_FALSE(eventTypeMatches(T::kProcessLogStderr, T::kProcessCommunication));
  CHECK(eventTypeMatches(T::kRemoteCommunication, T::kEvent));
  CHECK(eventTypeMatches(T::kSupervisorStateChangeStopping, T::kSupervisorStateChange));
  CHECK(eventTypeMatches(T::kProcessGroupRemoved, T::kProcessGroup));
  // A subtype never receives its parent's events (nothing publishes those).
  CHECK_FALSE(eventTypeMatches(T::kProcessState, T::kProcessStateRunning));
}

TEST_CASE("only Supervisor's abstract classes are abstract, REMOTE_COMMUNICATION is concrete") {
  int abstract = 0;
  for (EventType t : allEventTypes()) abstract += isAbstractEventType(t) ? 1 : 0;
  CHECK(abstract == 7);
  CHECK(isAbstractEventType(EventType::kTick));
  CHECK_FALSE(isAbstractEventType(EventType::kRemoteCommunication));
  CHECK(tickPeriod(EventType::kTick5) == 5);
  CHECK(tickPeriod(EventType::kTick60) == 60);
  CHECK(tickPeriod(EventType::kTick3600) == 3600);
  CHECK(tickPeriod(EventType::kTick) == 0);
}
