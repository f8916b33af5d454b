#include "supervisord/rpc_methods.h"

#include <exception>

#include "supervisord/supervisor.h"

namespace sup {

RpcOutcome RpcOutcome::ok(proto::json value) {
  RpcOutcome o;
  o.result = std::move(value);
  return o;
}

RpcOutcome RpcOutcome::okProcessInfos(std::vector<proto::ProcessInfo> infos) {
  RpcOutcome o;
  o.process_infos = std::move(infos);
  return o;
}

proto::json RpcOutcome::resultValue() const {
  if (result) return *result;
  return process_infos ? proto::json(*process_infos) : proto::json();
}

RpcOutcome RpcOutcome::fault(proto::Fault fault, std::string_view extra) {
  return error(static_cast<int>(fault), proto::faultString(fault, extra));
}

RpcOutcome RpcOutcome::error(int code, std::string message) {
  RpcOutcome o;
  o.code = code;
  o.message = std::move(message);
  return o;
}

RpcReply::RpcReply(Sink sink) : state_(std::make_shared<State>()) {
  state_->sink = std::move(sink);
}

void RpcReply::send(RpcOutcome outcome) const {
  if (state_->answered) return;
  state_->answered = true;
  // Release the sink once used: it may hold the connection alive.
  Sink sink = std::move(state_->sink);
  state_->sink = nullptr;
  if (sink) sink(std::move(outcome));
}

void RpcContext::logAction(const std::string& action) const {
  if (!services || !services->log_info) return;
  if (!peer_address.empty()) {
    services->log_info("control: " + peer_address + " " + action);
    return;
  }
  services->log_info("control: uid " + std::to_string(peer_uid) + " pid " +
                     std::to_string(peer_pid) + " " + action);
}

void RpcRegistry::add(std::string name, RpcHandler handler, RpcMethodDoc doc,
                      bool allowed_when_stopping) {
  RpcMethod m{name, std::move(handler), std::move(doc), allowed_when_stopping};
  methods_[std::move(name)] = std::move(m);
}

const RpcMethod* RpcRegistry::find(std::string_view name) const {
  auto it = methods_.find(name);
  return it == methods_.end() ? nullptr : &it->second;
}

std::vector<std::string> RpcRegistry::names() const {
  std::vector<std::string> out;
  out.reserve(methods_.size());
  for (const auto& [name, m] : methods_) out.push_back(name);
  return out;
}

void RpcRegistry::call(const RpcContext& ctx, const std::string& method, const proto::json& params,
                       RpcReply reply) const {
  const RpcMethod* m = find(method);
  if (m == nullptr) {
    reply.fault(proto::Fault::kUnknownMethod);
    return;
  }
  // Supervisor's _update(): a call faults while the daemon's mood is below
  // RUNNING (restarting or shutting down).
  if (!m->allowed_when_stopping && ctx.services && ctx.services->supervisor &&
      static_cast<int>(ctx.supervisor().state()) < static_cast<int>(SupervisorState::Running)) {
    reply.fault(proto::Fault::kShutdownState);
    return;
  }
  RpcContext here = ctx;
  here.registry = this;
  try {
    m->handler(here, params, reply);
  } catch (const std::exception& e) {
    // A bug in one method must not take the daemon down nor leave the call unanswered.
    reply.error(proto::kInternalError, e.what());
  }
}

void registerAllMethods(RpcRegistry& registry) {
  registerSystemMethods(registry);
  registerDaemonMethods(registry);
  registerProcessMethods(registry);
  registerLogMethods(registry);
  registerLogFileMethods(registry);
  registerReexecMethod(registry);
  registerEventMethods(registry);
  registerMetricsMethod(registry);
}

}  // namespace sup
