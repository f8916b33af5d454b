#include "common/event_types.h"

#include <array>

namespace sup {
namespace {

struct TypeInfo {
  EventType type;
  std::string_view name;
  EventType parent;
  bool abstract;
};

using T = EventType;
constexpr std::array<TypeInfo, 27> kTypes{{
    {T::kEvent, "EVENT", T::kEvent, true},
    {T::kProcessState, "PROCESS_STATE", T::kEvent, true},
    {T::kProcessStateStopped, "PROCESS_STATE_STOPPED", T::kProcessState, false},
    {T::kProcessStateExited, "PROCESS_STATE_EXITED", T::kProcessState, false},
    {T::kProcessStateStarting, "PROCESS_STATE_STARTING", T::kProcessState, false},
    {T::kProcessStateStopping, "PROCESS_STATE_STOPPING", T::kProcessState, false},
    {T::kProcessStateBackoff, "PROCESS_STATE_BACKOFF", T::kProcessState, false},
    {T::kProcessStateFatal, "PROCESS_STATE_FATAL", T::kProcessState, false},
    {T::kProcessStateRunning, "PROCESS_STATE_RUNNING", T::kProcessState, false},
    {T::kProcessStateUnknown, "PROCESS_STATE_UNKNOWN", T::kProcessState, false},
    {T::kProcessCommunication, "PROCESS_COMMUNICATION", T::kEvent, true},
    {T::kProcessCommunicationStdout, "PROCESS_COMMUNICATION_STDOUT", T::kProcessCommunication,
     false},
    {T::kProcessCommunicationStderr, "PROCESS_COMMUNICATION_STDERR", T::kProcessCommunication,
     false},
    {T::kProcessLog, "PROCESS_LOG", T::kEvent, true},
    {T::kProcessLogStdout, "PROCESS_LOG_STDOUT", T::kProcessLog, false},
    {T::kProcessLogStderr, "PROCESS_LOG_STDERR", T::kProcessLog, false},
    {T::kRemoteCommunication, "REMOTE_COMMUNICATION", T::kEvent, false},
    {T::kSupervisorStateChange, "SUPERVISOR_STATE_CHANGE", T::kEvent, true},
    {T::kSupervisorStateChangeRunning, "SUPERVISOR_STATE_CHANGE_RUNNING", T::kSupervisorStateChange,
     false},
    {T::kSupervisorStateChangeStopping, "SUPERVISOR_STATE_CHANGE_STOPPING",
     T::kSupervisorStateChange, false},
    {T::kTick, "TICK", T::kEvent, true},
    {T::kTick5, "TICK_5", T::kTick, false},
    {T::kTick60, "TICK_60", T::kTick, false},
    {T::kTick3600, "TICK_3600", T::kTick, false},
    {T::kProcessGroup, "PROCESS_GROUP", T::kEvent, true},
    {T::kProcessGroupAdded, "PROCESS_GROUP_ADDED", T::kProcessGroup, false},
    {T::kProcessGroupRemoved, "PROCESS_GROUP_REMOVED", T::kProcessGroup, false},
}};

constexpr std::array<EventType, kTypes.size()> kOrder = [] {
  std::array<EventType, kTypes.size()> out{};
  for (std::size_t i = 0; i < kTypes.size(); ++i) out[i] = kTypes[i].type;
  return out;
}();

const TypeInfo& info(EventType type) {
  return kTypes[static_cast<std::size_t>(type)];
}

}  // namespace

std::span<const EventType> allEventTypes() {
  return kOrder;
}

std::string_view eventTypeName(EventType type) {
  return info(type).name;
}

std::optional<EventType> parseEventType(std::string_view name) {
  for (const TypeInfo& t : kTypes)
    if (t.name == name) return t.type;
  return std::nullopt;
}

bool isAbstractEventType(EventType type) {
  return info(type).abstract;
}

EventType parentEventType(EventType type) {
  return info(type).parent;
}

bool eventTypeMatches(EventType type, EventType subscribed) {
  while (true) {
    if (type == subscribed) return true;
    if (type == EventType::kEvent) return false;
    type = parentEventType(type);
  }
}

int tickPeriod(EventType type) {
  switch (type) {
    case EventType::kTick5:
      return 5;
    case EventType::kTick60:
      return 60;
    case EventType::kTick3600:
      return 3600;
    default:
      return 0;
  }
}

}  // namespace sup
