// Supervisor's process states (states.py ProcessStates): the one definition
// both binaries use. The daemon's state machine runs on this enum and the
// wire carries its numbers (getProcessInfo's state and statename).
#pragma once

#include <string_view>

namespace sup::proto {

enum class ProcessState : int {
  kStopped = 0,
  kStarting = 10,
  kRunning = 20,
  kBackoff = 30,
  kStopping = 40,
  kExited = 100,
  kFatal = 200,
  kUnknown = 1000,
};

/// "RUNNING"; "UNKNOWN" for a code Supervisor does not have.
std::string_view processStateName(ProcessState state);
/// STOPPED, EXITED, FATAL, UNKNOWN (states.py STOPPED_STATES).
bool isStoppedState(ProcessState state);
/// RUNNING, BACKOFF, STARTING (RUNNING_STATES).
bool isRunningState(ProcessState state);
/// RUNNING, STARTING, STOPPING (SIGNALLABLE_STATES).
bool isSignallableState(ProcessState state);

// The same for a state code as it comes off the wire.
inline std::string_view processStateName(int code) {
  return processStateName(static_cast<ProcessState>(code));
}
inline bool isStoppedState(int code) {
  return isStoppedState(static_cast<ProcessState>(code));
}

}  // namespace sup::proto
