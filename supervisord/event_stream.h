// A subscriber of the JSON event stream, independent of how its events
// travel: the control socket's supervisor.subscribeEvents uses it today, and
// any other transport (an HTTP Server-Sent Events page, say) can, giving its
// own `has_room` and `deliver`. Each subscriber has
//   - a filter: event types (abstract ones too) and names ("web",
//     "web:web_0", "web:*"); a name filter passes only events about a
//     process or group;
//   - a bound: while `has_room()` says its transport's queue is full, its
//     events are dropped and counted, and the next event delivered carries
//     that count (`lost`). A slow subscriber never makes the daemon's memory
//     grow.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/event_protocol.h"
#include "common/event_types.h"
#include "common/result.h"
#include "supervisord/event_bus.h"

namespace sup {

struct EventFilter {
  std::vector<EventType> types;    ///< empty: every type
  std::vector<std::string> names;  ///< namespecs; empty: every event

  /// From the wire's type names; the Error names the first unknown one.
  static Result<EventFilter> parse(const std::vector<std::string>& types,
                                   std::vector<std::string> names);
  bool matches(const Event& e) const;
  /// The types to observe on the bus: with a name filter, only those about
  /// processes and groups (so a name filter never wakes the daemon for TICKs).
  std::vector<EventType> busTypes() const;
};

/// The wire form of an event.
proto::EventRecord eventRecord(const Event& e, std::uint64_t lost = 0);

class EventStream {
 public:
  using HasRoom = std::function<bool()>;
  using Deliver = std::function<void(const Event& e, std::uint64_t lost)>;

  /// Starts receiving at once. `on_end` runs when the run is over (the
  /// daemon stops or restarts).
  EventStream(EventBus& bus, EventFilter filter, HasRoom has_room, Deliver deliver,
              std::function<void()> on_end);
  /// Events dropped so far and not yet reported.
  std::uint64_t lost() const { return lost_; }

 private:
  EventFilter filter_;
  HasRoom has_room_;
  Deliver deliver_;
  std::uint64_t lost_ = 0;
  EventBus::Subscription subscription_;
};

}  // namespace sup
