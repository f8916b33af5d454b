#include "common/log_level.h"

#include <string>

namespace sup {

std::optional<LogLevel> parseLogLevel(std::string_view name) {
  std::string n;
  for (char c : name) n += c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c;
  if (n == "critical") return LogLevel::Critical;
  if (n == "error") return LogLevel::Error;
  if (n == "warn") return LogLevel::Warn;
  if (n == "info") return LogLevel::Info;
  if (n == "debug") return LogLevel::Debug;
  if (n == "trace") return LogLevel::Trace;
  if (n == "blather") return LogLevel::Blather;
  return std::nullopt;
}

const char* logLevelLabel(LogLevel level) {
  switch (level) {
    case LogLevel::Critical:
      return "CRIT";
    case LogLevel::Error:
      return "ERRO";
    case LogLevel::Warn:
      return "WARN";
    case LogLevel::Info:
      return "INFO";
    case LogLevel::Debug:
      return "DEBG";
    case LogLevel::Trace:
      return "TRAC";
    case LogLevel::Blather:
      return "BLAT";
  }
  return "INFO";
}

}  // namespace sup
