// Python's `format % mapping` (printf-style formatting with %(name)s keys),
// which Supervisor applies to nearly every config value. Values are either
// strings or integers (process_num and numprocs are ints in Supervisor, so
// %(process_num)02d works while %(program_name)d is an error).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <variant>

#include "common/result.h"

namespace sup {

using FormatValue = std::variant<std::string, long long>;
/// Ordered by name, which is also the order Supervisor lists "Available names".
using FormatNames = std::map<std::string, FormatValue>;

/// `fmt % names` in Python. The Error holds str(exception): for a missing key
/// it is the key's repr ("'ENV_X'") and `missing_key` is set.
struct FormatError {
  std::string message;
  bool missing_key = false;
};
std::variant<std::string, FormatError> pythonPercentFormat(std::string_view fmt,
                                                           const FormatNames& names);

/// Supervisor's options.expand(): the same, with its two error texts
/// ("Format string %r for %r contains names (...) which cannot be expanded.
/// Available names: ..." and "Format string %r for %r is badly formatted: ...").
Result<std::string> expandFormat(std::string_view fmt, const FormatNames& names,
                                 std::string_view what);

}  // namespace sup
