// The events of one run of the daemon (Supervisor's events.notify): whoever
// produces an event publishes it here, and it reaches
//   - the listener pools subscribed to its type (or an ancestor type), in the
//     order they subscribed, each once; the first pool to take it gives it
//     the next global serial (Supervisor numbers only the events some pool
//     takes, so the numbers match its own);
//   - then the observers: the JSON event stream's subscribers, and anything
//     else that wants to watch events (counters, a web page), each with its
//     own type filter; they see the serial, and never change it;
//   - and a short history of recent events (`supervisorctl events`).
// Subscriptions are RAII handles that may outlive the bus. Pure: no I/O, no
// clock (the publisher stamps the time).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <vector>

#include "common/event_types.h"
#include "supervisord/event.h"

namespace sup {

class EventBus {
 public:
  using PoolSink = std::function<void(const std::shared_ptr<const Event>&)>;
  using Observer = std::function<void(const std::shared_ptr<const Event>&)>;

  /// The history keeps this many recent events, and at most kHistoryBytes of
  /// payload; PROCESS_LOG_* events (program output) are not kept.
  static constexpr std::size_t kHistoryEvents = 200;
  static constexpr std::size_t kHistoryBytes = 256 * 1024;

  /// Unsubscribes when destroyed (also after the bus is gone).
  class Subscription {
   public:
    Subscription() = default;
    Subscription(Subscription&&) noexcept = default;
    Subscription& operator=(Subscription&& other) noexcept;
    ~Subscription();
    void reset();
    /// The subscriber took an event / had to discard one (/metrics counts
    /// them on the bus; nothing happens once the bus is gone).
    void countDelivered() const;
    void countDropped() const;

   private:
    friend class EventBus;
    struct Core;
    Subscription(std::weak_ptr<Core> core, int id) : core_(std::move(core)), id_(id) {}
    std::weak_ptr<Core> core_;
    int id_ = 0;
  };

  EventBus();
  ~EventBus();
  EventBus(const EventBus&) = delete;
  EventBus& operator=(const EventBus&) = delete;

  /// A listener pool subscribing to `types` (abstract ones included).
  [[nodiscard]] Subscription subscribePool(std::vector<EventType> types, PoolSink sink);
  /// An observer of `types` (empty: every type). `on_end` runs when the run
  /// ends (end()), so a stream can tell its client.
  [[nodiscard]] Subscription observe(std::vector<EventType> types, Observer observer,
                                     std::function<void()> on_end = {});

  /// Deliver an event: pools first (the serial), then observers, then history.
  void publish(Event event);
  /// Whether any pool or observer would receive an event of `type` (the
  /// TICK timers run only while someone wants TICKs).
  bool wanted(EventType type) const;
  /// Called after every subscribe and unsubscribe.
  void onSubscriptionsChanged(std::function<void()> cb);
  /// The run is over: every observer's on_end runs once.
  void end();

  /// Supervisor's GlobalSerial lives as long as the process: a restart
  /// carries it over into the next run's bus.
  std::int64_t lastSerial() const;
  void setLastSerial(std::int64_t serial);

  /// Events the subscribers took (a pool's queue, a stream's client) and
  /// discarded (a pool's full buffer, a lagging stream), over this run.
  std::uint64_t delivered() const;
  std::uint64_t dropped() const;
  /// A re-exec's new image counts on from the old image's.
  void carryOverCounts(std::uint64_t delivered, std::uint64_t dropped);

  /// Recent events, oldest first.
  const std::deque<std::shared_ptr<const Event>>& history() const { return history_; }

 private:
  std::shared_ptr<Subscription::Core> core_;
  std::deque<std::shared_ptr<const Event>> history_;
  std::size_t history_bytes_ = 0;
};

}  // namespace sup
