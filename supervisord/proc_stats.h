// The /proc readers behind /metrics: a process's CPU time, RSS and open fds,
// read only when someone scrapes (never on a timer). Thin: the parsing of
// /proc/PID/stat is the pure parseProcStat(), unit-tested.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string_view>

#include "supervisord/metrics_format.h"

namespace sup {

/// Fields 14, 15 and 24 of /proc/PID/stat (utime, stime in clock ticks;
/// rss in pages) as seconds and bytes. nullopt for a malformed line.
std::optional<ProcStats> parseProcStat(std::string_view stat_line, long clock_ticks,
                                       long page_size);

/// /proc, opened once for a scrape: each process's files are then looked
/// up from it ("PID/stat"), two path components instead of four, which is
/// most of what reading them costs the kernel.
class ProcDir {
 public:
  ProcDir();
  ~ProcDir();
  ProcDir(const ProcDir&) = delete;
  ProcDir& operator=(const ProcDir&) = delete;

  /// CPU seconds and RSS of `pid` (0 = this process), and its open fds
  /// when `with_fds`. nullopt when the process is gone.
  std::optional<ProcStats> read(pid_t pid, bool with_fds = true) const;

 private:
  int fd_ = -1;
};

}  // namespace sup
