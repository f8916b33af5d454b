// `supervisorctl find`: list the log files of processes, current and rotated,
// stdout and stderr, with size and modification time, in the spirit of
// find(1). Order as grep searches them: streams by namespec (stdout first),
// oldest backup first within a stream.
//
// Output, one line per file, columns separated by two spaces:
//   SIZE  MODIFIED             NAME        STREAM  PATH
//   5242880  2026-11-22 10:00:05  web:web_00  stdout  /var/log/web.log.1
// SIZE in bytes, right-aligned (-h: 1.5K, 5.0M, 12G), MODIFIED in local
// time, NAME padded to the longest name. No header, so it pipes well.
// --json: one object per line:
//   {"process":"web:web_00","stream":"stdout","path":"/var/log/web.log.1",
//    "backup":1,"size":5242880,"mtime":1763805605,"modified":"2026-11-22T10:00:05+0000"}
// Exit: 0 (also when nothing matched the filters), 1 if a file could not be
// examined, 2 for an unknown process (bad options: parseFindArgs, also 2).
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "logsearch/log_files.h"
#include "logsearch/search_options.h"

namespace sup {

int runFind(const FindOptions& options, const std::vector<LogFileSet>& sets, std::ostream& out,
            std::ostream& err);

/// 512 -> "512", 1536 -> "1.5K", 5242880 -> "5.0M", 12884901888 -> "12G".
std::string humanSize(std::uint64_t bytes);

}  // namespace sup
