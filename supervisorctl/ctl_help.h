// supervisorctl's help: the lines of one topic (texts in ctl_commands.cc,
// Supervisor 4.2.5's help_<cmd> methods) and the "help" topic table
// (Python cmd.columnize).
#pragma once

#include <string>
#include <vector>

namespace sup::ctl {

/// The commands "help" lists, sorted: Supervisor's documented do_* names.
const std::vector<std::string>& documentedCommands();

/// Lines of "help <topic>"; empty when the topic has no help (the caller
/// prints "*** No help on <topic>").
std::vector<std::string> helpLines(const std::string& topic);

/// The full output of a bare "help" (leading blank line, header, ruler,
/// columns, trailing blank line).
std::vector<std::string> helpTable();

/// Python cmd.Cmd.columnize(list, displaywidth).
std::vector<std::string> columnize(const std::vector<std::string>& words, std::size_t width);

}  // namespace sup::ctl
