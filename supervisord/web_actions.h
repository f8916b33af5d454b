// What the web page's buttons do: each action is one or two calls of the
// daemon's own XML-RPC/JSON-RPC methods (startProcess, stopProcess,
// clearProcessLogs, startAllProcesses, stopAllProcesses), never a second
// implementation, and its result is told in supervisorctl's words
// ("web: started", "web: ERROR (not running)", common/ctl_format.h).
// Restart is stop then start, as supervisorctl's restart is. The form
// parsing and the wording are pure; runWebAction only chains the calls.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "common/result.h"
#include "supervisord/rpc_methods.h"
#include "supervisord/web_text.h"

namespace sup::web {

enum class ActionKind { kStart, kStop, kRestart, kClear, kStartAll, kStopAll, kRestartAll };

struct Action {
  ActionKind kind = ActionKind::kStart;
  std::string name;  ///< the namespec; "" for the *All kinds
};

/// From the form's "action" (start, stop, restart, clear, startall,
/// stopall, restartall) and "name" fields; the Error says what is wrong.
Result<Action> parseAction(const Form& form);

/// One RPC call of an action.
struct ActionStep {
  std::string method;
  proto::json params;
};
/// The calls an action makes, in order.
std::vector<ActionStep> actionSteps(const Action& action);

/// supervisorctl's lines for one step's outcome (`name` is the action's).
std::vector<std::string> stepLines(const ActionStep& step, const std::string& name,
                                   const RpcOutcome& outcome);

/// Run the steps one after another through `registry`; `done` gets every
/// line, once the last call has answered (start and stop wait, as
/// supervisorctl's do).
void runAction(const RpcRegistry& registry, const RpcContext& ctx, const Action& action,
               std::function<void(std::vector<std::string>)> done);

}  // namespace sup::web
