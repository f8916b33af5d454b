// The Supervisor's side of /metrics: each process's state, counters and
// log counters as a ProcessMetrics, read from what the daemon already
// keeps. The kernel's numbers come from the caller's reader, so this file
// makes no system call (tests pass a fake). Also the counters' hand-over
// across a re-exec, which promises that nothing observable starts over.
#include <nlohmann/json.hpp>

#include "supervisord/supervisor.h"
#include "supervisord/supervisor_internal.h"

namespace sup {
namespace {

using nlohmann::json;

json optionalInt(const std::optional<int>& v) {
  return v ? json(*v) : json(nullptr);
}

json streamJson(const LogStreamMetrics& m) {
  return json::array({m.written_bytes, m.rotations, m.dropped_bytes});
}

// A count is a JSON integer >= 0; anything else in a record is ignored.
std::optional<std::uint64_t> count(const json& j) {
  if (!j.is_number_unsigned()) return std::nullopt;
  return j.get<std::uint64_t>();
}

std::optional<std::uint64_t> count(const json& obj, const char* key) {
  auto it = obj.find(key);
  return it == obj.end() ? std::nullopt : count(*it);
}

std::optional<std::int64_t> nanos(const json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<std::int64_t>();
}

// null, or an integer in [0, 255] (an exit status or a signal number).
bool smallInt(const json& obj, const char* key, std::optional<int>* out) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return true;
  auto v = count(*it);
  if (!v || *v > 255) return false;
  *out = static_cast<int>(*v);
  return true;
}

std::optional<LogStreamMetrics> streamFromJson(const json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_array() || it->size() != 3) return std::nullopt;
  auto written = count((*it)[0]), rotations = count((*it)[1]), dropped = count((*it)[2]);
  if (!written || !rotations || !dropped) return std::nullopt;
  LogStreamMetrics m;
  m.written_bytes = *written;
  m.rotations = *rotations;
  m.dropped_bytes = *dropped;
  return m;
}

std::optional<ProcessCounters::Saved> countersFromJson(const json& obj) {
  ProcessCounters::Saved s;
  auto starts = count(obj, "starts"), expected = count(obj, "exits_expected"),
       unexpected = count(obj, "exits_unexpected");
  auto backoff = nanos(obj, "backoff_ns");
  if (!starts || !expected || !unexpected || !backoff || *backoff < 0) return std::nullopt;
  if (!smallInt(obj, "last_status", &s.last_status)) return std::nullopt;
  if (!smallInt(obj, "last_signal", &s.last_signal)) return std::nullopt;
  s.starts = *starts;
  s.exits_expected = *expected;
  s.exits_unexpected = *unexpected;
  s.backoff_ns = *backoff;
  if (auto it = obj.find("backoff_since_ns"); it != obj.end() && !it->is_null()) {
    auto since = nanos(obj, "backoff_since_ns");
    if (!since) return std::nullopt;
    s.backoff_since_ns = *since;
  }
  return s;
}

}  // namespace

std::vector<ProcessMetrics> Supervisor::processMetrics(const ProcReader& read_proc) const {
  const auto mono = loop_.now();
  std::vector<ProcessMetrics> out;
  const auto& order = sortedProcesses();
  out.reserve(order.size());
  for (const Process* p : order) {
    ProcessMetrics m;
    m.name = p->id.name;
    m.group = p->id.group;
    const ProcessStateMachine& machine = p->machine;
    m.state = machine.state();
    if (m.state == ProcessState::kRunning && mono > machine.lastStartMono()) {
      m.uptime_seconds = std::chrono::duration<double>(mono - machine.lastStartMono()).count();
    }
    const ProcessCounters& c = p->counters;
    m.starts = c.starts();
    m.restarts = c.restarts();
    m.exits_expected = c.exitsExpected();
    m.exits_unexpected = c.exitsUnexpected();
    m.last_exit_status = c.lastExitStatus();
    m.last_exit_signal = c.lastExitSignal();
    m.backoff_seconds = c.backoffSeconds(mono);
    if (machine.pid() != 0 && read_proc) m.proc = read_proc(machine.pid());
    if (p->capture) {
      m.stdout_log = p->capture->counters(false);
      m.stderr_log = p->capture->counters(true);
    }
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace sup

namespace sup {

std::string Supervisor::metricsHandOver() const {
  json processes = json::object();
  for (const Process* p : sortedProcesses()) {
    ProcessCounters::Saved c = p->counters.save();
    json j = {{"starts", c.starts},
              {"exits_expected", c.exits_expected},
              {"exits_unexpected", c.exits_unexpected},
              {"last_status", optionalInt(c.last_status)},
              {"last_signal", optionalInt(c.last_signal)},
              {"backoff_ns", c.backoff_ns},
              {"backoff_since_ns", c.backoff_since_ns ? json(*c.backoff_since_ns) : json(nullptr)}};
    if (p->capture) {
      j["stdout"] = streamJson(p->capture->counters(false));
      j["stderr"] = streamJson(p->capture->counters(true));
    }
    processes[namespec(p->id)] = std::move(j);
  }
  return json{{"processes", std::move(processes)},
              {"loop_iterations", loop_.iterations()},
              {"events_delivered", events_->delivered()},
              {"events_dropped", events_->dropped()}}
      .dump();
}

void Supervisor::adoptMetrics(const std::string& handed_over) {
  // A bad record costs that record's counters (they start from zero, as
  // they would have before this existed), never the adoption.
  json j = json::parse(handed_over, nullptr, false);
  if (!j.is_object()) return;
  if (auto n = count(j, "loop_iterations")) loop_.carryOverIterations(*n);
  auto delivered = count(j, "events_delivered"), dropped = count(j, "events_dropped");
  if (delivered && dropped) events_->carryOverCounts(*delivered, *dropped);
  auto processes = j.find("processes");
  if (processes == j.end() || !processes->is_object()) return;
  for (const auto& g : groups_) {
    for (const auto& p : g->processes) {
      auto it = processes->find(namespec(p->id));
      if (it == processes->end() || !it->is_object()) continue;
      if (auto saved = countersFromJson(*it)) p->counters.restore(*saved);
      if (!p->capture) continue;
      if (auto out = streamFromJson(*it, "stdout")) p->capture->carryOverCounters(false, *out);
      if (auto err = streamFromJson(*it, "stderr")) p->capture->carryOverCounters(true, *err);
    }
  }
}

}  // namespace sup
