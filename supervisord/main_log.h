// supervisord's own log ("the main log"): one synchronous sink that writes
// Supervisor's line format
//   2026-11-22 02:05:46,703 INFO spawned: 'web' with pid 8607
// to a RotatingFile (Supervisor's .1 ... .N names), to syslog for
// logfile=syslog, and also to stdout when running in the foreground.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/log_level.h"

namespace sup {

struct LogRegistry;

struct MainLogOptions {
  std::string path;  ///< absolute path, "syslog", or a device like /dev/stdout
  long long maxbytes = 50LL * 1024 * 1024;
  int backups = 10;
  LogLevel level = LogLevel::Info;
  bool echo_stdout = false;  ///< nodaemon && !silent
  /// Where the file registers, for rotateLog and tailMainLogFollow.
  LogRegistry* registry = nullptr;
};

class MainLogSink;

class MainLog {
 public:
  MainLog();
  ~MainLog();
  MainLog(const MainLog&) = delete;
  MainLog& operator=(const MainLog&) = delete;

  /// Open the destination. Lines logged before open() are kept and written
  /// now (Supervisor replays its parse-time messages the same way).
  bool open(const MainLogOptions& opts, std::string* error);
  /// Write one line if `level` passes the threshold.
  void log(LogLevel level, std::string_view message);
  bool enabled(LogLevel level) const { return level >= level_; }
  void setLevel(LogLevel level) { level_ = level; }
  /// Stop echoing to stdout (after daemonizing, stdout is /dev/null).
  void setEchoStdout(bool on);
  /// Reopen the file by name (SIGUSR2, logrotate).
  void reopen();
  /// Remove the file and start it empty (clearLog).
  bool clear();
  /// The file path, or "" when logging to syslog or not opened.
  std::string path() const;

  void critical(std::string_view m) { log(LogLevel::Critical, m); }
  void error(std::string_view m) { log(LogLevel::Error, m); }
  void warn(std::string_view m) { log(LogLevel::Warn, m); }
  void info(std::string_view m) { log(LogLevel::Info, m); }
  void debug(std::string_view m) { log(LogLevel::Debug, m); }
  void trace(std::string_view m) { log(LogLevel::Trace, m); }
  void blather(std::string_view m) { log(LogLevel::Blather, m); }

 private:
  LogLevel level_ = LogLevel::Info;
  // No spdlog: the sink formats every line itself (Supervisor's format and
  // its seven levels, which spdlog does not have), so spdlog was a pass-
  // through that linked spdlog and fmt (~130 KB of code) into the daemon.
  std::unique_ptr<MainLogSink> sink_;
  bool opened_ = false;
  std::vector<std::pair<LogLevel, std::string>> pending_;
};

}  // namespace sup
