// status, pid, start, stop, restart, signal, clear: supervisorctl.py's
// DefaultControllerPlugin.do_* with the same calls, texts and exit codes.
#include "common/exit_codes.h"
#include "supervisorctl/controller.h"
#include "common/ctl_format.h"

namespace sup::ctl {

namespace {

using proto::Fault;

proto::CallResult resultFromFault(const FaultError& e, const std::string& group,
                                  const std::optional<std::string>& name) {
  proto::CallResult r;
  r.status = e.code;
  r.group = group;
  // Python builds {'name': None} for "g:*"; make_namespec then prints "g:None".
  r.name = name.value_or("None");
  r.description = e.text;
  return r;
}

std::string unknownResultCode(const proto::CallResult& r) {
  return "error: <class 'ValueError'>, Unknown result code " + std::to_string(r.status) + " for " +
         proto::makeNamespec(r.group, r.name);
}

}  // namespace

void Controller::doStatus(const std::string& arg) {
  if (!upcheck()) {
    exitstatus_ = exitcode::kUnknown;
    return;
  }
  std::vector<std::string> names = splitWords(arg);
  bool json_out = takeJsonFlag(names);
  std::vector<proto::ProcessInfo> all = rpc_.getAllProcessInfo();
  std::vector<proto::ProcessInfo> matching;
  json errors = json::array();
  if (names.empty() || std::find(names.begin(), names.end(), "all") != names.end()) {
    matching = std::move(all);
  } else {
    for (const auto& name : names) {
      auto [group, process] = proto::splitNamespec(name);
      bool bad = true;
      for (const auto& info : all) {
        bool matched = info.group == group && (!process || info.name == *process);
        if (matched) {
          bad = false;
          matching.push_back(info);
        }
      }
      if (bad) {
        std::string msg =
            process ? name + ": ERROR (no such process)" : group + ": ERROR (no such group)";
        if (json_out) {
          errors.push_back({{"name", process ? name : group},
                            {"error", process ? "no such process" : "no such group"}});
        } else {
          output(msg);
        }
        exitstatus_ = exitcode::kUnknown;
      }
    }
  }
  if (json_out) {
    json j = matching;
    if (!errors.empty()) j = json{{"processes", matching}, {"errors", errors}};
    output(j.dump(-1, ' ', false, json::error_handler_t::replace));
  } else {
    for (const auto& l : formatStatusLines(matching)) output(l);
  }
  for (const auto& info : matching) {
    if (proto::isStoppedState(info.state)) exitstatus_ = exitcode::kNotRunning;
  }
}

void Controller::doPid(const std::string& arg) {
  if (!upcheck()) return;
  std::vector<std::string> names = splitWords(arg);
  bool json_out = takeJsonFlag(names);
  if (names.empty()) {
    json pid = rpc(proto::method::kGetPID);
    output(json_out ? json{{"pid", pid}}.dump() : pid.dump());
    return;
  }
  if (std::find(names.begin(), names.end(), "all") != names.end()) {
    json list = json::array();
    for (const auto& info : allProcessInfo()) {
      if (json_out) {
        list.push_back({{"name", proto::makeNamespec(info.group, info.name)}, {"pid", info.pid}});
      } else {
        output(std::to_string(info.pid));
      }
    }
    if (json_out) output(list.dump());
    return;
  }
  json list = json::array();
  for (const auto& name : names) {
    try {
      auto info = rpc(proto::method::kGetProcessInfo, {name}).get<proto::ProcessInfo>();
      if (json_out) {
        list.push_back({{"name", name}, {"pid", info.pid}});
      } else {
        output(std::to_string(info.pid));
      }
      if (info.pid == 0) exitstatus_ = exitcode::kNotRunningFile;
    } catch (const FaultError& e) {
      exitstatus_ = exitcode::kGeneric;
      if (e.code != static_cast<int>(Fault::kBadName)) throw;
      if (json_out) {
        list.push_back({{"name", name}, {"error", "no such process"}});
      } else {
        output("No such process " + name);
      }
    }
  }
  if (json_out) output(list.dump());
}

// What start, stop, signal and clear do with their names, as Supervisor's
// do_start, do_stop, do_signal and do_clear do it: "all" is one call, a
// group:* name one call per group (clear has none: its single call takes
// the group), any other name one call; each result is one line.
struct Controller::ProcessAction {
  std::string_view all_method;
  std::string_view group_method;  // empty: a group:* name goes to one_method
  std::string_view one_method;
  json extra;  // parameters after the name (signal's signal name)
  // The result's line, "" for a code Supervisor does not know.
  std::string (*format)(const proto::CallResult&);
  std::string_view done;  // the word after "name: " on success
  int not_an_error;       // a fault code that leaves the exit status alone (0: none)
  int no_such_group_status;
};

void Controller::forEachProcess(const ProcessAction& a, const std::vector<std::string>& names) {
  auto params = [&a](const std::string& first) {
    json p = json::array({first});
    for (const auto& e : a.extra) p.push_back(e);
    return p;
  };
  auto show = [&](const proto::CallResult& r) {
    std::string line = a.format(r);
    if (line.empty()) throw ProtocolError(unknownResultCode(r));
    output(line);
    exitFromFault(r.status, a.not_an_error);
  };
  auto showAll = [&](const json& results) {
    for (const auto& j : results) show(j.get<proto::CallResult>());
  };
  if (std::find(names.begin(), names.end(), "all") != names.end()) {
    showAll(rpc(a.all_method, a.extra));
    return;
  }
  for (const auto& name : names) {
    auto [group, process] = proto::splitNamespec(name);
    if (!process && !a.group_method.empty()) {
      try {
        showAll(rpc(a.group_method, params(group)));
      } catch (const FaultError& e) {
        if (e.code != static_cast<int>(Fault::kBadName)) throw;
        output(group + ": ERROR (no such group)");
        exitstatus_ = a.no_such_group_status;
      }
      continue;
    }
    try {
      rpc(a.one_method, params(name));
      output(proto::makeNamespec(group, process.value_or("None")) + ": " + std::string(a.done));
    } catch (const FaultError& e) {
      show(resultFromFault(e, group, process));
    }
  }
}

void Controller::doStart(const std::string& arg) {
  if (!upcheck()) return;
  std::vector<std::string> names = splitWords(arg);
  if (names.empty()) {
    output("Error: start requires a process name");
    exitstatus_ = exitcode::kInvalidArgs;
    printHelp("start");
    return;
  }
  forEachProcess({proto::method::kStartAllProcesses, proto::method::kStartProcessGroup,
                  proto::method::kStartProcess, json::array(), &formatStartResult, "started",
                  static_cast<int>(Fault::kAlreadyStarted), exitcode::kInvalidArgs},
                 names);
}

void Controller::doStop(const std::string& arg) {
  if (!upcheck()) return;
  std::vector<std::string> names = splitWords(arg);
  if (names.empty()) {
    output("Error: stop requires a process name");
    exitstatus_ = exitcode::kGeneric;
    printHelp("stop");
    return;
  }
  forEachProcess({proto::method::kStopAllProcesses, proto::method::kStopProcessGroup,
                  proto::method::kStopProcess, json::array(),
                  [](const proto::CallResult& r) { return formatSignalResult(r, "stopped"); },
                  "stopped", static_cast<int>(Fault::kNotRunning), exitcode::kGeneric},
                 names);
}

void Controller::doRestart(const std::string& arg) {
  if (!upcheck()) return;
  if (splitWords(arg).empty()) {
    output("Error: restart requires a process name");
    exitstatus_ = exitcode::kGeneric;
    printHelp("restart");
    return;
  }
  doStop(arg);
  doStart(arg);
}

void Controller::doSignal(const std::string& arg) {
  if (!upcheck()) return;
  std::vector<std::string> args = splitWords(arg);
  if (args.size() < 2) {
    output("Error: signal requires a signal name and a process name");
    printHelp("signal");
    exitstatus_ = exitcode::kGeneric;
    return;
  }
  std::vector<std::string> names(args.begin() + 1, args.end());
  forEachProcess({proto::method::kSignalAllProcesses, proto::method::kSignalProcessGroup,
                  proto::method::kSignalProcess, json::array({args[0]}),
                  [](const proto::CallResult& r) { return formatSignalResult(r); }, "signalled", 0,
                  exitcode::kGeneric},
                 names);
}

void Controller::doClear(const std::string& arg) {
  if (!upcheck()) return;
  std::vector<std::string> names = splitWords(arg);
  if (names.empty()) {
    output("Error: clear requires a process name");
    exitstatus_ = exitcode::kGeneric;
    printHelp("clear");
    return;
  }
  forEachProcess({proto::method::kClearAllProcessLogs, "", proto::method::kClearProcessLogs,
                  json::array(), &formatClearResult, "cleared", 0, exitcode::kGeneric},
                 names);
}

}  // namespace sup::ctl
