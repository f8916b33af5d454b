// Supervisor's event types (events.py EventTypes): their names and their
// hierarchy. An abstract type (EVENT, PROCESS_STATE, TICK, ...) is never
// published; subscribing to it means subscribing to every type below it.
// Shared by the daemon (config, listener pools, the JSON event stream) and
// supervisorctl (`events TYPE...`).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace sup {

enum class EventType : std::uint8_t {
  kEvent,
  kProcessState,
  kProcessStateStopped,
  kProcessStateExited,
  kProcessStateStarting,
  kProcessStateStopping,
  kProcessStateBackoff,
  kProcessStateFatal,
  kProcessStateRunning,
  kProcessStateUnknown,
  kProcessCommunication,
  kProcessCommunicationStdout,
  kProcessCommunicationStderr,
  kProcessLog,
  kProcessLogStdout,
  kProcessLogStderr,
  kRemoteCommunication,
  kSupervisorStateChange,
  kSupervisorStateChangeRunning,
  kSupervisorStateChangeStopping,
  kTick,
  kTick5,
  kTick60,
  kTick3600,
  kProcessGroup,
  kProcessGroupAdded,
  kProcessGroupRemoved,
};

/// Every type, in Supervisor's EventTypes order (the order above).
std::span<const EventType> allEventTypes();

/// "PROCESS_STATE_RUNNING".
std::string_view eventTypeName(EventType type);

/// The type of an upper-case name as `events=` spells it after upper();
/// nullopt for an unknown name.
std::optional<EventType> parseEventType(std::string_view name);

/// True for the types that are never published themselves (EVENT,
/// PROCESS_STATE, PROCESS_COMMUNICATION, PROCESS_LOG, SUPERVISOR_STATE_CHANGE,
/// TICK, PROCESS_GROUP).
bool isAbstractEventType(EventType type);

/// The type directly above (EVENT for the top-level ones and for EVENT).
EventType parentEventType(EventType type);

/// Whether a subscription to `subscribed` receives an event of type `type`:
/// `subscribed` is `type` itself or one of its ancestors (isinstance()).
bool eventTypeMatches(EventType type, EventType subscribed);

/// The period in seconds of TICK_5 / TICK_60 / TICK_3600 (0 for others).
int tickPeriod(EventType type);

}  // namespace sup
