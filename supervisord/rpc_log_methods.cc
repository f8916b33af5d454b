// supervisor.* methods on log files: the main log (readLog, clearLog) and
// the processes' stdout/stderr logs (read, tail, clear), with Supervisor's
// offset/length rules, and ours to rotate them now (supervisorctl logrotate).
// The streaming follow calls live with the log code.
#include "supervisord/log_registry.h"
#include "supervisord/rpc_methods.h"
#include "supervisord/rpc_support.h"
#include "supervisord/supervisor.h"

namespace sup {
namespace {

using proto::Fault;
using rpc::json;

enum class Channel { Stdout, Stderr };

// The process's log path for `channel`; BAD_NAME sent when there is no such
// process (a "group:*" name included).
std::optional<std::string> processLogPath(const RpcContext& ctx, const std::string& name,
                                          Channel channel, const RpcReply& reply) {
  auto target = rpc::findTarget(ctx.supervisor(), name, reply);
  if (!target) return std::nullopt;
  std::optional<proto::ProcessInfo> info;
  if (target->process) info = ctx.supervisor().processInfo(*target->process);
  if (!info) {
    reply.fault(Fault::kBadName, name);
    return std::nullopt;
  }
  return channel == Channel::Stdout ? info->stdout_logfile : info->stderr_logfile;
}

// NO_FILE names the file when there is one (Supervisor passes its path, or
// None, as the fault's extra text).
void noFile(const RpcReply& reply, const std::string& path) {
  if (path.empty()) {
    reply.fault(Fault::kNoFile);
  } else {
    reply.fault(Fault::kNoFile, path);
  }
}

void readLog(const RpcContext& ctx, const json& params, RpcReply reply) {
  if (!rpc::arity(params, 2, 2, reply)) return;
  auto offset = rpc::intParam(params, 0, reply);
  if (!offset) return;
  auto length = rpc::intParam(params, 1, reply);
  if (!length) return;
  std::string path = ctx.supervisor().mainLogPath();
  if (!rpc::fileExists(path)) return noFile(reply, path);
  rpc::replyReadFile(reply, path, *offset, *length);
}

void clearLog(const RpcContext& ctx, const json& params, RpcReply reply) {
  if (!rpc::arity(params, 0, 0, reply)) return;
  std::string path = ctx.supervisor().mainLogPath();
  if (!rpc::fileExists(path)) return reply.fault(Fault::kNoFile);
  ctx.logAction("clearLog");
  if (!ctx.supervisor().clearMainLog()) return reply.fault(Fault::kFailed);
  reply.ok(true);
}

// A process log call's parameters: (name, offset, length).
struct LogSlice {
  std::string path;
  std::int64_t offset = 0;
  std::int64_t length = 0;
};

// Parse (name, offset, length) and find the file; nullopt once a fault
// has been sent.
std::optional<LogSlice> logSliceParams(const RpcContext& ctx, const json& params, Channel channel,
                                       const RpcReply& reply) {
  if (!rpc::arity(params, 3, 3, reply)) return std::nullopt;
  auto name = rpc::stringParam(params, 0, reply);
  if (!name) return std::nullopt;
  auto offset = rpc::intParam(params, 1, reply);
  if (!offset) return std::nullopt;
  auto length = rpc::intParam(params, 2, reply);
  if (!length) return std::nullopt;
  auto path = processLogPath(ctx, *name, channel, reply);
  if (!path) return std::nullopt;
  return LogSlice{*path, *offset, *length};
}

RpcHandler readProcessLog(Channel channel) {
  return [channel](const RpcContext& ctx, const json& params, RpcReply reply) {
    auto slice = logSliceParams(ctx, params, channel, reply);
    if (!slice) return;
    if (!rpc::fileExists(slice->path)) return noFile(reply, slice->path);
    rpc::replyReadFile(reply, slice->path, slice->offset, slice->length);
  };
}

RpcHandler tailProcessLog(Channel channel) {
  return [channel](const RpcContext& ctx, const json& params, RpcReply reply) {
    auto slice = logSliceParams(ctx, params, channel, reply);
    if (!slice) return;
    if (!rpc::fileExists(slice->path)) return reply.ok(json::array({"", 0, false}));
    reply.ok(rpc::tailFile(slice->path, slice->offset, slice->length));
  };
}

void clearProcessLogs(const RpcContext& ctx, const json& params, RpcReply reply) {
  auto process = rpc::singleProcessParam(ctx.supervisor(), params, reply);
  if (!process) return;
  ctx.logAction("clearProcessLogs " + process->name);
  rpc::replyOp(reply, ctx.supervisor().clearProcessLogs(process->id));
}

void clearAllProcessLogs(const RpcContext& ctx, const json& params, RpcReply reply) {
  if (!rpc::arity(params, 0, 0, reply)) return;
  ctx.logAction("clearAllProcessLogs");
  Supervisor& sup = ctx.supervisor();
  reply.ok(
      rpc::forEachByPriority(sup, [&](const ProcessId& id) { return sup.clearProcessLogs(id); }));
}

// Rotate a process's stdout and stderr logs now (through the files open at
// the paths it reports).
proto::CallResult rotateLogsOf(const Supervisor& sup, const ProcessId& id) {
  proto::CallResult r{id.name, id.group};
  auto fail = [&](Fault f) {
    r.status = static_cast<int>(f);
    r.description = proto::faultString(f, proto::makeNamespec(id.group, id.name));
    return r;
  };
  auto info = sup.processInfo(id);
  if (!info) return fail(Fault::kBadName);
  OpenLogFiles& files = sup.logRegistry().files;
  bool ok = files.rotate(info->stdout_logfile);
  ok = files.rotate(info->stderr_logfile) && ok;
  if (!ok) return fail(Fault::kFailed);
  return r;
}

void rotateProcessLogs(const RpcContext& ctx, const json& params, RpcReply reply) {
  auto process = rpc::singleProcessParam(ctx.supervisor(), params, reply);
  if (!process) return;
  ctx.logAction("rotateProcessLogs " + process->name);
  rpc::replyOp(reply, rotateLogsOf(ctx.supervisor(), process->id));
}

void rotateAllProcessLogs(const RpcContext& ctx, const json& params, RpcReply reply) {
  if (!rpc::arity(params, 0, 0, reply)) return;
  ctx.logAction("rotateAllProcessLogs");
  const Supervisor& sup = ctx.supervisor();
  reply.ok(rpc::forEachByPriority(sup, [&](const ProcessId& id) { return rotateLogsOf(sup, id); }));
}

void rotateLog(const RpcContext& ctx, const json& params, RpcReply reply) {
  if (!rpc::arity(params, 0, 0, reply)) return;
  std::string path = ctx.supervisor().mainLogPath();
  OpenLogFiles& files = ctx.supervisor().logRegistry().files;
  if (path.empty() || files.at(path).empty()) return reply.fault(Fault::kNoFile);
  ctx.logAction("rotateLog");
  if (!files.rotate(path)) return reply.fault(Fault::kFailed);
  reply.ok(true);
}

const char* const kReadHelp =
    "Read length bytes from name's %s log starting at offset\n\n"
    "@param string name        the name of the process (or 'group:name')\n"
    "@param int offset         offset to start reading from.\n"
    "@param int length         number of bytes to read from the log.\n"
    "@return string result     Bytes of log";
const char* const kTailHelp =
    "Provides a more efficient way to tail the (%s) log than readProcess%sLog().\n"
    "Requests (length) bytes from the (name)'s log, starting at (offset). If the total log\n"
    "size is greater than (offset + length), the overflow flag is set and the (offset) is\n"
    "automatically increased to position the buffer at the end of the log. (offset)\n"
    "returned is always the last offset in the log +1.\n\n"
    "@param string name         the name of the process (or 'group:name')\n"
    "@param int offset          offset to start reading from\n"
    "@param int length          maximum number of bytes to return\n"
    "@return array result       [string bytes, int offset, bool overflow]";

std::string fill(const char* format, const char* a, const char* b = "") {
  std::string out = format;
  auto pos = out.find("%s");
  if (pos != std::string::npos) out.replace(pos, 2, a);
  pos = out.find("%s");
  if (pos != std::string::npos) out.replace(pos, 2, b);
  return out;
}

}  // namespace

void registerLogMethods(RpcRegistry& r) {
  namespace m = proto::method;
  RpcMethodDoc read_main{{"string", "int", "int"},
                         "Read length bytes from the main log starting at offset\n\n"
                         "@param int offset         offset to start reading from.\n"
                         "@param int length         number of bytes to read from the log.\n"
                         "@return string result     Bytes of log"};
  r.add(std::string(m::kReadLog), readLog, read_main);
  r.add(std::string(m::kReadMainLog), readLog, read_main);
  r.add(std::string(m::kClearLog), clearLog,
        {{"boolean"},
         "Clear the main log.\n\n@return boolean result always returns True unless error"});

  RpcMethodDoc read_out{{"string", "string", "int", "int"}, fill(kReadHelp, "stdout")};
  r.add(std::string(m::kReadProcessStdoutLog), readProcessLog(Channel::Stdout), read_out);
  r.add(std::string(m::kReadProcessLog), readProcessLog(Channel::Stdout), read_out);
  r.add(std::string(m::kReadProcessStderrLog), readProcessLog(Channel::Stderr),
        {{"string", "string", "int", "int"}, fill(kReadHelp, "stderr")});

  RpcMethodDoc tail_out{{"array", "string", "int", "int"}, fill(kTailHelp, "stdout", "Stdout")};
  r.add(std::string(m::kTailProcessStdoutLog), tailProcessLog(Channel::Stdout), tail_out);
  r.add(std::string(m::kTailProcessLog), tailProcessLog(Channel::Stdout), tail_out);
  r.add(std::string(m::kTailProcessStderrLog), tailProcessLog(Channel::Stderr),
        {{"array", "string", "int", "int"}, fill(kTailHelp, "stderr", "Stderr")});

  RpcMethodDoc clear{{"boolean", "string"},
                     "Clear the stdout and stderr logs for the named process and reopen them.\n\n"
                     "@param string name   The name of the process (or 'group:name')\n"
                     "@return boolean result      Always True unless error"};
  r.add(std::string(m::kClearProcessLogs), clearProcessLogs, clear);
  r.add(std::string(m::kClearProcessLog), clearProcessLogs, clear);
  r.add(std::string(m::kClearAllProcessLogs), clearAllProcessLogs,
        {{"array"},
         "Clear all process log files\n\n"
         "@return array result   An array of process status info structs"});

  r.add(std::string(m::kRotateProcessLogs), rotateProcessLogs,
        {{"boolean", "string"},
         "Rotate the stdout and stderr logs of the named process now: name -> name.1,\n"
         "name.1 -> name.2 ... up to its backups, and start an empty file. A file that\n"
         "ends mid-line rotates as soon as that line ends; an empty file, a pipe or a\n"
         "device is left as it is.\n\n"
         "@param string name   The name of the process (or 'group:name')\n"
         "@return boolean result      Always True unless error"});
  r.add(std::string(m::kRotateAllProcessLogs), rotateAllProcessLogs,
        {{"array"},
         "Rotate all process log files now\n\n"
         "@return array result   An array of process status info structs"});
  r.add(std::string(m::kRotateLog), rotateLog,
        {{"boolean"},
         "Rotate the main log now.\n\n@return boolean result always returns True unless error"});
}

}  // namespace sup
