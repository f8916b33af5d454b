// supervisor.* methods acting on processes: start, stop, signal, info,
// stdin. Arguments, faults, result structs and wait semantics are those of
// Supervisor's rpcinterface.py; the waiting itself is event-driven (the core
// calls back when the process got there), never polled.
#include <algorithm>
#include <optional>
#include <string>

#include "supervisord/rpc_methods.h"
#include "supervisord/rpc_support.h"
#include "supervisord/supervisor.h"

namespace sup {
namespace {

using proto::Fault;
using rpc::json;

bool signallable(const Supervisor& sup, const ProcessId& id) {
  auto info = sup.processInfo(id);
  if (!info) return false;
  return proto::isSignallableState(static_cast<proto::ProcessState>(info->state));
}

void startGroup(const RpcContext& ctx, const std::string& group, bool wait, const RpcReply& reply) {
  ctx.supervisor().startProcesses(ctx.supervisor().groupProcesses(group), wait,
                                  [reply](std::vector<proto::CallResult> r) { reply.ok(json(r)); });
}

void stopGroup(const RpcContext& ctx, const std::string& group, bool wait, const RpcReply& reply) {
  ctx.supervisor().stopProcesses(ctx.supervisor().groupProcesses(group), wait,
                                 [reply](std::vector<proto::CallResult> r) { reply.ok(json(r)); });
}

// signalProcessGroup/signalAllProcesses: one result per signallable process;
// a bad signal is reported per process (BAD_SIGNAL), as make_allfunc does.
json signalAll(Supervisor& sup, const std::vector<ProcessId>& ids, const json& signal) {
  std::vector<ProcessId> targets;
  for (const auto& id : ids)
    if (signallable(sup, id)) targets.push_back(id);
  auto signo = rpc::signalParam(signal);
  if (signo) return json(sup.signalProcesses(targets, *signo));
  json out = json::array();
  for (const auto& id : targets) {
    proto::CallResult r{id.name, id.group, static_cast<int>(Fault::kBadSignal),
                        proto::faultString(Fault::kBadSignal, rpc::paramText(signal))};
    out.push_back(r);
  }
  return out;
}

/// The (name, wait=true) arguments shared by the start/stop methods; on a
/// bad argument the fault is already sent and nullopt comes back.
struct NameAndWait {
  std::string name;
  bool wait;
};
std::optional<NameAndWait> nameAndWait(const json& params, RpcReply& reply) {
  if (!rpc::arity(params, 1, 2, reply)) return std::nullopt;
  auto name = rpc::stringParam(params, 0, reply);
  if (!name) return std::nullopt;
  auto wait = rpc::boolParam(params, 1, true, reply);
  if (!wait) return std::nullopt;
  return NameAndWait{*name, *wait};
}

void startProcess(const RpcContext& ctx, const json& params, RpcReply reply) {
  auto args = nameAndWait(params, reply);
  if (!args) return;
  auto target = rpc::findTarget(ctx.supervisor(), args->name, reply);
  if (!target) return;
  ctx.logAction("startProcess " + args->name);
  if (!target->process) return startGroup(ctx, target->group, args->wait, reply);
  ctx.supervisor().startProcess(*target->process, args->wait,
                                [reply](const proto::CallResult& r) { rpc::replyOp(reply, r); });
}

void startProcessGroup(const RpcContext& ctx, const json& params, RpcReply reply) {
  auto args = nameAndWait(params, reply);
  if (!args) return;
  if (ctx.supervisor().groupConfig(args->name) == nullptr)
    return reply.fault(Fault::kBadName, args->name);
  ctx.logAction("startProcessGroup " + args->name);
  startGroup(ctx, args->name, args->wait, reply);
}

void startAllProcesses(const RpcContext& ctx, const json& params, RpcReply reply) {
  if (!rpc::arity(params, 0, 1, reply)) return;
  auto wait = rpc::boolParam(params, 0, true, reply);
  if (!wait) return;
  ctx.logAction("startAllProcesses");
  ctx.supervisor().startProcesses(rpc::allByPriority(ctx.supervisor()), *wait,
                                  [reply](std::vector<proto::CallResult> r) { reply.ok(json(r)); });
}

void stopProcess(const RpcContext& ctx, const json& params, RpcReply reply) {
  auto args = nameAndWait(params, reply);
  if (!args) return;
  auto target = rpc::findTarget(ctx.supervisor(), args->name, reply);
  if (!target) return;
  ctx.logAction("stopProcess " + args->name);
  if (!target->process) return stopGroup(ctx, target->group, args->wait, reply);
  ctx.supervisor().stopProcess(*target->process, args->wait,
                               [reply](const proto::CallResult& r) { rpc::replyOp(reply, r); });
}

void stopProcessGroup(const RpcContext& ctx, const json& params, RpcReply reply) {
  auto args = nameAndWait(params, reply);
  if (!args) return;
  if (ctx.supervisor().groupConfig(args->name) == nullptr)
    return reply.fault(Fault::kBadName, args->name);
  ctx.logAction("stopProcessGroup " + args->name);
  stopGroup(ctx, args->name, args->wait, reply);
}

void stopAllProcesses(const RpcContext& ctx, const json& params, RpcReply reply) {
  if (!rpc::arity(params, 0, 1, reply)) return;
  auto wait = rpc::boolParam(params, 0, true, reply);
  if (!wait) return;
  ctx.logAction("stopAllProcesses");
  ctx.supervisor().stopProcesses(rpc::allByPriority(ctx.supervisor()), *wait,
                                 [reply](std::vector<proto::CallResult> r) { reply.ok(json(r)); });
}

void signalProcess(const RpcContext& ctx, const json& params, RpcReply reply) {
  if (!rpc::arity(params, 2, 2, reply)) return;
  auto name = rpc::stringParam(params, 0, reply);
  if (!name) return;
  auto target = rpc::findTarget(ctx.supervisor(), *name, reply);
  if (!target) return;
  ctx.logAction("signalProcess " + *name + " " + rpc::paramText(params[1]));
  if (!target->process) {
    return reply.ok(
        signalAll(ctx.supervisor(), ctx.supervisor().groupProcesses(target->group), params[1]));
  }
  auto signo = rpc::signalParam(params[1]);
  if (!signo) return reply.fault(Fault::kBadSignal, rpc::paramText(params[1]));
  rpc::replyOp(reply, ctx.supervisor().signalProcess(*target->process, *signo));
}

void signalProcessGroup(const RpcContext& ctx, const json& params, RpcReply reply) {
  if (!rpc::arity(params, 2, 2, reply)) return;
  auto name = rpc::stringParam(params, 0, reply);
  if (!name) return;
  if (ctx.supervisor().groupConfig(*name) == nullptr) return reply.fault(Fault::kBadName, *name);
  ctx.logAction("signalProcessGroup " + *name + " " + rpc::paramText(params[1]));
  reply.ok(signalAll(ctx.supervisor(), ctx.supervisor().groupProcesses(*name), params[1]));
}

void signalAllProcesses(const RpcContext& ctx, const json& params, RpcReply reply) {
  if (!rpc::arity(params, 1, 1, reply)) return;
  ctx.logAction("signalAllProcesses " + rpc::paramText(params[0]));
  reply.ok(signalAll(ctx.supervisor(), rpc::allByPriority(ctx.supervisor()), params[0]));
}

void getProcessInfo(const RpcContext& ctx, const json& params, RpcReply reply) {
  auto process = rpc::singleProcessParam(ctx.supervisor(), params, reply);
  if (!process) return;
  auto info = ctx.supervisor().processInfo(process->id);
  if (!info) return reply.fault(Fault::kBadName, process->name);
  reply.ok(*info);
}

void getAllProcessInfo(const RpcContext& ctx, const json& params, RpcReply reply) {
  if (!rpc::arity(params, 0, 0, reply)) return;
  reply.okProcessInfos(ctx.supervisor().allProcessInfo());
}

void sendProcessStdin(const RpcContext& ctx, const json& params, RpcReply reply) {
  if (!rpc::arity(params, 2, 2, reply)) return;
  auto name = rpc::stringParam(params, 0, reply);
  if (!name) return;
  if (!params[1].is_string()) {
    return reply.fault(Fault::kIncorrectParameters, rpc::paramText(params[1]));
  }
  auto target = rpc::findTarget(ctx.supervisor(), *name, reply);
  if (!target) return;
  if (!target->process) return reply.fault(Fault::kBadName, *name);
  ctx.logAction("sendProcessStdin " + *name);
  rpc::replyOp(reply, ctx.supervisor().sendStdin(*target->process, params[1].get<std::string>()));
}

}  // namespace

void registerProcessMethods(RpcRegistry& r) {
  namespace m = proto::method;
  const std::string kStartHelp =
      "Start a process\n\n@param string name Process name (or ``group:name``, or ``group:*``)\n"
      "@param boolean wait Wait for process to be fully started\n"
      "@return boolean result     Always true unless error";
  r.add(std::string(m::kStartProcess), startProcess,
        {{"boolean", "string", "boolean"}, kStartHelp});
  r.add(std::string(m::kStartProcessGroup), startProcessGroup,
        {{"array", "string", "boolean"},
         "Start all processes in the group named 'name'\n\n@param string name     The group name\n"
         "@param boolean wait    Wait for each process to be fully started\n"
         "@return array result   An array of process status info structs"});
  r.add(std::string(m::kStartAllProcesses), startAllProcesses,
        {{"array", "boolean"},
         "Start all processes listed in the configuration file\n\n"
         "@param boolean wait    Wait for each process to be fully started\n"
         "@return array result   An array of process status info structs"});
  r.add(std::string(m::kStopProcess), stopProcess,
        {{"boolean", "string", "boolean"},
         "Stop a process named by name\n\n"
         "@param string name  The name of the process to stop (or 'group:name')\n"
         "@param boolean wait        Wait for the process to be fully stopped\n"
         "@return boolean result     Always return True unless error"});
  r.add(std::string(m::kStopProcessGroup), stopProcessGroup,
        {{"array", "string", "boolean"},
         "Stop all processes in the process group named 'name'\n\n"
         "@param string name     The group name\n"
         "@param boolean wait    Wait for each process to be fully stopped\n"
         "@return array result   An array of process status info structs"});
  r.add(std::string(m::kStopAllProcesses), stopAllProcesses,
        {{"array", "boolean"},
         "Stop all processes in the process list\n\n"
         "@param  boolean wait   Wait for each process to be fully stopped\n"
         "@return array result   An array of process status info structs"});
  r.add(std::string(m::kSignalProcess), signalProcess,
        {{"boolean", "string", "string"},
         "Send an arbitrary UNIX signal to the process named by name\n\n"
         "@param string name    Name of the process to signal (or 'group:name')\n"
         "@param string signal  Signal to send, as name ('HUP') or number ('1')\n"
         "@return boolean"});
  r.add(std::string(m::kSignalProcessGroup), signalProcessGroup,
        {{"array", "string", "string"},
         "Send a signal to all processes in the group named 'name'\n\n"
         "@param string name    The group name\n"
         "@param string signal  Signal to send, as name ('HUP') or number ('1')\n"
         "@return array"});
  r.add(std::string(m::kSignalAllProcesses), signalAllProcesses,
        {{"array", "string"},
         "Send a signal to all processes in the process list\n\n"
         "@param string signal  Signal to send, as name ('HUP') or number ('1')\n"
         "@return array         An array of process status info structs"});
  r.add(std::string(m::kGetProcessInfo), getProcessInfo,
        {{"struct", "string"},
         "Get info about a process named name\n\n"
         "@param string name The name of the process (or 'group:name')\n"
         "@return struct result     A structure containing data about the process"});
  r.add(
      std::string(m::kGetAllProcessInfo), getAllProcessInfo,
      {{"array"},
       "Get info about all processes\n\n@return array result  An array of process status results"});
  r.add(std::string(m::kSendProcessStdin), sendProcessStdin,
        {{"boolean", "string", "string"},
         "Send a string of chars to the stdin of the process name.\n\n"
         "@param string name        The process name to send to (or 'group:name')\n"
         "@param string chars       The character data to send to the process\n"
         "@return boolean result    Always return True unless error"});
}

}  // namespace sup
