#include "supervisorctl/ctl_commands.h"

#include "supervisorctl/controller.h"

namespace sup::ctl {

// The help texts are Supervisor 4.2.5's help_<command> methods, byte for
// byte (tabs included); ours are in the same style.
std::span<const CtlCommand> ctlCommands() {
  using C = Controller;
  using enum Listing;
  using enum Completion;
  static constexpr CtlCommand kTable[] = {
      {"help", &C::doHelp, kUnlisted, kCommands,
       "help\t\tPrint a list of available actions\n"
       "help <action>\tPrint help for <action>"},
      {"add", &C::doAdd, kListed, kGroups,
       "add <name> [...]\tActivates any updates in config for process/group"},
      {"avail", &C::doAvail, kListed, kJsonOnly, "avail\t\t\tDisplay all configured processes"},
      {"clear", &C::doClear, kListed, kProcesses,
       "clear <name>\t\tClear a process' log files.\n"
       "clear <name> <name>\tClear multiple process' log files\n"
       "clear all\t\tClear all process' log files"},
      {"exit", nullptr, kListed, kNone, "exit\tExit the supervisor shell."},
      {"fg", &C::doFg, kListed, kProcesses,
       "fg <process>\tConnect to a process in foreground mode\n"
       "\t\tCtrl-C to exit"},
      {"maintail", &C::doMaintail, kListed, kMaintail,
       "maintail -f \tContinuous tail of supervisor main log file (Ctrl-C to exit)\n"
       "maintail -100\tlast 100 *bytes* of supervisord main log file\n"
       "maintail\tlast 1600 *bytes* of supervisor main log file\n"},
      {"open", &C::doOpen, kListed, kNone,
       "open <url>\tConnect to a remote supervisord process.\n"
       "\t\t(for UNIX domain socket, use unix:///socket/path)"},
      {"pid", &C::doPid, kListed, kStatusLike,
       "pid\t\t\tGet the PID of supervisord.\n"
       "pid <name>\t\tGet the PID of a single child process by name.\n"
       "pid all\t\t\tGet the PID of every child process, one per line."},
      {"quit", nullptr, kListed, kNone, "quit\tExit the supervisor shell."},
      {"reload", &C::doReload, kListed, kNone, "reload \t\tRestart the remote supervisord."},
      {"remove", &C::doRemove, kListed, kGroups,
       "remove <name> [...]\tRemoves process/group from active config"},
      {"reread", &C::doReread, kListed, kJsonOnly,
       "reread \t\t\tReload the daemon's configuration files without add/remove"},
      {"restart", &C::doRestart, kListed, kProcesses,
       "restart <name>\t\tRestart a process\n"
       "restart <gname>:*\tRestart all processes in a group\n"
       "restart <name> <name>\tRestart multiple processes or groups\n"
       "restart all\t\tRestart all processes\n"
       "Note: restart does not reread config files. For that, see reread and update."},
      {"shutdown", &C::doShutdown, kListed, kNone, "shutdown \tShut the remote supervisord down."},
      {"signal", &C::doSignal, kListed, kSignal,
       "signal <signal name> <name>\t\tSignal a process\n"
       "signal <signal name> <gname>:*\t\tSignal all processes in a group\n"
       "signal <signal name> <name> <name>\tSignal multiple processes or groups\n"
       "signal <signal name> all\t\tSignal all processes"},
      {"start", &C::doStart, kListed, kProcesses,
       "start <name>\t\tStart a process\n"
       "start <gname>:*\t\tStart all processes in a group\n"
       "start <name> <name>\tStart multiple processes or groups\n"
       "start all\t\tStart all processes"},
      {"status", &C::doStatus, kListed, kStatusLike,
       "status <name>\t\tGet status for a single process\n"
       "status <gname>:*\tGet status for all processes in a group\n"
       "status <name> <name>\tGet status for multiple named processes\n"
       "status\t\t\tGet all process status info"},
      {"stop", &C::doStop, kListed, kProcesses,
       "stop <name>\t\tStop a process\n"
       "stop <gname>:*\t\tStop all processes in a group\n"
       "stop <name> <name>\tStop multiple processes or groups\n"
       "stop all\t\tStop all processes"},
      {"tail", &C::doTail, kListed, kTail,
       "tail [-f] <name> [stdout|stderr] (default stdout)\n"
       "Ex:\n"
       "tail -f <name>\t\tContinuous tail of named process stdout\n"
       "\t\t\tCtrl-C to exit.\n"
       "tail -100 <name>\tlast 100 *bytes* of process stdout\n"
       "tail <name> stderr\tlast 1600 *bytes* of process stderr"},
      {"update", &C::doUpdate, kListed, kGroups,
       "update\t\t\tReload config and add/remove as necessary, and will restart affected programs\n"
       "update all\t\tReload config and add/remove as necessary, and will restart affected "
       "programs\n"
       "update <gname> [...]\tUpdate specific groups"},
      {"version", &C::doVersion, kListed, kNone,
       "version\t\t\tShow the version of the remote supervisord process"},
      // Ours, beyond Supervisor: not in help's table, so "help" stays identical.
      {"find", &C::doFind, kUnlisted, kLogSearch,
       "find [options] [<name>...]\tList the log files of processes (see find --help)"},
      {"grep", &C::doGrep, kUnlisted, kLogSearch,
       "grep [options] PATTERN [<name>...]\tSearch process logs (see grep --help)"},
      {"reexec", &C::doReexec, kUnlisted, kNone,
       "reexec\t\t\tRe-execute the remote supervisord in place, its programs kept running.\n"
       "reexec --binary PATH\tRe-execute it as another supervisord binary\n"
       "reexec --no-wait\tDo not wait for the new image to answer"},
      {"logrotate", &C::doLogrotate, kUnlisted, kLogrotate,
       "logrotate <name>\t\tRotate a process' log files now.\n"
       "logrotate <gname>:*\t\tRotate the log files of every process in a group\n"
       "logrotate <name> <name>\tRotate multiple process' log files\n"
       "logrotate all\t\t\tRotate all process' log files\n"
       "logrotate supervisord\t\tRotate supervisord's main log file"},
      {"events", &C::doEvents, kUnlisted, kEvents,
       "events [-f] [--json] [TYPE]... [name|group:*]...\tShow Supervisor's events "
       "(see events --help)"},
      {"metrics", &C::doMetrics, kUnlisted, kNone,
       "metrics			Print supervisord's metrics in Prometheus' text format"},
      // Ctrl-D in the shell (Python's cmd.Cmd sends "EOF").
      {"EOF", nullptr, kHidden, kNone, ""},
  };
  return kTable;
}

const CtlCommand* findCtlCommand(std::string_view name) {
  for (const auto& c : ctlCommands()) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

bool completesProcesses(Completion c) {
  switch (c) {
    case Completion::kProcesses:
    case Completion::kStatusLike:
    case Completion::kSignal:
    case Completion::kTail:
    case Completion::kLogrotate:
    case Completion::kEvents:
      return true;
    default:
      return false;
  }
}

}  // namespace sup::ctl
