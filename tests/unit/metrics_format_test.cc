// The /metrics text (supervisord/metrics_format.h): names, labels, HELP and
// TYPE lines, escaping, and what is left out for a process without a child.
#include "supervisord/metrics_format.h"

#include <catch2/catch.hpp>
#include <sstream>

using namespace sup;
using proto::ProcessState;

namespace {

ProcessMetrics process(const std::string& name, const std::string& group) {
  ProcessMetrics p;
  p.name = name;
  p.group = group;
  return p;
}

bool hasLine(const std::string& text, const std::string& line) {
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);)
    if (l == line) return true;
  return false;
}

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1))
    ++n;
  return n;
}

}  // namespace

TEST_CASE("label values escape backslash double quote and newline and keep UTF-8") {
  std::string out;
  appendLabelValue(out, "a\\b\"c\nd");
  CHECK(out == "a\\\\b\\\"c\\nd");
  out.clear();
  appendLabelValue(out, "caf\xc3\xa9 \xe2\x9c\x93 {x=1}");
  CHECK(out == "caf\xc3\xa9 \xe2\x9c\x93 {x=1}");
}

TEST_CASE("a running process has its state up uptime counters and kernel numbers") {
  MetricsSnapshot s;
  auto p = process("web", "site");
  p.state = ProcessState::kRunning;
  p.uptime_seconds = 12.5;
  p.starts = 3;
  p.restarts = 2;
  p.exits_expected = 1;
  p.exits_unexpected = 1;
  p.last_exit_status = 0;
  p.last_exit_signal = 9;
  p.backoff_seconds = 0.25;
  p.proc = ProcStats{1.5, 4096, 7};
  p.stdout_log = {true, 100, 2, 0};
  p.stderr_log = {true, 5, 0, 3};
  s.processes.push_back(p);
  std::string t = formatMetrics(s);
  const std::string l = "{name=\"web\",group=\"site\"";
  CHECK(hasLine(t, "supervisor_process_state" + l + ",state=\"RUNNING\"} 1"));
  CHECK(hasLine(t, "supervisor_process_state" + l + ",state=\"STOPPED\"} 0"));
  CHECK(count(t, "supervisor_process_state{") == 8);
  CHECK(hasLine(t, "supervisor_process_up" + l + "} 1"));
  CHECK(hasLine(t, "supervisor_process_uptime_seconds" + l + "} 12.5"));
  CHECK(hasLine(t, "supervisor_process_starts_total" + l + "} 3"));
  CHECK(hasLine(t, "supervisor_process_restarts_total" + l + "} 2"));
  CHECK(hasLine(t, "supervisor_process_exits_total" + l + ",expected=\"true\"} 1"));
  CHECK(hasLine(t, "supervisor_process_exits_total" + l + ",expected=\"false\"} 1"));
  CHECK(hasLine(t, "supervisor_process_last_exit_status" + l + "} 0"));
  CHECK(hasLine(t, "supervisor_process_last_exit_signal" + l + "} 9"));
  CHECK(hasLine(t, "supervisor_process_backoff_seconds_total" + l + "} 0.25"));
  CHECK(hasLine(t, "supervisor_process_cpu_seconds_total" + l + "} 1.5"));
  CHECK(hasLine(t, "supervisor_process_resident_memory_bytes" + l + "} 4096"));
  CHECK(hasLine(t, "supervisor_process_open_fds" + l + "} 7"));
  CHECK(hasLine(t, "supervisor_process_log_written_bytes_total" + l + ",stream=\"stdout\"} 100"));
  CHECK(hasLine(t, "supervisor_process_log_written_bytes_total" + l + ",stream=\"stderr\"} 5"));
  CHECK(hasLine(t, "supervisor_process_log_rotations_total" + l + ",stream=\"stdout\"} 2"));
  CHECK(hasLine(t, "supervisor_process_log_dropped_bytes_total" + l + ",stream=\"stderr\"} 3"));
}

