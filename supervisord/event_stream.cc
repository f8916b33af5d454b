#include "supervisord/event_stream.h"

#include <algorithm>

#include "common/protocol.h"

namespace sup {
namespace {

// The types whose events are about a process or a group.
constexpr EventType kNamed[] = {EventType::kProcessState, EventType::kProcessLog,
                                EventType::kProcessCommunication, EventType::kProcessGroup};

}  // namespace

Result<EventFilter> EventFilter::parse(const std::vector<std::string>& types,
                                       std::vector<std::string> names) {
  EventFilter f;
  for (const std::string& name : types) {
    auto t = parseEventType(name);
    if (!t) return Error{name};
    f.types.push_back(*t);
  }
  f.names = std::move(names);
  return f;
}

bool EventFilter::matches(const Event& e) const {
  if (!types.empty() && std::none_of(types.begin(), types.end(),
                                     [&](EventType t) { return eventTypeMatches(e.type, t); })) {
    return false;
  }
  if (names.empty()) return true;
  if (e.group.empty()) return false;
  return std::any_of(names.begin(), names.end(), [&](const std::string& spec) {
    auto [group, process] = proto::splitNamespec(spec);
    if (group != e.group) return false;
    // A group event matches any name in its group; a process event its own.
    return !process || e.process.empty() || *process == e.process;
  });
}

std::vector<EventType> EventFilter::busTypes() const {
  if (names.empty()) return types;
  std::vector<EventType> out;
  for (EventType named : kNamed) {
    bool wanted = types.empty() || std::any_of(types.begin(), types.end(), [&](EventType t) {
                    return eventTypeMatches(named, t);
                  });
    if (wanted) out.push_back(named);
  }
  for (EventType t : types) {
    bool below = std::any_of(std::begin(kNamed), std::end(kNamed), [&](EventType named) {
      return t != named && eventTypeMatches(t, named);
    });
    if (below) out.push_back(t);
  }
  // Nothing about processes asked for: still a valid (silent) subscription.
  if (out.empty()) out.push_back(EventType::kProcessGroup);
  return out;
}

proto::EventRecord eventRecord(const Event& e, std::uint64_t lost) {
  proto::EventRecord r;
  if (e.serial >= 0) r.serial = e.serial;
  r.eventname = std::string(eventTypeName(e.type));
  r.time = e.time;
  for (const EventField& f : e.fields) {
    if (f.number) {
      r.headers[f.name] = std::stoll(f.value);
    } else {
      r.headers[f.name] = f.value;
    }
  }
  r.data = e.body;
  r.payload = e.payload;
  r.len = static_cast<std::int64_t>(e.length);
  r.lost = lost;
  return r;
}

EventStream::EventStream(EventBus& bus, EventFilter filter, HasRoom has_room, Deliver deliver,
                         std::function<void()> on_end)
    : filter_(std::move(filter)), has_room_(std::move(has_room)), deliver_(std::move(deliver)) {
  subscription_ = bus.observe(
      filter_.busTypes(),
      [this](const std::shared_ptr<const Event>& e) {
        if (!filter_.matches(*e)) return;
        if (!has_room_()) {
          ++lost_;
          subscription_.countDropped();
          return;
        }
        subscription_.countDelivered();
        std::uint64_t lost = lost_;
        lost_ = 0;
        // A copy: delivering may end the subscriber (its transport closed),
        // destroying this stream while the call runs.
        Deliver call = deliver_;
        call(*e, lost);
      },
      std::move(on_end));
}

}  // namespace sup
