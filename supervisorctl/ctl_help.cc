#include "supervisorctl/ctl_help.h"

#include <algorithm>
#include <map>

namespace sup::ctl {

const std::vector<std::string>& documentedCommands() {
  static const std::vector<std::string> cmds = {
      "add",    "avail", "clear",  "exit",   "fg",     "maintail", "open",
      "pid",    "quit",  "reload", "remove", "reread", "restart",  "shutdown",
      "signal", "start", "status", "stop",   "tail",   "update",   "version"};
  return cmds;
}

std::vector<std::string> helpLines(const std::string& topic) {
  static const std::map<std::string, std::vector<std::string>> kHelp = {
      {"help",
       {"help\t\tPrint a list of available actions", "help <action>\tPrint help for <action>"}},
      {"add", {"add <name> [...]\tActivates any updates in config for process/group"}},
      {"avail", {"avail\t\t\tDisplay all configured processes"}},
      {"clear",
       {"clear <name>\t\tClear a process' log files.",
        "clear <name> <name>\tClear multiple process' log files",
        "clear all\t\tClear all process' log files"}},
      {"exit", {"exit\tExit the supervisor shell."}},
      {"fg", {"fg <process>\tConnect to a process in foreground mode", "\t\tCtrl-C to exit"}},
      {"maintail",
       {"maintail -f \tContinuous tail of supervisor main log file (Ctrl-C to exit)",
        "maintail -100\tlast 100 *bytes* of supervisord main log file",
        "maintail\tlast 1600 *bytes* of supervisor main log file", ""}},
      {"open",
       {"open <url>\tConnect to a remote supervisord process.",
        "\t\t(for UNIX domain socket, use unix:///socket/path)"}},
      {"pid",
       {"pid\t\t\tGet the PID of supervisord.",
        "pid <name>\t\tGet the PID of a single child process by name.",
        "pid all\t\t\tGet the PID of every child process, one per line."}},
      {"quit", {"quit\tExit the supervisor shell."}},
      {"reload", {"reload \t\tRestart the remote supervisord."}},
      {"remove", {"remove <name> [...]\tRemoves process/group from active config"}},
      {"reread", {"reread \t\t\tReload the daemon's configuration files without add/remove"}},
      {"restart",
       {"restart <name>\t\tRestart a process",
        "restart <gname>:*\tRestart all processes in a group",
        "restart <name> <name>\tRestart multiple processes or groups",
        "restart all\t\tRestart all processes",
        "Note: restart does not reread config files. For that, see reread and update."}},
      {"shutdown", {"shutdown \tShut the remote supervisord down."}},
      {"signal",
       {"signal <signal name> <name>\t\tSignal a process",
        "signal <signal name> <gname>:*\t\tSignal all processes in a group",
        "signal <signal name> <name> <name>\tSignal multiple processes or groups",
        "signal <signal name> all\t\tSignal all processes"}},
      {"start",
       {"start <name>\t\tStart a process", "start <gname>:*\t\tStart all processes in a group",
        "start <name> <name>\tStart multiple processes or groups",
        "start all\t\tStart all processes"}},
      {"status",
       {"status <name>\t\tGet status for a single process",
        "status <gname>:*\tGet status for all processes in a group",
        "status <name> <name>\tGet status for multiple named processes",
        "status\t\t\tGet all process status info"}},
      {"stop",
       {"stop <name>\t\tStop a process", "stop <gname>:*\t\tStop all processes in a group",
        "stop <name> <name>\tStop multiple processes or groups", "stop all\t\tStop all processes"}},
      {"tail",
       {"tail [-f] <name> [stdout|stderr] (default stdout)",
        "Ex:", "tail -f <name>\t\tContinuous tail of named process stdout", "\t\t\tCtrl-C to exit.",
        "tail -100 <name>\tlast 100 *bytes* of process stdout",
        "tail <name> stderr\tlast 1600 *bytes* of process stderr"}},
      {"update",
       {"update\t\t\tReload config and add/remove as necessary, and will restart affected programs",
        "update all\t\tReload config and add/remove as necessary, and will restart affected "
        "programs",
        "update <gname> [...]\tUpdate specific groups"}},
      {"version", {"version\t\t\tShow the version of the remote supervisord process"}},
      // Ours, beyond Supervisor (not listed in the table so "help" stays identical).
      {"find", {"find [options] [<name>...]\tList the log files of processes (see find --help)"}},
      {"grep", {"grep [options] PATTERN [<name>...]\tSearch process logs (see grep --help)"}},
      {"logrotate",
       {"logrotate <name>\t\tRotate a process' log files now.",
        "logrotate <gname>:*\t\tRotate the log files of every process in a group",
        "logrotate <name> <name>\tRotate multiple process' log files",
        "logrotate all\t\t\tRotate all process' log files",
        "logrotate supervisord\t\tRotate supervisord's main log file"}},
  };
  auto it = kHelp.find(topic);
  if (it == kHelp.end()) return {};
  return it->second;
}

std::vector<std::string> columnize(const std::vector<std::string>& list, std::size_t width) {
  if (list.empty()) return {"<empty>"};
  std::size_t size = list.size();
  if (size == 1) return {list[0]};
  std::size_t nrows = 1, ncols = 1;
  std::vector<std::size_t> colwidths;
  bool fits = false;
  for (nrows = 1; nrows < size; ++nrows) {
    ncols = (size + nrows - 1) / nrows;
    colwidths.clear();
    long totwidth = -2;
    for (std::size_t col = 0; col < ncols; ++col) {
      std::size_t colwidth = 0;
      for (std::size_t row = 0; row < nrows; ++row) {
        std::size_t i = row + nrows * col;
        if (i >= size) break;
        colwidth = std::max(colwidth, list[i].size());
      }
      colwidths.push_back(colwidth);
      totwidth += static_cast<long>(colwidth) + 2;
      if (totwidth > static_cast<long>(width)) break;
    }
    if (totwidth <= static_cast<long>(width)) {
      fits = true;
      break;
    }
  }
  if (!fits) {
    nrows = size;
    ncols = 1;
    colwidths = {0};
  }
  std::vector<std::string> lines;
  for (std::size_t row = 0; row < nrows; ++row) {
    std::vector<std::string> texts;
    for (std::size_t col = 0; col < ncols; ++col) {
      std::size_t i = row + nrows * col;
      texts.push_back(i >= size ? std::string() : list[i]);
    }
    while (!texts.empty() && texts.back().empty()) texts.pop_back();
    std::string line;
    for (std::size_t col = 0; col < texts.size(); ++col) {
      std::string t = texts[col];
      if (t.size() < colwidths[col]) t += std::string(colwidths[col] - t.size(), ' ');
      if (col) line += "  ";
      line += t;
    }
    lines.push_back(line);
  }
  return lines;
}

std::vector<std::string> helpTable() {
  std::string header = "default commands (type help <topic>):";
  std::vector<std::string> lines = {"", header, std::string(header.size(), '=')};
  for (auto& l : columnize(documentedCommands(), 79)) lines.push_back(l);
  lines.push_back("");
  return lines;
}

}  // namespace sup::ctl
