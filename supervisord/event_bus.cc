#include "supervisord/event_bus.h"

#include <algorithm>
#include <limits>

namespace sup {

struct EventBus::Subscription::Core {
  struct Subscriber {
    bool pool = false;
    std::vector<EventType> types;  // empty: all
    std::function<void(const std::shared_ptr<const Event>&)> deliver;
    std::function<void()> on_end;
    bool wants(EventType t) const {
      if (types.empty()) return true;
      return std::any_of(types.begin(), types.end(),
                         [t](EventType s) { return eventTypeMatches(t, s); });
    }
  };
  std::map<int, Subscriber> subscribers;  // by id: subscription order
  int next_id = 1;
  std::int64_t serial = -1;
  std::function<void()> on_change;
  std::uint64_t delivered = 0;  // /metrics
  std::uint64_t dropped = 0;

  int add(Subscriber s) {
    int id = next_id++;
    subscribers.emplace(id, std::move(s));
    if (on_change) on_change();
    return id;
  }
  void remove(int id) {
    if (subscribers.erase(id) != 0 && on_change) on_change();
  }
  std::vector<int> ids() const {
    std::vector<int> out;
    out.reserve(subscribers.size());
    for (const auto& [id, s] : subscribers) out.push_back(id);
    return out;
  }
};

EventBus::Subscription& EventBus::Subscription::operator=(Subscription&& other) noexcept {
  if (this != &other) {
    reset();
    core_ = std::move(other.core_);
    id_ = other.id_;
    other.id_ = 0;
  }
  return *this;
}

EventBus::Subscription::~Subscription() {
  reset();
}

void EventBus::Subscription::reset() {
  if (auto core = core_.lock()) core->remove(id_);
  core_.reset();
  id_ = 0;
}

void EventBus::Subscription::countDelivered() const {
  if (auto core = core_.lock()) ++core->delivered;
}

void EventBus::Subscription::countDropped() const {
  if (auto core = core_.lock()) ++core->dropped;
}

EventBus::EventBus() : core_(std::make_shared<Subscription::Core>()) {}

std::uint64_t EventBus::delivered() const {
  return core_->delivered;
}

std::uint64_t EventBus::dropped() const {
  return core_->dropped;
}

void EventBus::carryOverCounts(std::uint64_t delivered, std::uint64_t dropped) {
  core_->delivered += delivered;
  core_->dropped += dropped;
}

EventBus::~EventBus() = default;

EventBus::Subscription EventBus::subscribePool(std::vector<EventType> types, PoolSink sink) {
  Subscription::Core::Subscriber s;
  s.pool = true;
  s.types = std::move(types);
  s.deliver = std::move(sink);
  return Subscription(core_, core_->add(std::move(s)));
}

EventBus::Subscription EventBus::observe(std::vector<EventType> types, Observer observer,
                                         std::function<void()> on_end) {
  Subscription::Core::Subscriber s;
  s.types = std::move(types);
  s.deliver = std::move(observer);
  s.on_end = std::move(on_end);
  return Subscription(core_, core_->add(std::move(s)));
}

void EventBus::publish(Event event) {
  auto e = std::make_shared<Event>(std::move(event));
  std::shared_ptr<const Event> shared = e;
  // Ids first: a subscriber may unsubscribe itself or another one meanwhile.
  const std::vector<int> ids = core_->ids();
  for (bool pools : {true, false}) {
    for (int id : ids) {
      auto it = core_->subscribers.find(id);
      if (it == core_->subscribers.end()) continue;
      const auto& s = it->second;
      if (s.pool != pools || !s.wants(e->type)) continue;
      if (pools && e->serial < 0) {
        auto& serial = core_->serial;
        serial = serial == std::numeric_limits<std::int64_t>::max() ? 0 : serial + 1;
        e->serial = serial;
      }
      auto deliver = s.deliver;  // the subscriber may go away while it runs
      deliver(shared);
    }
  }
  if (e->type == EventType::kProcessLogStdout || e->type == EventType::kProcessLogStderr) return;
  history_.push_back(shared);
  history_bytes_ += e->payload.size();
  while (history_.size() > kHistoryEvents ||
         (history_bytes_ > kHistoryBytes && !history_.empty())) {
    history_bytes_ -= history_.front()->payload.size();
    history_.pop_front();
  }
}

bool EventBus::wanted(EventType type) const {
  for (const auto& [id, s] : core_->subscribers)
    if (s.wants(type)) return true;
  return false;
}

void EventBus::onSubscriptionsChanged(std::function<void()> cb) {
  core_->on_change = std::move(cb);
}

void EventBus::end() {
  for (int id : core_->ids()) {
    auto it = core_->subscribers.find(id);
    if (it == core_->subscribers.end() || !it->second.on_end) continue;
    auto on_end = std::move(it->second.on_end);
    it->second.on_end = nullptr;
    on_end();
  }
}

std::int64_t EventBus::lastSerial() const {
  return core_->serial;
}

void EventBus::setLastSerial(std::int64_t serial) {
  core_->serial = serial;
}

}  // namespace sup
