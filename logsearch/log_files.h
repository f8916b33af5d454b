// Which files hold a program's log: the daemon reports, per process and stream,
// the current log path and how many rotated backups it keeps; this file turns
// that into the existing files `path.N` ... `path.1`, `path` with their stat
// data, oldest first. It never guesses paths beyond what the daemon reported.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace sup {

enum class LogStream { kStdout, kStderr };

std::string_view logStreamName(LogStream stream);
std::optional<LogStream> parseLogStream(std::string_view text);

/// What supervisor.getLogFiles reports for one process stream.
struct LogFileSet {
  std::string namespec;  // "name" or "group:name"
  LogStream stream = LogStream::kStdout;
  std::string path;    // current log file; empty when the stream has no log file
  int maxbackups = 0;  // rotated copies path.1 .. path.N may exist
};

/// One existing file of a set, with what stat(2) said about it.
struct LogFile {
  std::string namespec;
  LogStream stream = LogStream::kStdout;
  std::string path;
  int backup = 0;  // 0 = current file, N = path.N
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;  // nanoseconds since the epoch
  bool is_directory = false;  // reported as an error by grep, like GNU grep
  int stat_errno = 0;         // stat() failed other than "no such file" (EACCES)
};

/// The files of one set, oldest backup (highest number) first and the current
/// file last: the chronological order of the stream's output. Missing files
/// are skipped; character devices and FIFOs (e.g. /dev/stdout) are skipped too,
/// since they hold no searchable history. A file that cannot be examined
/// (e.g. a directory on its path is not searchable) is listed with its
/// stat_errno so the caller reports it by name.
std::vector<LogFile> listLogFiles(const LogFileSet& set);

/// Sorts sets by (namespec, stdout before stderr) and drops sets without a
/// path and later duplicates of a path already listed (a stream redirected
/// into the other one's file is searched once).
std::vector<LogFileSet> normalizeLogFileSets(std::vector<LogFileSet> sets);

/// Keeps the sets named by `names` using supervisorctl's addressing: "name"
/// (exact namespec), "group:*" or "group:" (whole group), "all". Empty `names`
/// means all. An unknown name is an error "NAME: no such process" (or
/// "GROUP: no such group").
Result<std::vector<LogFileSet>> selectLogFileSets(const std::vector<LogFileSet>& sets,
                                                  const std::vector<std::string>& names);

/// Parses a fixture list, one set per line: `NAMESPEC STREAM MAXBACKUPS PATH`
/// (PATH is the rest of the line and may hold spaces; '#' lines and blank
/// lines are ignored). Used by the hidden `--files-from FILE` option, by tests
/// and by bench/, so the search runs without a daemon.
Result<std::vector<LogFileSet>> parseLogFileSetList(std::string_view text);
Result<std::vector<LogFileSet>> readLogFileSetList(const std::string& path);

}  // namespace sup