TEST_CASE("a stopped process has no kernel numbers and no last exit before its first exit") {
  MetricsSnapshot s;
  auto p = process("idle", "idle");
  p.stdout_log.has_file = true;  // stderr has no log file (NONE or redirected)
  s.processes.push_back(p);
  std::string t = formatMetrics(s);
  CHECK(hasLine(t, "supervisor_process_state{name=\"idle\",group=\"idle\",state=\"STOPPED\"} 1"));
  CHECK(hasLine(t, "supervisor_process_up{name=\"idle\",group=\"idle\"} 0"));
  CHECK(t.find("supervisor_process_cpu_seconds_total{") == std::string::npos);
  CHECK(t.find("supervisor_process_resident_memory_bytes{") == std::string::npos);
  CHECK(t.find("supervisor_process_open_fds{") == std::string::npos);
  CHECK(t.find("supervisor_process_last_exit_status{") == std::string::npos);
  CHECK(t.find("stream=\"stderr\"") == std::string::npos);
  CHECK(count(t, "stream=\"stdout\"") == 3);
}

TEST_CASE("every family has one HELP and one TYPE line before its samples") {
  MetricsSnapshot s;
  s.processes.push_back(process("a", "a"));
  s.processes.push_back(process("b", "a"));
  s.daemon.proc = ProcStats{0.5, 1 << 20, std::nullopt};
  s.daemon.loop_iterations = 42;
  s.daemon.clients = 1;
  s.daemon.events_delivered = 7;
  s.daemon.events_dropped = 2;
  std::string t = formatMetrics(s);
  CHECK(hasLine(t, "# TYPE supervisor_process_state gauge"));
  CHECK(hasLine(t, "# TYPE supervisor_process_starts_total counter"));
  CHECK(hasLine(t, "# TYPE supervisor_daemon_clients gauge"));
  CHECK(hasLine(t, "supervisor_daemon_cpu_seconds_total 0.5"));
  CHECK(hasLine(t, "supervisor_daemon_resident_memory_bytes 1048576"));
  CHECK(hasLine(t, "supervisor_daemon_loop_iterations_total 42"));
  CHECK(hasLine(t, "supervisor_daemon_clients 1"));
  CHECK(hasLine(t, "supervisor_daemon_events_delivered_total 7"));
  CHECK(hasLine(t, "supervisor_daemon_events_dropped_total 2"));
  // Samples of a family are together, right after its TYPE line.
  std::istringstream in(t);
  std::string current;
  std::size_t helps = 0, types = 0;
  for (std::string l; std::getline(in, l);) {
    if (l.rfind("# HELP ", 0) == 0) {
      ++helps;
      current = l.substr(7, l.find(' ', 7) - 7);
      continue;
    }
    if (l.rfind("# TYPE ", 0) == 0) {
      ++types;
      CHECK(l.substr(7, l.find(' ', 7) - 7) == current);
      continue;
    }
    INFO(l);
    CHECK(l.rfind(current, 0) == 0);
    CHECK((l[current.size()] == '{' || l[current.size()] == ' '));
  }
  CHECK(helps == types);
  CHECK(helps == 21);
  CHECK(t.back() == '\n');
}

TEST_CASE("names with quotes backslashes newlines and unicode are escaped in every label") {
  MetricsSnapshot s;
  auto p = process("we\"b\\1\n\xc3\xa9", "gr\"p");
  p.stdout_log.has_file = true;
  s.processes.push_back(p);
  std::string t = formatMetrics(s);
  const std::string l = "{name=\"we\\\"b\\\\1\\n\xc3\xa9\",group=\"gr\\\"p\"";
  CHECK(hasLine(t, "supervisor_process_up" + l + "} 0"));
  CHECK(hasLine(t, "supervisor_process_log_rotations_total" + l + ",stream=\"stdout\"} 0"));
  // No raw newline escapes from a label: every line is a comment or a sample.
  std::istringstream in(t);
  for (std::string line; std::getline(in, line);) {
    INFO(line);
    CHECK((line.rfind("# ", 0) == 0 || line.rfind("supervisor_", 0) == 0));
  }
}
