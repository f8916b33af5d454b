// The JSON event stream on the control API (ours, beyond Supervisor):
// supervisor.subscribeEvents (streaming, like tailProcessLogFollow: the reply,
// then "event" notifications on the same connection) and
// supervisor.getEvents (the recent history). The subscriber side, filters
// and bounds are transport-agnostic (event_stream.h); this file only binds
// them to a control connection.
#include <memory>

#include "common/event_protocol.h"
#include "common/protocol.h"
#include "supervisord/control_server.h"
#include "supervisord/event_stream.h"
#include "supervisord/rpc_methods.h"
#include "supervisord/rpc_support.h"
#include "supervisord/supervisor.h"

namespace sup {
namespace {

using proto::Fault;
using rpc::json;

// A subscriber whose connection holds this much unsent output loses events
// (counted) until it catches up; well below the connection's own cap, so the
// stream itself never gets a client dropped.
constexpr std::size_t kStreamQueueBytes = 256 * 1024;

// params[i] as a list of strings (absent or null: empty); BAD_ARGUMENTS sent otherwise.
std::optional<std::vector<std::string>> stringList(const json& params, std::size_t i,
                                                   const RpcReply& reply) {
  std::vector<std::string> out;
  if (params.size() <= i || params[i].is_null()) return out;
  if (!params[i].is_array()) {
    reply.fault(Fault::kBadArguments, rpc::paramText(params[i]));
    return std::nullopt;
  }
  for (const json& v : params[i]) {
    if (!v.is_string()) {
      reply.fault(Fault::kBadArguments, rpc::paramText(v));
      return std::nullopt;
    }
    out.push_back(v.get<std::string>());
  }
  return out;
}

// [types, names, count] shared by both methods.
std::optional<std::pair<EventFilter, std::int64_t>> filterParams(const json& params,
                                                                 std::int64_t default_count,
                                                                 const RpcReply& reply) {
  if (!rpc::arity(params, 0, 3, reply)) return std::nullopt;
  auto types = stringList(params, 0, reply);
  if (!types) return std::nullopt;
  auto names = stringList(params, 1, reply);
  if (!names) return std::nullopt;
  std::int64_t count = default_count;
  if (params.size() > 2) {
    auto c = rpc::intParam(params, 2, reply);
    if (!c) return std::nullopt;
    if (*c < 0) {
      reply.fault(Fault::kBadArguments, rpc::paramText(params[2]));
      return std::nullopt;
    }
    count = *c;
  }
  auto filter = EventFilter::parse(*types, std::move(*names));
  if (!filter) {
    reply.fault(Fault::kBadArguments, "unknown event type " + filter.error().message);
    return std::nullopt;
  }
  return std::make_pair(std::move(*filter), count);
}

// The last `count` events of the history that pass the filter, oldest first.
std::vector<std::shared_ptr<const Event>> recent(EventBus& bus, const EventFilter& filter,
                                                 std::int64_t count) {
  std::vector<std::shared_ptr<const Event>> out;
  const auto& history = bus.history();
  for (auto it = history.rbegin(); it != history.rend() && std::ssize(out) < count; ++it)
    if (filter.matches(**it)) out.push_back(*it);
  return {out.rbegin(), out.rend()};
}

void getEvents(const RpcContext& ctx, const json& params, RpcReply reply) {
  auto p = filterParams(params, 100, reply);
  if (!p) return;
  json out = json::array();
  for (const auto& e : recent(ctx.supervisor().events(), p->first, p->second))
    out.push_back(eventRecord(*e));
  reply.ok(std::move(out));
}

void subscribeEvents(const RpcContext& ctx, const json& params, RpcReply reply) {
  auto p = filterParams(params, 0, reply);
  if (!p) return;
  if (!ctx.connection) {
    return reply.fault(Fault::kIncorrectParameters, "a streaming call needs a connection");
  }
  EventBus& bus = ctx.supervisor().events();
  reply.ok(true);
  std::shared_ptr<ControlConnection> conn = ctx.connection;
  for (const auto& e : recent(bus, p->first, p->second))
    conn->notify(proto::method::kEventNotification, eventRecord(*e));
  std::weak_ptr<ControlConnection> weak = conn;
  auto stream = std::make_shared<EventStream>(
      bus, std::move(p->first),
      [weak] {
        auto c = weak.lock();
        return c && !c->closed() && c->queuedBytes() < kStreamQueueBytes;
      },
      [weak](const Event& e, std::uint64_t lost) {
        if (auto c = weak.lock())
          c->notify(proto::method::kEventNotification, eventRecord(e, lost));
      },
      [weak] {
        auto c = weak.lock();
        if (!c || c->closed()) return;
        proto::EventRecord end;
        end.eof = true;
        c->notify(proto::method::kEventNotification, end);
        c->closeAfterFlush();
      });
  // The stream lives as long as the connection.
  conn->onClose([stream]() mutable { stream.reset(); });
}

}  // namespace

void registerEventMethods(RpcRegistry& r) {
  namespace m = proto::method;
  r.add(std::string(m::kSubscribeEvents), subscribeEvents,
        {{"boolean", "array", "array", "int"},
         "Stream events as they happen: the reply, then one \"event\" notification\n"
         "per event on this connection until it closes (ours, beyond Supervisor).\n\n"
         "@param array types     event type names (abstract ones too); [] for all\n"
         "@param array names     process names, 'group:name' or 'group:*'; [] for all\n"
         "@param int backlog     recent events to send first (default 0)\n"
         "@return boolean result always true"});
  r.add(std::string(m::kGetEvents), getEvents,
        {{"array", "array", "array", "int"},
         "Recent events, oldest first (ours, beyond Supervisor).\n\n"
         "@param array types     event type names (abstract ones too); [] for all\n"
         "@param array names     process names, 'group:name' or 'group:*'; [] for all\n"
         "@param int count       at most this many (default 100)\n"
         "@return array result   event records"});
}

}  // namespace sup
