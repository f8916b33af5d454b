// supervisorctl's one table of commands: each command's name, the Controller
// method that runs it, its help text and how its arguments complete. The
// dispatcher, `help`, the shell's tab completion and (checked by
// tests/unit/ctl_completion_test.cc) completion.bash all follow it.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sup::ctl {

class Controller;

/// Whether `help` lists a command in its table.
enum class Listing {
  kListed,    ///< Supervisor's own commands, in "default commands (type help <topic>)"
  kUnlisted,  ///< help itself and ours beyond Supervisor: help text, completion, no row
  kHidden,    ///< EOF (Ctrl-D): neither listed, nor completed, nor helped
};

/// What a command's arguments complete to. The shell does what Supervisor's
/// Controller.complete does; completion.bash offers a little more (options,
/// signal names, streams).
enum class Completion {
  kNone,        ///< nothing (version, reload, shutdown, open, quit, exit)
  kCommands,    ///< command names (help)
  kGroups,      ///< group names (add, remove, update)
  kProcesses,   ///< process and group:* names (start, stop, restart, clear, fg)
  kStatusLike,  ///< processes; bash also --json (status, pid)
  kJsonOnly,    ///< shell nothing; bash --json (avail, reread)
  kSignal,      ///< processes; bash a signal name first (signal)
  kTail,        ///< processes; bash also -f/-NUM and stdout/stderr (tail)
  kMaintail,    ///< shell nothing; bash -f/-NUM (maintail)
  kLogrotate,   ///< processes; bash also "supervisord" (logrotate)
  kLogSearch,   ///< shell nothing (options first); bash processes (find, grep)
  kEvents,      ///< processes; bash also event types and -f/--json (events)
};

struct CtlCommand {
  std::string_view name;
  void (Controller::*handler)(const std::string& arg);  ///< nullptr: leaves the shell
  Listing listing;
  Completion completion;
  std::string_view help;  ///< "help <name>" lines, '\n'-separated ("" = no help)
};

/// Every command, in the order the shell completes them: help, Supervisor's
/// commands alphabetically, ours, EOF.
std::span<const CtlCommand> ctlCommands();

/// The command called `name`, or nullptr.
const CtlCommand* findCtlCommand(std::string_view name);

/// True when the shell completes process names after this command.
bool completesProcesses(Completion c);

}  // namespace sup::ctl
