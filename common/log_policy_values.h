// Our own program keys for program logs (docs/program-logs.md):
// log_timestamps=, log_markers=, stdout_tee=, stderr_tee= and tee_prefix=.
// Their converters, each failing with "invalid 'KEY' value 'TEXT' (expected
// ...)" as restart_policy_values.h's do (the parser adds " in section '...'
// (file: '...')"). Pure.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace sup::cv {

/// stdout_tee= / stderr_tee= : an absolute path (a file, a FIFO,
/// /dev/stdout, /dev/stderr...), or "none" / empty for no tee (returned "").
Result<std::string> teeTarget(std::string_view key, std::string_view text);
/// tee_prefix= (already %-expanded): at most kMaxTeePrefix bytes, one line.
/// A value in double quotes loses them, so that the trailing space that
/// configparser strips can be kept: tee_prefix = "%(program_name)s: ".
Result<std::string> teePrefix(std::string_view text);
inline constexpr std::size_t kMaxTeePrefix = 256;

}  // namespace sup::cv
