// Shared pieces of the control API's method families: positional parameter
// checks, the one conversion between the daemon core's result types and the
// wire structs of common/protocol.h, namespec lookup with Supervisor's
// BAD_NAME rules, and Supervisor's readFile/tailFile on log files.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/protocol.h"
#include "supervisord/rpc_methods.h"
#include "supervisord/supervisor.h"

namespace sup::rpc {

using proto::json;

// ---- parameters -----------------------------------------------------------
/// Supervisor answers a wrong argument count (Python's TypeError) with
/// INCORRECT_PARAMETERS; so do we, and for a wrong type too.
bool arity(const json& params, std::size_t min, std::size_t max, const RpcReply& reply);
/// params[i] as a string; nullopt (and INCORRECT_PARAMETERS sent) otherwise.
std::optional<std::string> stringParam(const json& params, std::size_t i, const RpcReply& reply);
/// params[i] as an integer (an integral JSON number, or a decimal string as
/// Python's int() accepts); nullopt (and INCORRECT_PARAMETERS sent) otherwise.
std::optional<std::int64_t> intParam(const json& params, std::size_t i, const RpcReply& reply);
/// params[i] as a boolean (true/false, or 0/1); `fallback` when absent.
std::optional<bool> boolParam(const json& params, std::size_t i, bool fallback,
                              const RpcReply& reply);
/// A signal given as a name ("HUP", "SIGHUP") or number (9 or "9").
std::optional<int> signalParam(const json& value);
/// The signal parameter as the fault text shows it (Python's str(signal)).
std::string paramText(const json& value);
/// Python's str() of the value an XML-RPC call would carry: strings as they
/// are, True/False, None, integers and floats as Python prints them.
std::string pyStr(const json& value);

// ---- replies --------------------------------------------------------------
/// Answer a single-process operation: true, or its fault.
void replyOp(const RpcReply& reply, const proto::CallResult& result);

// ---- names ----------------------------------------------------------------
/// Supervisor's _getGroupAndProcess: BAD_NAME (sent, with the name as given)
/// when the group or the process does not exist. `process` is empty for
/// "group:*" / "group:".
struct Target {
  std::string group;
  std::optional<ProcessId> process;
};
std::optional<Target> findTarget(const Supervisor& sup, const std::string& name,
                                 const RpcReply& reply);
/// Every process in Supervisor's _getAllProcesses order (group priority,
/// then process priority).
std::vector<ProcessId> allByPriority(const Supervisor& sup);

/// The one argument of a method that takes a single process (getProcessInfo,
/// clearProcessLogs, ...): exactly one string param naming a process, not a
/// group. Otherwise the fault is sent (BAD_ARGUMENTS, INCORRECT_PARAMETERS,
/// or BAD_NAME with the name as given) and nullopt returned.
struct NamedProcess {
  std::string name;  ///< as the client gave it, for faults and the action log
  ProcessId id;
};
std::optional<NamedProcess> singleProcessParam(const Supervisor& sup, const json& params,
                                               const RpcReply& reply);

/// `op` applied to every process in allByPriority() order: the result list of
/// the *All* methods (clearAllProcessLogs, rotateAllProcessLogs).
template <class Op>
json forEachByPriority(const Supervisor& sup, Op op) {
  std::vector<proto::CallResult> results;
  for (const auto& id : allByPriority(sup)) results.push_back(op(id));
  return json(results);
}

// ---- log files ------------------------------------------------------------
/// Supervisor's readFile(): a negative offset reads the last -offset bytes
/// (length must then be 0), length 0 reads to the end; BAD_ARGUMENTS for a
/// negative length, FAILED when the file cannot be read.
void replyReadFile(const RpcReply& reply, const std::string& path, std::int64_t offset,
                   std::int64_t length);
/// Supervisor's tailFile(): [bytes, offset, overflow].
json tailFile(const std::string& path, std::int64_t offset, std::int64_t length);
bool fileExists(const std::string& path);
/// The last `backlog` bytes of a file, all of it when shorter ("" when it
/// cannot be read): what a follower of the file sees first.
std::string lastBytes(const std::string& path, std::int64_t backlog);

}  // namespace sup::rpc
