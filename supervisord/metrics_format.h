// GET /metrics and `supervisorctl metrics` (docs/metrics.md): a snapshot of
// the daemon's and its processes' numbers as plain data, and its text in
// Prometheus' exposition format 0.0.4. Pure: metrics_collect.h fills the
// snapshot (counters the daemon keeps, /proc read at scrape time), this
// file only writes it, so every name, label and escape is unit-tested.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/process_states.h"

namespace sup {

/// The Content-Type of the text format, version 0.0.4.
inline constexpr std::string_view kMetricsContentType = "text/plain; version=0.0.4; charset=utf-8";

/// What the kernel says about a live process (/proc/PID), read when scraped.
struct ProcStats {
  double cpu_seconds = 0;  ///< utime + stime
  std::uint64_t rss_bytes = 0;
  std::optional<std::uint64_t> open_fds;  ///< unset when /proc/PID/fd is unreadable
};

/// One log stream's counters (stdout or stderr), for a stream with a log file.
struct LogStreamMetrics {
  bool has_file = false;
  std::uint64_t written_bytes = 0;
  std::uint64_t rotations = 0;
  std::uint64_t dropped_bytes = 0;
};

struct ProcessMetrics {
  std::string name;
  std::string group;
  proto::ProcessState state = proto::ProcessState::kStopped;
  double uptime_seconds = 0;  ///< since the child started, while RUNNING; else 0
  std::uint64_t starts = 0;
  std::uint64_t restarts = 0;
  std::uint64_t exits_expected = 0;
  std::uint64_t exits_unexpected = 0;
  std::optional<int> last_exit_status;  ///< set once a child of it has exited
  std::optional<int> last_exit_signal;
  double backoff_seconds = 0;
  std::optional<ProcStats> proc;  ///< only while it has a child
  LogStreamMetrics stdout_log;
  LogStreamMetrics stderr_log;
};

struct DaemonMetrics {
  std::optional<ProcStats> proc;
  std::uint64_t loop_iterations = 0;
  std::uint64_t clients = 0;
  std::uint64_t events_delivered = 0;
  std::uint64_t events_dropped = 0;
};

struct MetricsSnapshot {
  DaemonMetrics daemon;
  std::vector<ProcessMetrics> processes;
};

/// The exposition text: a HELP and a TYPE line per metric family, then its
/// samples (every family is written, even with no samples).
std::string formatMetrics(const MetricsSnapshot& snapshot);

/// A label value as the text format wants it: backslash, double quote and
/// newline escaped (\\, \", \n); every other byte as it is (UTF-8 passes).
void appendLabelValue(std::string& out, std::string_view value);

}  // namespace sup
