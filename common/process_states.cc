#include "common/process_states.h"

namespace sup::proto {

std::string_view processStateName(ProcessState state) {
  switch (state) {
    case ProcessState::kStopped:
      return "STOPPED";
    case ProcessState::kStarting:
      return "STARTING";
    case ProcessState::kRunning:
      return "RUNNING";
    case ProcessState::kBackoff:
      return "BACKOFF";
    case ProcessState::kStopping:
      return "STOPPING";
    case ProcessState::kExited:
      return "EXITED";
    case ProcessState::kFatal:
      return "FATAL";
    case ProcessState::kUnknown:
      return "UNKNOWN";
  }
  return "UNKNOWN";
}

bool isStoppedState(ProcessState s) {
  return s == ProcessState::kStopped || s == ProcessState::kExited || s == ProcessState::kFatal ||
         s == ProcessState::kUnknown;
}

bool isRunningState(ProcessState s) {
  return s == ProcessState::kRunning || s == ProcessState::kBackoff ||
         s == ProcessState::kStarting;
}

bool isSignallableState(ProcessState s) {
  return s == ProcessState::kRunning || s == ProcessState::kStarting ||
         s == ProcessState::kStopping;
}

}  // namespace sup::proto
