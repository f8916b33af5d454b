// status, pid, start, stop, restart, signal, clear: supervisorctl.py's
// DefaultControllerPlugin.do_* with the same calls, texts and exit codes.
#include "common/exit_codes.h"
#include "supervisorctl/controller.h"
#include "supervisorctl/ctl_format.h"

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

void Controller::doStart(const std::string& arg) {
  if (!upcheck()) return;
  std::vector<std::string> names = splitWords(arg);
  if (names.empty()) {
    output("Error: start requires a process name");
    exitstatus_ = exitcode::kInvalidArgs;
    printHelp("start");
    return;
  }
  auto showResults = [&](const json& results) {
    for (const auto& j : results) {
      auto r = j.get<proto::CallResult>();
      std::string line = formatStartResult(r);
      if (line.empty()) throw ProtocolError(unknownResultCode(r));
      output(line);
      exitFromFault(r.status, static_cast<int>(Fault::kAlreadyStarted));
    }
  };
  if (std::find(names.begin(), names.end(), "all") != names.end()) {
    showResults(rpc(proto::method::kStartAllProcesses));
    return;
  }
  for (const auto& name : names) {
    auto [group, process] = proto::splitNamespec(name);
    if (!process) {
      try {
        showResults(rpc(proto::method::kStartProcessGroup, {group}));
      } catch (const FaultError& e) {
        if (e.code != static_cast<int>(Fault::kBadName)) {
          exitstatus_ = exitcode::kGeneric;
          throw;
        }
        output(group + ": ERROR (no such group)");
        exitstatus_ = exitcode::kInvalidArgs;
      }
      continue;
    }
    try {
      rpc(proto::method::kStartProcess, {name});
      output(proto::makeNamespec(group, *process) + ": started");
    } catch (const FaultError& e) {
      auto r = resultFromFault(e, group, process);
      std::string line = formatStartResult(r);
      if (line.empty()) throw ProtocolError(unknownResultCode(r));
      output(line);
      exitFromFault(r.status, static_cast<int>(Fault::kAlreadyStarted));
    }
  }
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
  auto showResults = [&](const json& results) {
    for (const auto& j : results) {
      auto r = j.get<proto::CallResult>();
      std::string line = formatSignalResult(r, "stopped");
      if (line.empty()) throw ProtocolError(unknownResultCode(r));
      output(line);
      exitFromFault(r.status, static_cast<int>(Fault::kNotRunning));
    }
  };
  if (std::find(names.begin(), names.end(), "all") != names.end()) {
    showResults(rpc(proto::method::kStopAllProcesses));
    return;
  }
  for (const auto& name : names) {
    auto [group, process] = proto::splitNamespec(name);
    if (!process) {
      try {
        showResults(rpc(proto::method::kStopProcessGroup, {group}));
      } catch (const FaultError& e) {
        exitstatus_ = exitcode::kGeneric;
        if (e.code != static_cast<int>(Fault::kBadName)) throw;
        output(group + ": ERROR (no such group)");
      }
      continue;
    }
    try {
      rpc(proto::method::kStopProcess, {name});
      output(proto::makeNamespec(group, *process) + ": stopped");
    } catch (const FaultError& e) {
      auto r = resultFromFault(e, group, process);
      std::string line = formatSignalResult(r, "stopped");
      if (line.empty()) throw ProtocolError(unknownResultCode(r));
      output(line);
      exitFromFault(r.status, static_cast<int>(Fault::kNotRunning));
    }
  }
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
  std::string sig = args[0];
  std::vector<std::string> names(args.begin() + 1, args.end());
  auto showResults = [&](const json& results) {
    for (const auto& j : results) {
      auto r = j.get<proto::CallResult>();
      std::string line = formatSignalResult(r);
      if (line.empty()) throw ProtocolError(unknownResultCode(r));
      output(line);
      exitFromFault(r.status);
    }
  };
  if (std::find(names.begin(), names.end(), "all") != names.end()) {
    showResults(rpc(proto::method::kSignalAllProcesses, {sig}));
    return;
  }
  for (const auto& name : names) {
    auto [group, process] = proto::splitNamespec(name);
    if (!process) {
      try {
        showResults(rpc(proto::method::kSignalProcessGroup, {group, sig}));
      } catch (const FaultError& e) {
        if (e.code != static_cast<int>(Fault::kBadName)) throw;
        output(group + ": ERROR (no such group)");
        exitstatus_ = exitcode::kGeneric;
      }
      continue;
    }
    try {
      rpc(proto::method::kSignalProcess, {name, sig});
      output(proto::makeNamespec(group, *process) + ": signalled");
    } catch (const FaultError& e) {
      auto r = resultFromFault(e, group, process);
      std::string line = formatSignalResult(r);
      if (line.empty()) throw ProtocolError(unknownResultCode(r));
      output(line);
      exitFromFault(r.status);
    }
  }
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
  if (std::find(names.begin(), names.end(), "all") != names.end()) {
    for (const auto& j : rpc(proto::method::kClearAllProcessLogs)) {
      auto r = j.get<proto::CallResult>();
      std::string line = formatClearResult(r);
      if (line.empty()) throw ProtocolError(unknownResultCode(r));
      output(line);
      exitFromFault(r.status);
    }
    return;
  }
  for (const auto& name : names) {
    auto [group, process] = proto::splitNamespec(name);
    try {
      rpc(proto::method::kClearProcessLogs, {name});
      output(proto::makeNamespec(group, process.value_or("None")) + ": cleared");
    } catch (const FaultError& e) {
      auto r = resultFromFault(e, group, process);
      std::string line = formatClearResult(r);
      if (line.empty()) throw ProtocolError(unknownResultCode(r));
      output(line);
      exitFromFault(r.status);
    }
  }
}

}  // namespace sup::ctl
