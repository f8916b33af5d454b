// Signal names <-> numbers, the way Supervisor spells them ("TERM", "SIGTERM",
// "term", "15" all name SIGTERM). Used by the config parser (stopsignal=),
// the daemon's log lines ("terminated by SIGTERM") and supervisorctl signal.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sup {

/// Parse a signal given by name (with or without "SIG", any case) or number.
/// Returns nullopt if it names no signal.
std::optional<int> parseSignal(std::string_view text);

/// Canonical name without "SIG" ("TERM", "RTMIN+1"); "" if unknown.
std::string signalName(int signo);

}  // namespace sup
