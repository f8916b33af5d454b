// The control API's method table: every supervisor.* and system.* method of
// Supervisor's rpcinterface, bound to the daemon's Supervisor. Methods live
// in an RpcRegistry (name -> handler); each family registers itself from its
// own file through a registerXxxMethods(RpcRegistry&) function, so other
// parts of the daemon (e.g. the streaming log calls) add methods without
// touching this one. A handler answers exactly once through its RpcReply,
// now or later (start/stop with wait answer when the process got there).
#pragma once

#include <sys/types.h>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/config_model.h"
#include "common/protocol.h"
#include "common/result.h"

namespace sup {

class ControlConnection;
class EventLoop;
class RpcRegistry;
class Supervisor;

/// What one call answers: a result, or an error (a Supervisor fault code with
/// its fault string, or a JSON-RPC error code).
struct RpcOutcome {
  std::optional<proto::json> result;
  /// Or getAllProcessInfo's list, the biggest reply: each protocol writes
  /// it straight to its own text (process_info_json.h, xmlrpc_encode.h)
  /// from the structs, without a json tree.
  std::optional<std::vector<proto::ProcessInfo>> process_infos;
  int code = 0;
  std::string message;

  static RpcOutcome ok(proto::json value);
  static RpcOutcome okProcessInfos(std::vector<proto::ProcessInfo> infos);
  static RpcOutcome fault(proto::Fault fault, std::string_view extra = {});
  static RpcOutcome error(int code, std::string message);
  bool isError() const { return !result && !process_infos; }
  /// The result as a json value (process_infos converted): for multicall.
  proto::json resultValue() const;
};

/// The one-shot answer channel of a call. Copyable; the first call to any of
/// its methods answers, later ones are ignored (so a method that both faults
/// early and has a pending callback cannot answer twice).
class RpcReply {
 public:
  using Sink = std::function<void(RpcOutcome)>;
  explicit RpcReply(Sink sink);

  void ok(proto::json value) const { send(RpcOutcome::ok(std::move(value))); }
  void okProcessInfos(std::vector<proto::ProcessInfo> infos) const {
    send(RpcOutcome::okProcessInfos(std::move(infos)));
  }
  void fault(proto::Fault fault, std::string_view extra = {}) const {
    send(RpcOutcome::fault(fault, extra));
  }
  void error(int code, std::string message) const {
    send(RpcOutcome::error(code, std::move(message)));
  }
  void send(RpcOutcome outcome) const;
  bool answered() const { return state_->answered; }

 private:
  struct State {
    Sink sink;
    bool answered = false;
  };
  std::shared_ptr<State> state_;
};

/// The daemon services a method may use. `supervisor` is the Supervisor of
/// the current run (a new one after each restart); the context is rebuilt
/// for every run, so handlers must not keep it beyond their call except
/// through the values they copy out of it.
struct RpcServices {
  EventLoop* loop = nullptr;
  Supervisor* supervisor = nullptr;
  /// Re-parse the config file as at startup (reloadConfig).
  std::function<Result<Config>()> load_config;
  /// Log one control action at INFO ("control: uid 0 pid 12 startProcess web").
  std::function<void(const std::string&)> log_info;
  /// Clients connected to this run's control sockets (/metrics).
  std::function<std::size_t()> client_count;
};

/// One call: the services, who is calling, and on which connection
/// (streaming methods keep the shared_ptr; it is null inside system.multicall).
struct RpcContext {
  const RpcServices* services = nullptr;
  /// The registry running the call (system.* introspection, multicall).
  const RpcRegistry* registry = nullptr;
  uid_t peer_uid = 0;
  pid_t peer_pid = 0;
  /// The client's address on TCP ([inet_http_server]); "" on the Unix socket.
  std::string peer_address;
  std::shared_ptr<ControlConnection> connection;
  bool in_multicall = false;

  Supervisor& supervisor() const { return *services->supervisor; }
  /// Log "control: uid U pid P <action>" (TCP: "control: ADDRESS <action>") at INFO.
  void logAction(const std::string& action) const;
};

using RpcHandler = std::function<void(const RpcContext&, const proto::json& params, RpcReply)>;

/// system.methodSignature / methodHelp text of a method.
struct RpcMethodDoc {
  /// Return type first, then each parameter's type ("string", "int",
  /// "boolean", "array", "struct").
  std::vector<std::string> signature;
  std::string help;
};

struct RpcMethod {
  std::string name;
  RpcHandler handler;
  RpcMethodDoc doc;
  /// Still callable while the daemon is shutting down or restarting
  /// (system.*, sendRemoteCommEvent); every other supervisor.* method then
  /// faults with SHUTDOWN_STATE, as Supervisor's _update() does.
  bool allowed_when_stopping = false;
};

class RpcRegistry {
 public:
  /// Register (or replace) a method.
  void add(std::string name, RpcHandler handler, RpcMethodDoc doc = {},
           bool allowed_when_stopping = false);
  const RpcMethod* find(std::string_view name) const;
  /// Every registered method name, sorted.
  std::vector<std::string> names() const;

  /// Run one call: UNKNOWN_METHOD for an unregistered name, SHUTDOWN_STATE
  /// while the daemon stops (unless allowed_when_stopping), a handler
  /// exception becomes a JSON-RPC internal error. The handler sees `ctx`
  /// with `registry` set to this.
  void call(const RpcContext& ctx, const std::string& method, const proto::json& params,
            RpcReply reply) const;

 private:
  std::map<std::string, RpcMethod, std::less<>> methods_;
};

/// Registers every method this daemon implements (all families below).
void registerAllMethods(RpcRegistry& registry);

/// The families, one file each.
void registerSystemMethods(RpcRegistry& registry);   // rpc_system_methods.cc
void registerDaemonMethods(RpcRegistry& registry);   // rpc_daemon_methods.cc
void registerProcessMethods(RpcRegistry& registry);  // rpc_process_methods.cc
void registerLogMethods(RpcRegistry& registry);      // rpc_log_methods.cc
void registerLogFileMethods(RpcRegistry& registry);  // rpc_logfile_methods.cc
void registerReexecMethod(RpcRegistry& registry);    // rpc_reexec_method.cc
void registerEventMethods(RpcRegistry& registry);    // rpc_event_methods.cc
void registerMetricsMethod(RpcRegistry& registry);   // metrics_route.cc

}  // namespace sup
