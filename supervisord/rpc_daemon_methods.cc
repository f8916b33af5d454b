// supervisor.* methods about the daemon itself: versions, identification,
// state, pid, shutdown/restart, reloadConfig and the group add/remove of
// supervisorctl update, getAllConfigInfo, and sendRemoteCommEvent.
#include <unistd.h>

#include <algorithm>

#include "common/config_values.h"
#include "supervisord/heap_trim.h"
#include "supervisord/rpc_methods.h"
#include "supervisord/rpc_support.h"
#include "supervisord/supervisor.h"

namespace sup {
namespace {

using proto::Fault;
using rpc::json;

RpcHandler constant(json value) {
  return [value](const RpcContext&, const json& params, RpcReply reply) {
    if (!rpc::arity(params, 0, 0, reply)) return;
    reply.ok(value);
  };
}

void getIdentification(const RpcContext& ctx, const json& params, RpcReply reply) {
  if (!rpc::arity(params, 0, 0, reply)) return;
  reply.ok(ctx.supervisor().config().supervisord.identifier);
}

void getState(const RpcContext& ctx, const json& params, RpcReply reply) {
  if (!rpc::arity(params, 0, 0, reply)) return;
  SupervisorState s = ctx.supervisor().state();
  reply.ok(json{{"statecode", static_cast<int>(s)}, {"statename", supervisorStateName(s)}});
}

void getPID(const RpcContext&, const json& params, RpcReply reply) {
  if (!rpc::arity(params, 0, 0, reply)) return;
  reply.ok(static_cast<int>(::getpid()));
}

// The answer goes out before the daemon starts stopping, as Supervisor's
// does (it only changes its mood here).
void shutdown(const RpcContext& ctx, const json& params, RpcReply reply) {
  if (!rpc::arity(params, 0, 0, reply)) return;
  ctx.logAction("shutdown");
  reply.ok(true);
  ctx.supervisor().shutdown();
}

void restart(const RpcContext& ctx, const json& params, RpcReply reply) {
  if (!rpc::arity(params, 0, 0, reply)) return;
  ctx.logAction("restart");
  // Supervisor stops everything and exits 2 when the re-read config is
  // broken; we refuse the restart instead and keep running as we are.
  if (ctx.services->load_config) {
    auto fresh = ctx.services->load_config();
    if (!fresh) return reply.fault(Fault::kCantReread, fresh.error().message);
  }
  reply.ok(true);
  ctx.supervisor().restart();
}

// reloadConfig and its dry run: re-read the file, answer with what it
// adds, changes and removes, and adopt it unless this is the dry run.
void answerReload(const RpcContext& ctx, RpcReply reply, bool adopt) {
  if (!ctx.services->load_config) return reply.fault(Fault::kCantReread, "no config file");
  {
    auto fresh = ctx.services->load_config();
    if (!fresh) return reply.fault(Fault::kCantReread, fresh.error().message);
    ConfigDiff diff = ctx.supervisor().diffConfig(*fresh);
    // Like Supervisor, the re-read config becomes the one addProcessGroup and
    // getAllConfigInfo look at; running groups change only through them.
    if (adopt) ctx.supervisor().setConfig(std::move(*fresh));
    reply.ok(json::array({json::array({diff.added, diff.changed, diff.removed})}));
  }
  // Reading the file took several times the config's own size in
  // temporaries (the INI text and tree, expansions), and the old Config may
  // have gone too: without a trim, each reread would leave the daemon's RSS
  // that much higher (heap_trim.h).
  if (ctx.services->loop) trimHeapSoon(*ctx.services->loop);
}

void reloadConfig(const RpcContext& ctx, const json& params, RpcReply reply) {
  if (!rpc::arity(params, 0, 0, reply)) return;
  ctx.logAction("reloadConfig");
  answerReload(ctx, std::move(reply), /*adopt=*/true);
}

// Ours (supervisorctl update --dry-run): the same answer, nothing adopted.
void reloadConfigDryRun(const RpcContext& ctx, const json& params, RpcReply reply) {
  if (!rpc::arity(params, 0, 0, reply)) return;
  answerReload(ctx, std::move(reply), /*adopt=*/false);
}

void addProcessGroup(const RpcContext& ctx, const json& params, RpcReply reply) {
  if (!rpc::arity(params, 1, 1, reply)) return;
  auto name = rpc::stringParam(params, 0, reply);
  if (!name) return;
  for (const auto& group : ctx.supervisor().config().groups) {
    if (group.shadowed || group.name != *name) continue;
    ctx.logAction("addProcessGroup " + *name);
    // The group shares the config it comes from: a later reread replacing
    // the Supervisor's config leaves this one alive while the group is.
    if (ctx.supervisor().addGroup(group) == Fault::kAlreadyAdded) {
      return reply.fault(Fault::kAlreadyAdded, *name);
    }
    return reply.ok(true);
  }
  reply.fault(Fault::kBadName, *name);
}

void removeProcessGroup(const RpcContext& ctx, const json& params, RpcReply reply) {
  if (!rpc::arity(params, 1, 1, reply)) return;
  auto name = rpc::stringParam(params, 0, reply);
  if (!name) return;
  if (ctx.supervisor().groupConfig(*name) == nullptr) return reply.fault(Fault::kBadName, *name);
  ctx.logAction("removeProcessGroup " + *name);
  switch (ctx.supervisor().removeGroup(*name)) {
    case Fault::kSuccess: return reply.ok(true);
    case Fault::kBadName: return reply.fault(Fault::kBadName, *name);
    default: return reply.fault(Fault::kStillRunning, *name);
  }
}

// A log file setting as getAllConfigInfo shows it: "auto", "none" or the
// path. For a group in use, an AUTO file has been created, and Supervisor
// then reports its real path.
std::string logfileText(const LogFileSpec& spec, const std::string& actual) {
  switch (spec.kind) {
    case LogFileSpec::Kind::None: return "none";
    case LogFileSpec::Kind::Path: return spec.path;
    case LogFileSpec::Kind::Auto: return actual.empty() ? "auto" : actual;
  }
  return "auto";
}

json configInfo(const Supervisor& sup, const GroupConfig& group, const ProcessConfig& pc) {
  bool inuse = sup.groupConfig(group.name) != nullptr;
  std::optional<proto::ProcessInfo> live;
  if (inuse) live = sup.processInfo(ProcessId{group.name, pc.name});
  proto::ConfigInfo c;
  c.name = pc.name;
  c.group = group.name;
  c.inuse = inuse;
  c.autostart = pc.autostart;
  c.group_prio = group.priority;
  c.process_prio = pc.priority;
  c.command = pc.command;
  c.directory = pc.directory.value_or("none");
  c.exitcodes = pc.exitcodes;
  c.killasgroup = pc.killasgroup;
  c.redirect_stderr = pc.redirect_stderr;
  c.startretries = pc.startretries;
  c.startsecs = pc.startsecs;
  c.stopsignal = pc.stopsignal;
  c.stopwaitsecs = pc.stopwaitsecs;
  c.serverurl = pc.serverurl.value_or("none");
  c.stdout_logfile = logfileText(pc.stdout_log.logfile, live ? live->stdout_logfile : "");
  c.stdout_logfile_backups = pc.stdout_log.logfile_backups;
  c.stdout_logfile_maxbytes = pc.stdout_log.logfile_maxbytes;
  c.stdout_capture_maxbytes = pc.stdout_log.capture_maxbytes;
  c.stdout_events_enabled = pc.stdout_log.events_enabled;
  c.stdout_syslog = pc.stdout_log.syslog;
  c.stderr_logfile = logfileText(pc.stderr_log.logfile, live ? live->stderr_logfile : "");
  c.stderr_logfile_backups = pc.stderr_log.logfile_backups;
  c.stderr_logfile_maxbytes = pc.stderr_log.logfile_maxbytes;
  c.stderr_capture_maxbytes = pc.stderr_log.capture_maxbytes;
  c.stderr_events_enabled = pc.stderr_log.events_enabled;
  c.stderr_syslog = pc.stderr_log.syslog;
  json j = c;
  // Supervisor reports the numeric uid of user= (an int), or "none".
  if (pc.user) {
    auto uid = cv::nameToUid(*pc.user);
    if (uid.ok()) j["uid"] = *uid;
  }
  return j;
}

void getAllConfigInfo(const RpcContext& ctx, const json& params, RpcReply reply) {
  if (!rpc::arity(params, 0, 0, reply)) return;
  std::vector<json> infos;
  for (const auto& group : ctx.supervisor().config().groups) {
    if (group.shadowed) continue;
    for (const auto& pc : group.processes) infos.push_back(configInfo(ctx.supervisor(), group, pc));
  }
  std::stable_sort(infos.begin(), infos.end(), [](const json& a, const json& b) {
    return a["name"].get<std::string>() < b["name"].get<std::string>();
  });
  reply.ok(json(std::move(infos)));
}

// A REMOTE_COMMUNICATION event with "type:<type>\n<data>", each argument
// rendered as Python's '%s' would (a number or a boolean too).
void sendRemoteCommEvent(const RpcContext& ctx, const json& params, RpcReply reply) {
  if (!rpc::arity(params, 2, 2, reply)) return;
  ctx.logAction("sendRemoteCommEvent " + rpc::paramText(params[0]));
  ctx.supervisor().publish(remoteCommunicationEvent(rpc::pyStr(params[0]), rpc::pyStr(params[1])));
  reply.ok(true);
}

}  // namespace

void registerDaemonMethods(RpcRegistry& r) {
  namespace m = proto::method;
  RpcMethodDoc api{{"string"},
                   "Return the version of the RPC API used by supervisord\n\n"
                   "@return string version id"};
  r.add(std::string(m::kGetAPIVersion), constant(std::string(proto::kApiVersion)), api);
  r.add(std::string(m::kGetVersion), constant(std::string(proto::kApiVersion)), api);
  r.add(std::string(m::kGetSupervisorVersion), constant(std::string(proto::kSupervisorVersion)),
        {{"string"},
         "Return the version of the supervisor package in use by supervisord\n\n"
         "@return string version id"});
  r.add(std::string(m::kGetIdentification), getIdentification,
        {{"string"},
         "Return identifying string of supervisord\n\n"
         "@return string identifier identifying string"});
  r.add(std::string(m::kGetState), getState,
        {{"struct"},
         "Return current state of supervisord as a struct\n\n"
         "@return struct A struct with keys int statecode, string statename"});
  r.add(std::string(m::kGetPID), getPID,
        {{"int"}, "Return the PID of supervisord\n\n@return int PID"});
  r.add(std::string(m::kShutdown), shutdown,
        {{"boolean"},
         "Shut down the supervisor process\n\n"
         "@return boolean result always returns True unless error"});
  r.add(std::string(m::kRestart), restart,
        {{"boolean"},
         "Restart the supervisor process\n\n"
         "@return boolean result  always return True unless error"});
  r.add(std::string(m::kReloadConfig), reloadConfig,
        {{"array"},
         "Reload the configuration.\n\n"
         "The result contains three arrays containing names of process groups:\n\n"
         "* `added` gives the process groups that have been added\n"
         "* `changed` gives the process groups whose contents have changed\n"
         "* `removed` gives the process groups that are no longer in the configuration\n\n"
         "@return array result  [[added, changed, removed]]"});
  r.add(std::string(m::kReloadConfigDryRun), reloadConfigDryRun,
        {{"array"},
         "Reload the configuration, as reloadConfig does, without adopting it:\n"
         "what `update` would do, with nothing changed.\n\n"
         "@return array result  [[added, changed, removed]]"});
  r.add(std::string(m::kAddProcessGroup), addProcessGroup,
        {{"boolean", "string"},
         "Update the config for a running process from config file.\n\n"
         "@param string name         name of process group to add\n"
         "@return boolean result     true if successful"});
  r.add(std::string(m::kRemoveProcessGroup), removeProcessGroup,
        {{"boolean", "string"},
         "Remove a stopped process from the active configuration.\n\n"
         "@param string name         name of process group to remove\n"
         "@return boolean result     Indicates whether the removal was successful"});
  r.add(std::string(m::kGetAllConfigInfo), getAllConfigInfo,
        {{"array"},
         "Get info about all available process configurations. Each struct\n"
         "represents a single process (i.e. groups get flattened).\n\n"
         "@return array result  An array of process config info structs"});
  // Supervisor's sendRemoteCommEvent does not check the daemon's state.
  r.add(std::string(m::kSendRemoteCommEvent), sendRemoteCommEvent,
        {{"boolean", "string", "string"},
         "Send an event that will be received by event listener\n"
         "subprocesses subscribing to the RemoteCommunicationEvent.\n\n"
         "@param  string  type  String for the \"type\" key in the event header\n"
         "@param  string  data  Data for the event body\n"
         "@return boolean       Always return True unless error"},
        /*allowed_when_stopping=*/true);
}

}  // namespace sup
