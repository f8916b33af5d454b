// Command-line options of `supervisorctl grep` and `supervisorctl find`,
// parsed by pure functions (no I/O, no clock) so they can be unit-tested and
// fuzzed: CLI11 through common/gnu_options.h. Errors carry the exact text to
// print on stderr (GNU grep style); the caller exits 2 on any of them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "logsearch/log_files.h"

namespace sup {

/// PATTERN syntax: PCRE2 (a superset of POSIX ERE for everyday patterns:
/// `a|b`, `(x)+`, `[0-9]{3}`, plus `\d`, `\w`, lookarounds), i.e. `grep -E`,
/// not GNU grep's default BRE. -E and -P are accepted and mean the same; -F
/// takes PATTERN literally. A pattern holding newlines is several patterns.
struct GrepOptions {
  std::vector<std::string> patterns;  // any of them selects a line
  bool fixed_strings = false;         // -F
  bool ignore_case = false;           // -i
  bool invert = false;                // -v
  bool count = false;                 // -c: one "name:stream:COUNT" line per stream
  bool files_with_matches = false;    // -l: one "name:stream" line per stream
  bool line_number = false;           // -n: line number within its file
  bool word = false;                  // -w
  bool line_regexp = false;           // -x
  bool quiet = false;                 // -q
  bool with_filename = false;         // -H: add the file path after the stream
  bool no_prefix = false;             // -h: print lines without "name:stream:"
  bool json = false;                  // --json: one JSON object per line
  bool follow = false;                // -f: then follow the current files
  int before = 0;                     // -B / -C / -NUM
  int after = 0;                      // -A / -C / -NUM
  std::int64_t max_count = -1;        // -m: per stream; -1 = unlimited
  std::optional<LogStream> stream;    // --stream
  std::vector<std::string> names;     // name | group:* | all; empty = all
  std::string files_from;             // hidden --files-from FILE (fixture mode)
  bool help = false;                  // --help: print grepUsage(), exit 0
};

/// A time bound for --newer/--older: either "this many seconds ago" or an
/// absolute epoch second.
struct TimeBound {
  bool relative = false;
  std::int64_t seconds = 0;
};

struct FindOptions {
  std::optional<LogStream> stream;     // --stream
  std::optional<TimeBound> newer;      // modified after
  std::optional<TimeBound> older;      // modified before
  std::optional<std::uint64_t> larger;   // size > N bytes
  std::optional<std::uint64_t> smaller;  // size < N bytes
  bool json = false;                     // --json
  bool human = false;                    // -h: sizes like 5.0M
  std::vector<std::string> names;
  std::string files_from;  // hidden --files-from FILE (fixture mode)
  bool help = false;
  std::int64_t now = 0;  // epoch seconds for relative bounds; 0 = the clock (runFind)
};

/// `args` are the words after "grep" / "find".
Result<GrepOptions> parseGrepArgs(const std::vector<std::string>& args);
Result<FindOptions> parseFindArgs(const std::vector<std::string>& args);

std::string grepUsage();
std::string findUsage();

/// "90", "30s", "10m", "2h", "3d", "1w", "1h30m" -> seconds.
Result<std::int64_t> parseDuration(std::string_view text);
/// "2026-11-22", "2026-11-22T10:00", "2026-11-22 10:00:05", "@1763805600"
/// -> epoch seconds; dates and times are local time.
Result<std::int64_t> parseTimestamp(std::string_view text);
/// A duration (relative) or a timestamp (absolute).
Result<TimeBound> parseTimeBound(std::string_view text);
/// "512", "10k", "5M", "1G" (binary units, k/K alike) -> bytes.
Result<std::uint64_t> parseSize(std::string_view text);

}  // namespace sup
