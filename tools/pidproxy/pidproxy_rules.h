// pidproxy's decisions, apart from its system calls (main.cc): Supervisor
// 4.2.5's pidproxy.py runs a command, and when it gets a signal it sends that
// signal to the pid written in a pidfile (for programs that daemonize and
// leave a pidfile behind, e.g. mysqld_safe). These are its texts and rules.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sup::pidproxy {

/// The module docstring printed (with print(), so one more newline) when the
/// command line lacks a pidfile or a command.
std::string usage(const std::string& argv0);

/// os.path.abspath: `path` joined to `cwd` when relative, then normpath'd.
/// pidproxy runs exactly this file (os.spawnv): no PATH search.
std::string abspath(const std::string& path, const std::string& cwd);
/// posixpath.normpath: no "." or empty parts, ".." folded, "//" kept.
std::string normpath(const std::string& path);

/// The pid in the pidfile's text, as int(text.strip()) reads it (sign,
/// digits, single underscores between digits, surrounding whitespace).
/// nullopt where Python raises ValueError: "Can't read child pidfile".
/// Also nullopt for pids <= 0, which Python would hand to kill() (0 is the
/// proxy's own group, -1 every process): a deliberate difference.
std::optional<int> parsePid(std::string_view text);

/// "Can't read child pidfile %s!"
std::string cannotReadPidfile(const std::string& pidfile);

/// The signals pidproxy passes on (TERM, HUP, INT, USR1, USR2, QUIT).
bool forwards(int signo);
/// After passing on TERM, INT or QUIT, pidproxy exits 0 at once.
bool exitsAfterForwarding(int signo);

/// The last line of the traceback Python prints when a system call (kill,
/// fork) raises OSError: "ProcessLookupError: [Errno 3] No such process".
std::string osErrorLine(int err);

}  // namespace sup::pidproxy
