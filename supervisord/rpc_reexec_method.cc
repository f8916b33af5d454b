// supervisor.reexec (ours): re-exec supervisord in place, its programs kept
// running (reexec.h). The answer comes once the target binary has passed
// its probe, just before the exec, or as a FAILED fault saying why the
// running daemon was kept.
#include <unistd.h>

#include "supervisord/rpc_methods.h"
#include "supervisord/rpc_support.h"
#include "supervisord/supervisor.h"

namespace sup {
namespace {

using proto::Fault;
using rpc::json;

void reexec(const RpcContext& ctx, const json& params, RpcReply reply) {
  if (!rpc::arity(params, 0, 1, reply)) return;
  std::string binary;
  if (params.size() == 1) {
    auto given = rpc::stringParam(params, 0, reply);
    if (!given) return;
    binary = *given;
    // Running another binary as the daemon's user is for those who could do
    // that anyway: root and the daemon's own user.
    if (ctx.peer_uid != 0 && ctx.peer_uid != ::geteuid()) {
      return reply.fault(Fault::kFailed, "only root or the daemon's user may name the binary");
    }
    if (binary.empty() || binary[0] != '/') {
      return reply.fault(Fault::kFailed, "the binary must be an absolute path");
    }
  }
  ctx.logAction(binary.empty() ? "reexec" : "reexec " + binary);
  ctx.supervisor().requestReexec(binary, [reply](const Status& st) {
    if (st) return reply.ok(true);
    reply.fault(Fault::kFailed, st.error().message);
  });
}

}  // namespace

void registerReexecMethod(RpcRegistry& r) {
  r.add(std::string(proto::method::kReexec), reexec,
        {{"boolean", "string"},
         "Re-execute supervisord in place, keeping every program running\n"
         "(same pids, pipes and logs); then apply the configuration as\n"
         "update does.\n\n"
         "@param string binary  optional: the supervisord to run (absolute path)\n"
         "@return boolean result  true just before the exec"});
}

}  // namespace sup
