#include "supervisord/web_actions.h"

#include <memory>

#include "common/ctl_format.h"

namespace sup::web {

namespace m = proto::method;

Result<Action> parseAction(const Form& form) {
  static const std::pair<std::string_view, ActionKind> kKinds[] = {
      {"start", ActionKind::kStart},          {"stop", ActionKind::kStop},
      {"restart", ActionKind::kRestart},      {"clear", ActionKind::kClear},
      {"startall", ActionKind::kStartAll},    {"stopall", ActionKind::kStopAll},
      {"restartall", ActionKind::kRestartAll}};
  std::string what = form.get("action");
  for (const auto& [word, kind] : kKinds) {
    if (what != word) continue;
    Action a{kind, form.get("name")};
    bool all = kind == ActionKind::kStartAll || kind == ActionKind::kStopAll ||
               kind == ActionKind::kRestartAll;
    if (all) a.name.clear();
    if (!all && a.name.empty()) return Error{"Error: " + what + " requires a process name"};
    return a;
  }
  return Error{"Error: unknown action"};
}

std::vector<ActionStep> actionSteps(const Action& a) {
  using proto::json;
  auto one = [&a](std::string_view method, bool wait) {
    json params = json::array({a.name});
    if (wait) params.push_back(true);
    return ActionStep{std::string(method), params};
  };
  auto all = [](std::string_view method) {
    return ActionStep{std::string(method), json::array({true})};
  };
  switch (a.kind) {
    case ActionKind::kStart:
      return {one(m::kStartProcess, true)};
    case ActionKind::kStop:
      return {one(m::kStopProcess, true)};
    case ActionKind::kRestart:
      return {one(m::kStopProcess, true), one(m::kStartProcess, true)};
    case ActionKind::kClear:
      return {one(m::kClearProcessLogs, false)};
    case ActionKind::kStartAll:
      return {all(m::kStartAllProcesses)};
    case ActionKind::kStopAll:
      return {all(m::kStopAllProcesses)};
    case ActionKind::kRestartAll:
      return {all(m::kStopAllProcesses), all(m::kStartAllProcesses)};
  }
  return {};
}

std::vector<std::string> stepLines(const ActionStep& step, const std::string& name,
                                   const RpcOutcome& outcome) {
  std::string (*format)(const proto::CallResult&) = &ctl::formatClearResult;
  std::string done = "cleared";
  if (step.method == m::kStartProcess || step.method == m::kStartAllProcesses) {
    format = &ctl::formatStartResult;
    done = "started";
  } else if (step.method == m::kStopProcess || step.method == m::kStopAllProcesses) {
    format = [](const proto::CallResult& r) { return ctl::formatSignalResult(r, "stopped"); };
    done = "stopped";
  }
  auto line = [&](const proto::CallResult& r) {
    std::string text = format(r);
    // supervisorctl's words for a code it does not know.
    if (text.empty()) {
      text = "error: <class 'ValueError'>, Unknown result code " + std::to_string(r.status) +
             " for " + proto::makeNamespec(r.group, r.name);
    }
    return text;
  };
  auto [group, process] = proto::splitNamespec(name);
  if (outcome.isError()) {
    if (outcome.code <= 0) return {"error: " + outcome.message};
    proto::CallResult r;
    r.status = outcome.code;
    r.group = group;
    r.name = process.value_or("None");
    r.description = outcome.message;
    return {line(r)};
  }
  const proto::json value = outcome.resultValue();
  if (value.is_array()) {  // the *All methods: one result per process
    std::vector<std::string> lines;
    for (const auto& j : value) lines.push_back(line(j.get<proto::CallResult>()));
    return lines;
  }
  return {proto::makeNamespec(group, process.value_or("None")) + ": " + done};
}

void runAction(const RpcRegistry& registry, const RpcContext& ctx, const Action& action,
               std::function<void(std::vector<std::string>)> done) {
  struct Run {
    std::vector<ActionStep> steps;
    std::size_t next = 0;
    std::vector<std::string> lines;
    std::string name;
    std::function<void(std::vector<std::string>)> done;
  };
  auto run = std::make_shared<Run>();
  run->steps = actionSteps(action);
  run->name = action.name;
  run->done = std::move(done);
  // Each answer may come later (start and stop wait for the state); the
  // next step is called from it. `ctx` is copied: the caller's is gone then.
  auto step = std::make_shared<std::function<void()>>();
  *step = [&registry, ctx, run, weak = std::weak_ptr<std::function<void()>>(step)] {
    if (run->next == run->steps.size()) {
      run->done(std::move(run->lines));
      return;
    }
    const ActionStep& s = run->steps[run->next++];
    auto again = weak.lock();
    registry.call(ctx, s.method, s.params, RpcReply([run, &s, again](RpcOutcome outcome) {
                    for (auto& l : stepLines(s, run->name, outcome)) run->lines.push_back(l);
                    (*again)();
                  }));
  };
  (*step)();
}

}  // namespace sup::web
