#include "supervisord/event_pool.h"

#include <limits>

#include "common/py_text.h"

namespace sup {

EventPool::EventPool(std::string name, std::size_t buffer_size, std::string identifier,
                     std::vector<std::string> listeners, Port& port)
    : name_(std::move(name)),
      buffer_size_(buffer_size),
      identifier_(std::move(identifier)),
      port_(port) {
  listeners_.reserve(listeners.size());
  for (auto& n : listeners) listeners_.push_back(Listener{n, ListenerProtocol(n), std::nullopt});
}

void EventPool::debug(const std::string& line) {
  port_.log(LogLevel::Debug, line);
}

void EventPool::accept(std::shared_ptr<const Event> event) {
  // Supervisor's new_serial(): wraps to 0 after sys.maxsize.
  serial_ = serial_ == std::numeric_limits<std::int64_t>::max() ? 0 : serial_ + 1;
  add(Entry{std::move(event), serial_}, false);
  port_.scheduleDispatch();
}

void EventPool::add(Entry entry, bool head) {
  if (queue_.size() >= buffer_size_ && !queue_.empty()) {
    std::int64_t discarded = queue_.front().event->serial;
    queue_.pop_front();
    port_.eventDropped();
    port_.log(LogLevel::Error, "pool " + name_ + " event buffer overflowed, discarding event " +
                                   std::to_string(discarded));
  }
  if (head) {
    queue_.push_front(std::move(entry));
  } else {
    queue_.push_back(std::move(entry));
  }
}

// An event that was accepted once comes back (not dispatched, rejected, or
// its listener died): to the head, keeping its pool serial.
void EventPool::rebuffer(Entry entry) {
  if (port_.logging(LogLevel::Debug)) {
    debug("rebuffering event " + std::to_string(entry.event->serial) + " for pool " + name_ +
          " (buf size=" + std::to_string(queue_.size()) + ", max=" + std::to_string(buffer_size_) +
          ")");
  }
  add(std::move(entry), true);
}

bool EventPool::anyReady() const {
  for (std::size_t i = 0; i < listeners_.size(); ++i) {
    if (listeners_[i].protocol.state() == ListenerState::kReady && port_.listenerRunning(i))
      return true;
  }
  return false;
}

void EventPool::dispatch() {
  if (!anyReady()) return;
  while (!queue_.empty()) {
    Entry entry = std::move(queue_.front());
    queue_.pop_front();
    if (!dispatchOne(entry)) {
      rebuffer(std::move(entry));
      break;
    }
  }
}

bool EventPool::dispatchOne(const Entry& entry) {
  const Event& e = *entry.event;
  for (std::size_t i = 0; i < listeners_.size(); ++i) {
    Listener& l = listeners_[i];
    if (!port_.listenerRunning(i) || l.protocol.state() != ListenerState::kReady) continue;
    std::string envelope = eventEnvelopeHeader(identifier_, e.serial, name_, entry.pool_serial, e);
    envelope += e.payload;
    if (!port_.writeToListener(i, envelope)) {
      debug("epipe occurred while sending event " + std::to_string(e.serial) + " to listener " +
            l.name + ", listener state unchanged");
      continue;
    }
    l.protocol.markBusy();
    l.in_flight = entry;
    if (port_.logging(LogLevel::Debug)) {
      debug("event " + std::to_string(e.serial) + " sent to listener " + l.name);
    }
    return true;
  }
  return false;
}

void EventPool::listenerStarted(std::size_t i) {
  listenerExited(i);
  listeners_.at(i).protocol.reset();
}

void EventPool::restore(std::int64_t serial, const std::vector<ListenerState>& states) {
  serial_ = serial;
  for (std::size_t i = 0; i < states.size() && i < listeners_.size(); ++i)
    listeners_[i].protocol.restore(states[i]);
  port_.scheduleDispatch();
}

void EventPool::listenerRunning(std::size_t i) {
  if (listeners_.at(i).protocol.state() == ListenerState::kReady && !queue_.empty())
    port_.scheduleDispatch();
}

void EventPool::listenerOutput(std::size_t i, std::string_view data) {
  Listener& l = listeners_.at(i);
  if (port_.logging(LogLevel::Debug)) {
    debug(py::repr(l.name) + " stdout output:\n" + py::bytesRepr(data));
  }
  std::vector<ListenerProtocol::Step> steps;
  l.protocol.logDebug(port_.logging(LogLevel::Debug));
  l.protocol.feed(data, steps);
  for (auto& step : steps) {
    switch (step.kind) {
      case ListenerProtocol::Step::Kind::kLog:
        port_.log(step.level, step.line);
        break;
      case ListenerProtocol::Step::Kind::kProcessed:
        l.in_flight.reset();
        break;
      case ListenerProtocol::Step::Kind::kRejected:
        if (l.in_flight) {
          Entry back = std::move(*l.in_flight);
          l.in_flight.reset();
          rebuffer(std::move(back));
          port_.scheduleDispatch();  // another listener may be READY for it
        }
        break;
    }
  }
  if (l.protocol.state() == ListenerState::kReady && !queue_.empty()) port_.scheduleDispatch();
}

void EventPool::listenerExited(std::size_t i) {
  Listener& l = listeners_.at(i);
  if (!l.in_flight) return;
  Entry back = std::move(*l.in_flight);
  l.in_flight.reset();
  rebuffer(std::move(back));
  port_.scheduleDispatch();
}

}  // namespace sup
