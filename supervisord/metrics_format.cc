#include "supervisord/metrics_format.h"

#include <charconv>
#include <cstdio>
#include <functional>

namespace sup {
namespace {

using proto::ProcessState;

// Every state a process can be in, for the enum-style state family: one
// sample per state, 1 for the current one (Prometheus' StateSet idiom), so
// `supervisor_process_state{state="FATAL"} == 1` is a plain query.
constexpr ProcessState kStates[] = {
    ProcessState::kStopped, ProcessState::kStarting, ProcessState::kRunning,
    ProcessState::kBackoff, ProcessState::kStopping, ProcessState::kExited,
    ProcessState::kFatal,   ProcessState::kUnknown,
};

void appendNumber(std::string& out, std::uint64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void appendNumber(std::string& out, int v) {
  char buf[16];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

// Nine significant digits: milliseconds of a 12-day uptime. (snprintf, not
// std::to_chars: the latter's double tables would add ~100 KB of text to the
// daemon, and its code is resident memory.)
void appendNumber(std::string& out, double v) {
  char buf[32];
  int n = std::snprintf(buf, sizeof buf, "%.9g", v);
  if (n > 0) out.append(buf, static_cast<std::size_t>(n));
}

void header(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n");
  out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

// The writer of one family's samples: name{labels} and the value.
class Writer {
 public:
  explicit Writer(std::string& out) : out_(out) {}

  template <typename T>
  void sample(std::string_view name, std::string_view labels, T value) {
    out_.append(name);
    if (!labels.empty()) out_.append("{").append(labels).append("}");
    out_.push_back(' ');
    appendNumber(out_, value);
    out_.push_back('\n');
  }

 private:
  std::string& out_;
};

// A process family: its header, then one call of `each` per process with
// the process's escaped name/group labels.
void processFamily(
    std::string& out, const MetricsSnapshot& s, const std::vector<std::string>& labels,
    std::string_view name, std::string_view type, std::string_view help,
    const std::function<void(Writer&, const ProcessMetrics&, const std::string& labels)>& each) {
  header(out, name, type, help);
  Writer w(out);
  for (std::size_t i = 0; i < s.processes.size(); ++i) each(w, s.processes[i], labels[i]);
}

void logFamily(std::string& out, const MetricsSnapshot& s, const std::vector<std::string>& labels,
               std::string_view name, std::string_view help,
               std::uint64_t LogStreamMetrics::*field) {
  header(out, name, "counter", help);
  Writer w(out);
  std::string l;
  for (std::size_t i = 0; i < s.processes.size(); ++i) {
    const ProcessMetrics& p = s.processes[i];
    for (const auto& [stream, m] :
         {std::pair{"stdout", &p.stdout_log}, {"stderr", &p.stderr_log}}) {
      if (!m->has_file) continue;
      l.assign(labels[i]).append(",stream=\"").append(stream).append("\"");
      w.sample(name, l, m->*field);
    }
  }
}

void processFamilies(std::string& out, const MetricsSnapshot& s) {
  std::vector<std::string> labels;
  labels.reserve(s.processes.size());
  for (const auto& p : s.processes) {
    std::string l = "name=\"";
    appendLabelValue(l, p.name);
    l.append("\",group=\"");
    appendLabelValue(l, p.group);
    l.push_back('"');
    labels.push_back(std::move(l));
  }
  std::string l;
  processFamily(out, s, labels, "supervisor_process_state", "gauge",
                "Whether the process is in this state (1) or not (0), one sample per state.",
                [&l](Writer& w, const ProcessMetrics& p, const std::string& base) {
                  for (ProcessState st : kStates) {
                    l.assign(base).append(",state=\"");
                    l.append(proto::processStateName(static_cast<int>(st))).append("\"");
                    w.sample("supervisor_process_state", l, p.state == st ? 1 : 0);
                  }
                });
  processFamily(
      out, s, labels, "supervisor_process_up", "gauge", "1 while the process is RUNNING, else 0.",
      [](Writer& w, const ProcessMetrics& p, const std::string& base) {
        w.sample("supervisor_process_up", base, p.state == ProcessState::kRunning ? 1 : 0);
      });
  processFamily(out, s, labels, "supervisor_process_uptime_seconds", "gauge",
                "Seconds since the running child was started (0 when not RUNNING).",
                [](Writer& w, const ProcessMetrics& p, const std::string& base) {
                  w.sample("supervisor_process_uptime_seconds", base, p.uptime_seconds);
                });
  processFamily(out, s, labels, "supervisor_process_starts_total", "counter",
                "Children started (forked) for the process.",
                [](Writer& w, const ProcessMetrics& p, const std::string& base) {
                  w.sample("supervisor_process_starts_total", base, p.starts);
                });
  processFamily(out, s, labels, "supervisor_process_restarts_total", "counter",
                "Children started after the first: autorestarts, BACKOFF retries, restarts.",
                [](Writer& w, const ProcessMetrics& p, const std::string& base) {
                  w.sample("supervisor_process_restarts_total", base, p.restarts);
                });
  processFamily(out, s, labels, "supervisor_process_exits_total", "counter",
                "Children reaped, by whether the exit was expected.",
                [&l](Writer& w, const ProcessMetrics& p, const std::string& base) {
                  l.assign(base).append(",expected=\"true\"");
                  w.sample("supervisor_process_exits_total", l, p.exits_expected);
                  l.assign(base).append(",expected=\"false\"");
                  w.sample("supervisor_process_exits_total", l, p.exits_unexpected);
                });
  processFamily(out, s, labels, "supervisor_process_last_exit_status", "gauge",
                "Exit status of the last child reaped (0 when a signal ended it).",
                [](Writer& w, const ProcessMetrics& p, const std::string& base) {
                  if (p.last_exit_status)
                    w.sample("supervisor_process_last_exit_status", base, *p.last_exit_status);
                });
  processFamily(out, s, labels, "supervisor_process_last_exit_signal", "gauge",
                "Signal that ended the last child reaped (0 when it exited).",
                [](Writer& w, const ProcessMetrics& p, const std::string& base) {
                  if (p.last_exit_signal)
                    w.sample("supervisor_process_last_exit_signal", base, *p.last_exit_signal);
                });
  processFamily(out, s, labels, "supervisor_process_backoff_seconds_total", "counter",
                "Seconds the process has spent in the BACKOFF state.",
                [](Writer& w, const ProcessMetrics& p, const std::string& base) {
                  w.sample("supervisor_process_backoff_seconds_total", base, p.backoff_seconds);
                });
  processFamily(out, s, labels, "supervisor_process_cpu_seconds_total", "counter",
                "User and system CPU seconds of the running child (not its children).",
                [](Writer& w, const ProcessMetrics& p, const std::string& base) {
                  if (p.proc)
                    w.sample("supervisor_process_cpu_seconds_total", base, p.proc->cpu_seconds);
                });
  processFamily(out, s, labels, "supervisor_process_resident_memory_bytes", "gauge",
                "Resident set size of the running child.",
                [](Writer& w, const ProcessMetrics& p, const std::string& base) {
                  if (p.proc) {
                    w.sample("supervisor_process_resident_memory_bytes", base, p.proc->rss_bytes);
                  }
                });
  processFamily(out, s, labels, "supervisor_process_open_fds", "gauge",
                "File descriptors the running child has open.",
                [](Writer& w, const ProcessMetrics& p, const std::string& base) {
                  if (p.proc && p.proc->open_fds) {
                    w.sample("supervisor_process_open_fds", base, *p.proc->open_fds);
                  }
                });
  logFamily(out, s, labels, "supervisor_process_log_written_bytes_total",
            "Bytes of output written to the stream's log file.", &LogStreamMetrics::written_bytes);
  logFamily(out, s, labels, "supervisor_process_log_rotations_total",
            "Rotations of the stream's log file.", &LogStreamMetrics::rotations);
  logFamily(out, s, labels, "supervisor_process_log_dropped_bytes_total",
            "Bytes of output dropped while the log file could not be written.",
            &LogStreamMetrics::dropped_bytes);
}

void daemonFamilies(std::string& out, const DaemonMetrics& d) {
  Writer w(out);
  header(out, "supervisor_daemon_cpu_seconds_total", "counter",
         "User and system CPU seconds of supervisord.");
  if (d.proc) w.sample("supervisor_daemon_cpu_seconds_total", "", d.proc->cpu_seconds);
  header(out, "supervisor_daemon_resident_memory_bytes", "gauge",
         "Resident set size of supervisord.");
  if (d.proc) w.sample("supervisor_daemon_resident_memory_bytes", "", d.proc->rss_bytes);
  header(out, "supervisor_daemon_loop_iterations_total", "counter",
         "Turns of supervisord's event loop (each wakes it from epoll_wait).");
  w.sample("supervisor_daemon_loop_iterations_total", "", d.loop_iterations);
  header(out, "supervisor_daemon_clients", "gauge",
         "Clients connected to the control sockets (this scrape included).");
  w.sample("supervisor_daemon_clients", "", d.clients);
  header(out, "supervisor_daemon_events_delivered_total", "counter",
         "Events handed to a listener pool or an event stream subscriber.");
  w.sample("supervisor_daemon_events_delivered_total", "", d.events_delivered);
  header(out, "supervisor_daemon_events_dropped_total", "counter",
         "Events discarded: a listener pool's buffer overflowed or a subscriber lagged.");
  w.sample("supervisor_daemon_events_dropped_total", "", d.events_dropped);
}

}  // namespace

void appendLabelValue(std::string& out, std::string_view value) {
  for (char c : value) {
    switch (c) {
      case '\\':
        out.append("\\\\");
        break;
      case '"':
        out.append("\\\"");
        break;
      case '\n':
        out.append("\\n");
        break;
      default:
        out.push_back(c);
    }
  }
}

std::string formatMetrics(const MetricsSnapshot& snapshot) {
  std::string out;
  // About 2 KB of samples per process: one allocation for the whole text.
  out.reserve(4096 + snapshot.processes.size() * 2400);
  processFamilies(out, snapshot);
  daemonFamilies(out, snapshot.daemon);
  return out;
}

}  // namespace sup
