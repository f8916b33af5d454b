// Log methods of ours, beyond Supervisor's API. supervisor.getLogFiles:
// which files hold which program's output, so supervisorctl can find and
// grep them (the current file and its rotated copies path.1 ..
// path.<backups>). supervisor.tailProcessLogFollow / tailMainLogFollow: the
// streaming replacements of Supervisor's HTTP /logtail and /mainlogtail,
// fed by the daemon's own writes (LogFollowers), not by polling the file.
#include <memory>

#include "common/protocol.h"
#include "supervisord/control_server.h"
#include "supervisord/log_registry.h"
#include "supervisord/rpc_methods.h"
#include "supervisord/rpc_support.h"
#include "supervisord/supervisor.h"

namespace sup {
namespace {

using rpc::json;

const ProcessConfig* processConfig(const Supervisor& sup, const proto::ProcessInfo& info) {
  return sup.processConfig(ProcessId{info.group, info.name});
}

proto::LogFileEntry entry(const proto::ProcessInfo& info, const char* channel,
                          const std::string& path, const StreamLogConfig* cfg) {
  proto::LogFileEntry e;
  e.namespec = proto::makeNamespec(info.group, info.name);
  e.group = info.group;
  e.name = info.name;
  e.channel = channel;
  e.path = path;
  if (cfg != nullptr && !path.empty()) {
    e.backups = cfg->logfile_backups;
    e.maxbytes = cfg->logfile_maxbytes;
  }
  return e;
}

void getLogFiles(const RpcContext& ctx, const json& params, RpcReply reply) {
  if (!rpc::arity(params, 0, 0, reply)) return;
  const Supervisor& sup = ctx.supervisor();
  json out = json::array();
  for (const proto::ProcessInfo& info : sup.allProcessInfo()) {
    const ProcessConfig* cfg = processConfig(sup, info);
    out.push_back(entry(info, "stdout", info.stdout_logfile, cfg ? &cfg->stdout_log : nullptr));
    // redirect_stderr: stderr goes to the stdout file, so it has no file of its own.
    out.push_back(entry(info, "stderr", info.stderr_logfile, cfg ? &cfg->stderr_log : nullptr));
  }
  proto::LogFileEntry main;
  main.namespec = "supervisord";
  main.group = "";
  main.name = "supervisord";
  main.channel = "main";
  main.path = sup.mainLogPath();
  if (!main.path.empty()) {
    main.backups = sup.config().supervisord.logfile_backups;
    main.maxbytes = sup.config().supervisord.logfile_maxbytes;
  }
  out.push_back(main);
  reply.ok(std::move(out));
}

// Answer true, send the backlog, then every chunk the daemon writes to
// `path` until the client goes away.
void startFollowing(const RpcContext& ctx, const RpcReply& reply, const std::string& path,
                    const std::string& name, const std::string& channel, std::int64_t backlog) {
  if (!ctx.connection) {
    return reply.fault(proto::Fault::kIncorrectParameters, "a streaming call needs a connection");
  }
  reply.ok(true);
  std::shared_ptr<ControlConnection> conn = ctx.connection;
  proto::LogChunk first{name, channel, rpc::lastBytes(path, backlog), false, false};
  conn->notify(proto::method::kLogNotification, first);
  std::weak_ptr<ControlConnection> weak = conn;
  // The registry lives as long as the daemon, longer than any connection.
  LogFollowers& followers = ctx.supervisor().logRegistry().followers;
  auto id = followers.subscribe(
      path, [weak, name, channel](std::string_view data, bool truncated, bool eof) {
        auto c = weak.lock();
        if (!c || c->closed()) return;
        c->notify(proto::method::kLogNotification,
                  proto::LogChunk{name, channel, std::string(data), truncated, eof});
        // The stream is over: end the connection once the client has it all.
        if (eof) c->closeAfterFlush();
      });
  conn->onClose([&followers, id] { followers.unsubscribe(id); });
}

std::optional<std::int64_t> backlogParam(const json& params, size_t i, const RpcReply& reply) {
  if (params.size() <= i) return 1024;
  auto v = rpc::intParam(params, i, reply);
  if (!v) return std::nullopt;
  if (*v < 0) {
    reply.fault(proto::Fault::kBadArguments);
    return std::nullopt;
  }
  return v;
}

void tailProcessLogFollow(const RpcContext& ctx, const json& params, RpcReply reply) {
  if (!rpc::arity(params, 1, 3, reply)) return;
  auto name = rpc::stringParam(params, 0, reply);
  if (!name) return;
  std::string channel = "stdout";
  if (params.size() > 1) {
    auto c = rpc::stringParam(params, 1, reply);
    if (!c) return;
    channel = *c;
  }
  if (channel != "stdout" && channel != "stderr") {
    return reply.fault(proto::Fault::kBadArguments, "channel must be stdout or stderr");
  }
  auto backlog = backlogParam(params, 2, reply);
  if (!backlog) return;
  auto target = rpc::findTarget(ctx.supervisor(), *name, reply);
  if (!target) return;
  std::optional<proto::ProcessInfo> info;
  if (target->process) info = ctx.supervisor().processInfo(*target->process);
  if (!info) return reply.fault(proto::Fault::kBadName, *name);
  const std::string& path = channel == "stdout" ? info->stdout_logfile : info->stderr_logfile;
  if (path.empty()) return reply.fault(proto::Fault::kNoFile);
  startFollowing(ctx, reply, path, proto::makeNamespec(info->group, info->name), channel, *backlog);
}

void tailMainLogFollow(const RpcContext& ctx, const json& params, RpcReply reply) {
  if (!rpc::arity(params, 0, 1, reply)) return;
  auto backlog = backlogParam(params, 0, reply);
  if (!backlog) return;
  std::string path = ctx.supervisor().mainLogPath();
  if (path.empty()) return reply.fault(proto::Fault::kNoFile);
  startFollowing(ctx, reply, path, "supervisord", "main", *backlog);
}

}  // namespace

void registerLogFileMethods(RpcRegistry& r) {
  r.add(std::string(proto::method::kGetLogFiles), getLogFiles,
        {{"array"},
         "List the log files of every process stream and of the main log.\n\n"
         "@return array result  An array of {namespec, group, name, channel, path,\n"
         "                      backups, maxbytes}; rotated copies are path.1 .. path.backups"});
  r.add(std::string(proto::method::kTailProcessLogFollow), tailProcessLogFollow,
        {{"boolean", "string", "string", "int"},
         "Stream a process's log: true, then 'log' notifications with the last\n"
         "backlog bytes and every chunk written after them, until the client closes.\n\n"
         "@param string name     the name of the process (or 'group:name')\n"
         "@param string channel  stdout or stderr\n"
         "@param int backlog     bytes of the current file to send first (1024)\n"
         "@return boolean result Always True unless error"});
  r.add(std::string(proto::method::kTailMainLogFollow), tailMainLogFollow,
        {{"boolean", "int"},
         "Stream the main log: true, then 'log' notifications with the last\n"
         "backlog bytes and every line written after them, until the client closes.\n\n"
         "@param int backlog     bytes of the current file to send first (1024)\n"
         "@return boolean result Always True unless error"});
}

}  // namespace sup
