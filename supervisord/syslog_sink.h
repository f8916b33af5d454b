// Program output to syslog (stdout_syslog / stderr_syslog), as Supervisor's
// SyslogHandler sends it: one message per line, "<process name> <line>",
// facility user, priority info, tag "supervisord" (Python's syslog module
// without openlog). Datagrams go through a non-blocking socket to /dev/log,
// so a stuck or absent syslog daemon costs dropped lines (and one error
// line in the main log per outage), never a blocked event loop.
#pragma once

#include <ctime>
#include <functional>
#include <string>
#include <string_view>

namespace sup {

/// "<14>Nov 22 07:40:05 supervisord: <message>" (RFC 3164, as glibc's
/// syslog(3) writes it; the day of month is space-padded).
std::string syslogDatagram(std::string_view message, std::time_t now);

/// Cuts output into lines for syslog. A line split across reads is sent
/// once whole (Supervisor sends each read's pieces apart); a partial line
/// longer than kMaxLine, or the one left at EOF, is sent as it is.
class SyslogLines {
 public:
  static constexpr size_t kMaxLine = 4096;
  using Emit = std::function<void(std::string_view line)>;
  /// Every complete line of `data` (after what was left over before).
  void feed(std::string_view data, const Emit& emit);
  /// The partial line left over, if any (at EOF).
  void flush(const Emit& emit);
  /// The line begun and not yet sent; restorePartial() continues it (re-exec).
  const std::string& partial() const { return partial_; }
  void restorePartial(std::string partial) { partial_ = std::move(partial); }

 private:
  std::string partial_;
};

class SyslogSink {
 public:
  /// Reported once per outage: the first dropped message's reason, then
  /// (with "") when messages get through again; `dropped` counts the lost.
  using Report = std::function<void(const std::string& error, unsigned long long dropped)>;
  explicit SyslogSink(std::string socket_path = "/dev/log", Report report = {});
  ~SyslogSink();
  SyslogSink(const SyslogSink&) = delete;
  SyslogSink& operator=(const SyslogSink&) = delete;

  /// Send "<name> <line>" now, or drop it if syslog would block or is gone.
  bool send(std::string_view name, std::string_view line);

 private:
  bool connect();
  void fail(int err);

  std::string path_;
  Report report_;
  int fd_ = -1;
  bool failing_ = false;
  unsigned long long dropped_ = 0;
  std::time_t header_time_ = -1;  ///< the second header_ was made for
  std::string header_;
};

}  // namespace sup
