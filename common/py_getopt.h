// Python's getopt.getopt(), which Supervisor's Options.realize() uses: the
// same grammar (stops at the first positional or "--", "-" is positional,
// clustered short flags, "-cFILE", "--long=value", unique long prefixes) and
// the same error texts, so a command line is accepted, refused and reported
// exactly as by Python Supervisor. A hand-written parser because CLI11's
// grammar and messages differ, and it costs the daemon 150 KB of code.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "common/result.h"

namespace sup {

struct GetoptSpec {
  char short_name;        ///< '\0' = long only
  const char* long_name;  ///< nullptr = short only
  bool takes_value;
  /// Our own extensions (not Supervisor's) match only when spelled in full,
  /// so they never make one of Supervisor's prefixes ambiguous.
  bool exact_only = false;
};

struct GetoptItem {
  std::size_t index;     ///< of the matched spec in the specs given
  std::string as_given;  ///< "-c", or "--" + the full long name as getopt reports it
  std::string value;     ///< "" for a flag
};

struct GetoptResult {
  std::vector<GetoptItem> options;       ///< in command-line order
  std::vector<std::string> positionals;  ///< everything after the options
};

/// args excludes argv[0]. Error texts are getopt.GetoptError's.
Result<GetoptResult> pyGetopt(const std::vector<std::string>& args,
                              std::span<const GetoptSpec> specs);

}  // namespace sup
