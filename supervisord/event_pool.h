// One [eventlistener:x] pool as Supervisor 4.2.5 runs it (process.py
// EventListenerPool): a queue of at most buffer_size events (the oldest is
// dropped past that, with Supervisor's ERRO line), each sent to the first
// listener that is RUNNING and READY, with the envelope header and the pool's
// own serial; an event a listener rejects (FAIL, a bad result line) or
// leaves unanswered by dying goes back to the head of the queue.
//
// Pure decisions: the daemon side (is listener i RUNNING, write to its stdin,
// log, run dispatch() soon) is the Port, so the pool runs in unit tests
// without processes. Memory: buffer_size events plus one in flight per
// listener; each listener's protocol parser is bounded (listener_protocol.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/log_level.h"
#include "supervisord/event.h"
#include "supervisord/listener_protocol.h"

namespace sup {

class EventPool {
 public:
  class Port {
   public:
    virtual ~Port() = default;
    /// Listener i's process is RUNNING: only those get events.
    virtual bool listenerRunning(std::size_t i) const = 0;
    /// Queue bytes for listener i's stdin; false when it has none (EPIPE).
    virtual bool writeToListener(std::size_t i, std::string_view bytes) = 0;
    virtual bool logging(LogLevel level) const = 0;
    virtual void log(LogLevel level, const std::string& line) = 0;
    /// Call dispatch() soon: after the current turn of the loop, as
    /// Supervisor dispatches once per turn of its main loop.
    virtual void scheduleDispatch() = 0;
    /// The buffer overflowed and an event was discarded (/metrics).
    virtual void eventDropped() {}
  };

  /// `listeners` are the pool's process names in config order (the order
  /// in which a READY one is looked for); `identifier` is the header's
  /// server: field.
  EventPool(std::string name, std::size_t buffer_size, std::string identifier,
            std::vector<std::string> listeners, Port& port);

  const std::string& name() const { return name_; }

  /// An event this pool subscribes to: it gets the pool's next serial and
  /// joins the tail of the queue. The bus has given it its global serial.
  void accept(std::shared_ptr<const Event> event);
  /// Send queued events to READY listeners, oldest first, until none is
  /// READY (Supervisor's dispatch()). Does nothing while no listener is
  /// RUNNING and READY.
  void dispatch();

  /// Listener i was spawned: its protocol starts over (ACKNOWLEDGED). An
  /// event still in flight with its previous run goes back to the queue.
  void listenerStarted(std::size_t i);
  /// Listener i's process entered RUNNING: it may take events now.
  void listenerRunning(std::size_t i);
  /// Bytes listener i wrote on its stdout (the protocol channel).
  void listenerOutput(std::size_t i, std::string_view data);
  /// Listener i's process is gone: its event in flight, if any, goes back
  /// to the head of the queue.
  void listenerExited(std::size_t i);

  /// Re-exec (docs/reexec.md): the pool's serial and each listener's
  /// protocol state cross the exec; queued events and one in flight do not.
  std::int64_t serial() const { return serial_; }
  void restore(std::int64_t serial, const std::vector<ListenerState>& states);
  ListenerState listenerState(std::size_t i) const { return listeners_.at(i).protocol.state(); }
  std::size_t listenerCount() const { return listeners_.size(); }
  /// Events waiting (not counting those in flight).
  std::size_t queued() const { return queue_.size(); }

 private:
  struct Entry {
    std::shared_ptr<const Event> event;
    std::int64_t pool_serial = 0;
  };
  struct Listener {
    std::string name;
    ListenerProtocol protocol;
    std::optional<Entry> in_flight;
  };

  void add(Entry entry, bool head);
  void rebuffer(Entry entry);
  bool dispatchOne(const Entry& entry);
  bool anyReady() const;
  void debug(const std::string& line);

  std::string name_;
  std::size_t buffer_size_;
  std::string identifier_;
  Port& port_;
  std::vector<Listener> listeners_;
  std::deque<Entry> queue_;
  std::int64_t serial_ = -1;
};

}  // namespace sup
