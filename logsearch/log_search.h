// `supervisorctl grep`: search the log files the daemon reported, oldest
// rotated backup first, in this process (never in the daemon's loop).
//
// Order: streams sorted by namespec, stdout before stderr; within a stream
// `path.N` ... `path.1`, `path`. Output formats: see search_output.h.
// Counts (-c), -l and -m N apply per stream (all files of one process
// stream), line numbers (-n) are per file (-H shows which).
// Exit status as GNU grep: 0 a line was selected, 1 none, 2 an error (bad
// option or regex, unknown process, a file that could not be read, a line
// too complex for the regex engine) unless -q found a line.
#pragma once

#include <ostream>
#include <vector>

#include "logsearch/log_files.h"
#include "logsearch/search_options.h"

namespace sup {

/// Hooks for tests and embedders; the command line uses the defaults.
struct GrepRuntime {
  /// With -f, following stops when this fd becomes readable (-1: never; the
  /// user ends it with Ctrl-C).
  int stop_fd = -1;
};

int runGrep(const GrepOptions& options, const std::vector<LogFileSet>& sets, std::ostream& out,
            std::ostream& err, const GrepRuntime& runtime = {});

}  // namespace sup
