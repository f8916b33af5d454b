// Our own program keys for restart policies and container mode
// (docs/restart-policies.md): backoff=, backoff_max=, backoff_jitter=,
// backoff_reset=, never_give_up=, restart_limit= and essential=. Their
// converters, each failing with "invalid 'KEY' value 'TEXT' (expected ...)"
// (the parser adds " in section '...' (file: '...')"), and their text for
// --print-config. Pure.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "common/config_model.h"
#include "common/result.h"

namespace sup::cv {

/// backoff= : "linear" or "exponential" (any case).
Result<RestartPolicy::Backoff> backoffKind(std::string_view text);
/// backoff_max= and backoff_reset= : whole seconds, 0 to a year; `key`
/// names the option in the error.
Result<int> policySeconds(std::string_view key, std::string_view text);
/// backoff_jitter= : a percentage, 0 to 100 (a plain number: "%" would be
/// an expansion, as everywhere in Supervisor's values).
Result<int> jitterPercent(std::string_view text);
/// restart_limit= : "N/SECONDS" (both at least 1), or "none" for no limit
/// (returned as {0, 0}).
Result<std::pair<int, int>> restartLimit(std::string_view text);
/// never_give_up= and essential= : Supervisor's booleans, with the key in
/// the error.
Result<bool> policyBoolean(std::string_view key, std::string_view text);

}  // namespace sup::cv

namespace sup {

/// "linear" / "exponential".
std::string backoffText(RestartPolicy::Backoff b);
/// "5/60", or "none".
std::string restartLimitText(const RestartPolicy& p);

}  // namespace sup
