#include "supervisord/event.h"

#include "common/py_text.h"

namespace sup {
namespace {

// Render the payload from the fields and body, as Supervisor's
// ' '.join('%s:%s') and its '\n%s' formats do.
Event finish(Event e) {
  std::size_t size = e.body ? e.body->size() + 1 : 0;
  for (const auto& f : e.fields) size += f.name.size() + f.value.size() + 2;
  e.payload.reserve(size);
  for (std::size_t i = 0; i < e.fields.size(); ++i) {
    if (i > 0) e.payload.push_back(' ');
    e.payload += e.fields[i].name;
    e.payload.push_back(':');
    e.payload += e.fields[i].value;
  }
  if (e.body) {
    e.payload.push_back('\n');
    e.payload += *e.body;
  }
  e.length = py::charCount(e.payload);
  return e;
}

EventField text(std::string_view name, std::string_view value) {
  return EventField{std::string(name), std::string(value), false};
}

EventField number(std::string_view name, long long value) {
  return EventField{std::string(name), std::to_string(value), true};
}

EventType stateEventType(ProcessState s) {
  switch (s) {
    case ProcessState::kStopped:
      return EventType::kProcessStateStopped;
    case ProcessState::kStarting:
      return EventType::kProcessStateStarting;
    case ProcessState::kRunning:
      return EventType::kProcessStateRunning;
    case ProcessState::kBackoff:
      return EventType::kProcessStateBackoff;
    case ProcessState::kStopping:
      return EventType::kProcessStateStopping;
    case ProcessState::kExited:
      return EventType::kProcessStateExited;
    case ProcessState::kFatal:
      return EventType::kProcessStateFatal;
    case ProcessState::kUnknown:
      break;
  }
  return EventType::kProcessStateUnknown;
}

Event outputEvent(EventType type, std::string_view process, std::string_view group, int pid,
                  const char* channel, std::string_view data) {
  Event e;
  e.type = type;
  e.process = process;
  e.group = group;
  e.fields = {text("processname", process), text("groupname", group), number("pid", pid)};
  if (channel) e.fields.push_back(text("channel", channel));
  e.body = py::decodedOrUndecodable(data);
  return finish(std::move(e));
}

}  // namespace

std::string eventEnvelopeHeader(std::string_view identifier, std::int64_t serial,
                                std::string_view pool, std::int64_t pool_serial, const Event& e) {
  std::string h = "ver:3.0 server:";
  h += identifier;
  h += " serial:" + std::to_string(serial) + " pool:";
  h += pool;
  h += " poolserial:" + std::to_string(pool_serial) + " eventname:";
  h += eventTypeName(e.type);
  h += " len:" + std::to_string(e.length) + "\n";
  return h;
}

Event processStateEvent(ProcessState to, std::string_view process, std::string_view group,
                        ProcessState from, int tries, bool expected, int pid) {
  Event e;
  e.type = stateEventType(to);
  e.process = process;
  e.group = group;
  e.fields = {text("processname", process), text("groupname", group),
              text("from_state", proto::processStateName(from))};
  switch (to) {
    case ProcessState::kStarting:
    case ProcessState::kBackoff:
      e.fields.push_back(number("tries", tries));
      break;
    case ProcessState::kExited:
      e.fields.push_back(number("expected", expected ? 1 : 0));
      e.fields.push_back(number("pid", pid));
      break;
    case ProcessState::kRunning:
    case ProcessState::kStopping:
    case ProcessState::kStopped:
      e.fields.push_back(number("pid", pid));
      break;
    case ProcessState::kFatal:
    case ProcessState::kUnknown:
      break;
  }
  return finish(std::move(e));
}

Event processLogEvent(bool is_stderr, std::string_view process, std::string_view group, int pid,
                      std::string_view data) {
  return outputEvent(is_stderr ? EventType::kProcessLogStderr : EventType::kProcessLogStdout,
                     process, group, pid, is_stderr ? "stderr" : "stdout", data);
}

Event processCommunicationEvent(bool is_stderr, std::string_view process, std::string_view group,
                                int pid, std::string_view data) {
  return outputEvent(
      is_stderr ? EventType::kProcessCommunicationStderr : EventType::kProcessCommunicationStdout,
      process, group, pid, nullptr, data);
}

Event remoteCommunicationEvent(std::string_view type, std::string_view data) {
  Event e;
  e.type = EventType::kRemoteCommunication;
  e.fields = {text("type", type)};
  e.body = std::string(data);
  return finish(std::move(e));
}

Event supervisorStateEvent(bool running) {
  Event e;
  e.type = running ? EventType::kSupervisorStateChangeRunning
                   : EventType::kSupervisorStateChangeStopping;
  return finish(std::move(e));
}

Event tickEvent(EventType tick, long long when) {
  Event e;
  e.type = tick;
  e.fields = {number("when", when)};
  return finish(std::move(e));
}

Event processGroupEvent(bool added, std::string_view group) {
  Event e;
  e.type = added ? EventType::kProcessGroupAdded : EventType::kProcessGroupRemoved;
  e.group = group;
  e.fields = {text("groupname", group)};
  e.body = "";
  return finish(std::move(e));
}

}  // namespace sup
