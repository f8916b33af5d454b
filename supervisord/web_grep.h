// The web page's Grep: `supervisorctl grep` itself, run by the daemon as a
// child process (web_grep_posix.cc) with the process's log files handed over
// on its stdin (`--files-from`, the same "NAMESPEC STREAM BACKUPS PATH" lines
// a fixture uses), its output read on the event loop. So a search never
// holds the loop however big the logs are, and the daemon links none of the
// search code (PCRE2, RE2, streams: a megabyte of text and ~0.4 MB of RSS).
// Bounded: at most kMaxLines selected lines, kMaxOutputBytes of text, and
// `timeout` of wall-clock time; past a bound the child is killed and the
// page says what was cut. This file is the pure part: the form, the command
// line, the file list and the final text.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "supervisord/web_text.h"

namespace sup {
class EventLoop;
}

namespace sup::web {

struct GrepLimits {
  std::int64_t max_lines = 1000;
  std::size_t max_output_bytes = 256 << 10;
  std::chrono::milliseconds timeout{10000};
};

/// The query: name (a namespec), stream (stdout or stderr), pattern, i=1
/// (ignore case), F=1 (fixed string).
struct GrepRequest {
  std::string name;
  std::string stream = "stdout";
  std::string pattern;
  bool ignore_case = false;
  bool fixed = false;
};
Result<GrepRequest> grepRequest(const Form& query);

/// supervisorctl's arguments (after argv[0]): its config from fd 3 (an
/// empty [supervisorctl] section, kCtlConfig), then grep with line numbers,
/// the line bound, the stream, the pattern after -e (so it may start with
/// '-').
std::vector<std::string> grepArgs(const GrepRequest& request, const GrepLimits& limits);
inline constexpr std::string_view kCtlConfig = "[supervisorctl]\n";

/// One log file set: what getLogFiles says of a process stream.
struct GrepFileSet {
  std::string namespec;
  std::string stream;  ///< "stdout" or "stderr"
  std::string path;    ///< "" when the stream has no log file
  int backups = 0;
};
/// The --files-from text: one "NAMESPEC STREAM BACKUPS PATH" line per set
/// with a file (a path with a line break could not be told apart: left out).
std::string fileSetList(const std::vector<GrepFileSet>& sets);

/// The page's text from what the child wrote: "(no match)" for nothing, and
/// a note when the output was cut or the time ran out.
std::string grepText(std::string output, bool cut, bool timed_out, const GrepLimits& limits);

/// supervisorctl beside this supervisord (/proc/self/exe's directory).
std::string supervisorctlPath();

/// Run `ctl` with `args`, `input` on its stdin, and call `done` with the
/// page's text once it has exited, written too much, or run out of time.
/// The search is started by an intermediate process this reaps through its
/// pidfd, so no child the Supervisor does not know reaches its waitpid(-1)
/// (but when supervisord is PID 1, orphans are its children). Killed by its
/// process group when a bound is hit. web_grep_posix.cc.
void runGrepChild(EventLoop& loop, const std::string& ctl, const std::vector<std::string>& args,
                  const std::string& input, const GrepLimits& limits,
                  std::function<void(std::string)> done);

}  // namespace sup::web
