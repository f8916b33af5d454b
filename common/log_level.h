// Supervisor's seven log levels (loggers.py LevelsByName): one definition for
// the config check of loglevel=, the daemon's main log and everything that
// writes to it (state machine actions, the control server).
#pragma once

#include <optional>
#include <string_view>

namespace sup {

enum class LogLevel { Blather = 3, Trace = 5, Debug = 10, Info = 20, Warn = 30, Error = 40, Critical = 50 };

/// "critical", "error", "warn", "info", "debug", "trace", "blather" (any
/// ASCII case); nullopt for anything else.
std::optional<LogLevel> parseLogLevel(std::string_view name);
/// "CRIT", "ERRO", "WARN", "INFO", "DEBG", "TRAC", "BLAT": the main log's.
const char* logLevelLabel(LogLevel level);

}  // namespace sup
