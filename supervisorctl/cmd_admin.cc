// avail, reread, update, add, remove, reload, shutdown, version, open:
// supervisorctl.py's config and daemon commands, same texts and exit codes.
// Like Supervisor, most of these skip the upcheck, so a dead daemon shows
// up as Python's exception line.
#include <set>

#include "common/exit_codes.h"
#include "supervisorctl/controller.h"
#include "common/ctl_format.h"
#include "supervisorctl/update_plan.h"

namespace sup::ctl {

namespace {

using proto::Fault;

bool isFault(const FaultError& e, Fault f) {
  return e.code == static_cast<int>(f);
}

std::vector<std::string> names(const json& j) {
  return j.get<std::vector<std::string>>();
}

}  // namespace

void Controller::doAvail(const std::string& arg) {
  std::vector<std::string> args = splitWords(arg);
  bool json_out = takeJsonFlag(args);
  if (!args.empty()) {
    output("Error: avail accepts no arguments");
    exitstatus_ = exitcode::kGeneric;
    printHelp("avail");
    return;
  }
  try {
    json infos = rpc(proto::method::kGetAllConfigInfo);
    if (json_out) {
      output(infos.dump(-1, ' ', false, json::error_handler_t::replace));
      return;
    }
    for (const auto& j : infos) output(formatAvailLine(j.get<proto::ConfigInfo>()));
  } catch (const FaultError& e) {
    exitstatus_ = exitcode::kGeneric;
    if (!isFault(e, Fault::kShutdownState)) throw;
    output("ERROR: supervisor shutting down");
  }
}

void Controller::doReread(const std::string& arg) {
  std::vector<std::string> args = splitWords(arg);
  bool json_out = takeJsonFlag(args);
  if (!args.empty()) {
    output("Error: reread accepts no arguments");
    exitstatus_ = exitcode::kGeneric;
    printHelp("reread");
    return;
  }
  try {
    json result = rpc(proto::method::kReloadConfig);
    const json& changes = result.at(0);
    if (json_out) {
      output(json{{"added", changes.at(0)}, {"changed", changes.at(1)}, {"removed", changes.at(2)}}
                 .dump());
      return;
    }
    for (const auto& l :
         formatChanges(names(changes.at(0)), names(changes.at(1)), names(changes.at(2)))) {
      output(l);
    }
  } catch (const FaultError& e) {
    exitstatus_ = exitcode::kGeneric;
    if (isFault(e, Fault::kShutdownState)) {
      output("ERROR: supervisor shutting down");
    } else if (isFault(e, Fault::kCantReread)) {
      output("ERROR: " + e.text);
    } else {
      throw;
    }
  }
}

// Supervisor's update; `--dry-run` among its words (ours, docs/restart-
// policies.md) asks the daemon for the same answer without adopting the
// config and prints what update would do, prefixed "would: ".
void Controller::doUpdate(const std::string& arg) {
  auto log = [&](const std::string& name, const std::string& message) {
    output(name + ": " + message);
  };
  auto wordList = splitWords(arg);
  const bool dry_run = std::erase(wordList, std::string("--dry-run")) > 0;
  json result;
  try {
    result = rpc(dry_run ? proto::method::kReloadConfigDryRun : proto::method::kReloadConfig);
  } catch (const FaultError& e) {
    exitstatus_ = exitcode::kGeneric;
    if (!isFault(e, Fault::kShutdownState)) throw;
    output("ERROR: already shutting down");
    return;
  }
  auto added = names(result.at(0).at(0));
  auto changed = names(result.at(0).at(1));
  auto removed = names(result.at(0).at(2));
  std::set<std::string> valid(wordList.begin(), wordList.end());
  if (valid.count("all")) valid.clear();
  if (!valid.empty()) {
    std::set<std::string> groups;
    for (const auto& info : allProcessInfo()) groups.insert(info.group);
    groups.insert(added.begin(), added.end());
    // Python iterates a set; sorted order is the stable choice here.
    for (const auto& g : valid) {
      if (!groups.count(g)) {
        output("ERROR: no such group: " + g);
        exitstatus_ = exitcode::kGeneric;
      }
    }
  }
  const std::vector<UpdateStep> steps = planUpdate(added, changed, removed, valid);
  if (dry_run) {
    for (const auto& line : dryRunLines(steps)) output(line);
    return;
  }
  for (const auto& [kind, g] : steps) {
    switch (kind) {
      case UpdateStep::Kind::Remove: {
        json results = rpc(proto::method::kStopProcessGroup, {g});
        log(g, "stopped");
        bool fails = false;
        for (const auto& r : results) {
          if (r.value("status", 0) == static_cast<int>(Fault::kFailed)) fails = true;
        }
        if (fails) {
          output(g + ": has problems; not removing");
          exitstatus_ = exitcode::kGeneric;
          continue;
        }
        rpc(proto::method::kRemoveProcessGroup, {g});
        log(g, "removed process group");
        break;
      }
      case UpdateStep::Kind::Change:
        rpc(proto::method::kStopProcessGroup, {g});
        log(g, "stopped");
        rpc(proto::method::kRemoveProcessGroup, {g});
        rpc(proto::method::kAddProcessGroup, {g});
        log(g, "updated process group");
        break;
      case UpdateStep::Kind::Add:
        rpc(proto::method::kAddProcessGroup, {g});
        log(g, "added process group");
        break;
    }
  }
}

void Controller::doAdd(const std::string& arg) {
  for (const auto& name : splitWords(arg)) {
    try {
      rpc(proto::method::kAddProcessGroup, {name});
      output(name + ": added process group");
    } catch (const FaultError& e) {
      if (isFault(e, Fault::kShutdownState)) {
        output("ERROR: shutting down");
        exitstatus_ = exitcode::kGeneric;
      } else if (isFault(e, Fault::kAlreadyAdded)) {
        output("ERROR: process group already active");
      } else if (isFault(e, Fault::kBadName)) {
        output("ERROR: no such process/group: " + name);
        exitstatus_ = exitcode::kGeneric;
      } else {
        exitstatus_ = exitcode::kGeneric;
        throw;
      }
    }
  }
}

void Controller::doRemove(const std::string& arg) {
  for (const auto& name : splitWords(arg)) {
    try {
      rpc(proto::method::kRemoveProcessGroup, {name});
      output(name + ": removed process group");
    } catch (const FaultError& e) {
      exitstatus_ = exitcode::kGeneric;
      if (isFault(e, Fault::kStillRunning)) {
        output("ERROR: process/group still running: " + name);
      } else if (isFault(e, Fault::kBadName)) {
        output("ERROR: no such process/group: " + name);
      } else {
        throw;
      }
    }
  }
}

void Controller::doReload(const std::string& arg) {
  if (!arg.empty()) {
    output("Error: reload accepts no arguments");
    exitstatus_ = exitcode::kGeneric;
    printHelp("reload");
    return;
  }
  if (settings_.interactive) {
    std::string yesno = ask("Really restart the remote supervisord process y/N? ");
    if (yesno.empty() || (yesno[0] != 'y' && yesno[0] != 'Y')) return;
  }
  try {
    rpc(proto::method::kRestart);
    output("Restarted supervisord");
  } catch (const FaultError& e) {
    exitstatus_ = exitcode::kGeneric;
    if (!isFault(e, Fault::kShutdownState)) throw;
    output("ERROR: already shutting down");
  }
}

void Controller::doShutdown(const std::string& arg) {
  if (!arg.empty()) {
    output("Error: shutdown accepts no arguments");
    exitstatus_ = exitcode::kGeneric;
    printHelp("shutdown");
    return;
  }
  if (settings_.interactive) {
    std::string yesno = ask("Really shut the remote supervisord process down y/N? ");
    if (yesno.empty() || (yesno[0] != 'y' && yesno[0] != 'Y')) return;
  }
  try {
    rpc(proto::method::kShutdown);
    output("Shut down");
  } catch (const FaultError& e) {
    if (!isFault(e, Fault::kShutdownState)) {
      exitstatus_ = exitcode::kGeneric;
      throw;
    }
    output("ERROR: already shutting down");
  } catch (const SocketError& e) {
    exitstatus_ = exitcode::kGeneric;
    if (e.err == ECONNREFUSED) {
      output("ERROR: " + rpc_.serverUrl() + " refused connection (already shut down?)");
    } else if (e.err == ENOENT) {
      output("ERROR: " + rpc_.serverUrl() + " no such file (already shut down?)");
    } else {
      throw;
    }
  }
}

void Controller::doVersion(const std::string& arg) {
  if (!arg.empty()) {
    output("Error: version accepts no arguments");
    exitstatus_ = exitcode::kGeneric;
    printHelp("version");
    return;
  }
  if (!upcheck()) return;
  output(rpc(proto::method::kGetSupervisorVersion).get<std::string>());
}

void Controller::doOpen(const std::string& arg) {
  std::string url = arg;
  auto colon = url.find(':');
  std::string scheme = colon == std::string::npos ? "" : url.substr(0, colon);
  if (scheme != "unix" && scheme != "http") {
    output("ERROR: url must be http:// or unix://");
    exitstatus_ = exitcode::kGeneric;
    return;
  }
  settings_.serverurl = url;
  rpc_.setServerUrl(url);
  int old = exitstatus_;
  doStatus("");
  exitstatus_ = old;
}

}  // namespace sup::ctl
