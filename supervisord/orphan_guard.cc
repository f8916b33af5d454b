// The pure parts of the orphan guard: the state file's text, /proc/<pid>/stat
// parsing and the decision whether and how to stop a recorded child.
#include "supervisord/orphan_guard.h"

#include <csignal>
#include <cstdlib>
#include <sstream>

namespace sup {

std::string childStatePath(const std::string& pidfile) { return pidfile + ".children"; }

ChildRecord makeChildRecord(int pid, unsigned long long start_time, const ProcessConfig& config) {
  ChildRecord r;
  r.pid = pid;
  r.start_time = start_time;
  r.stopsignal = config.stopsignal;
  r.stopasgroup = config.stopasgroup;
  r.killasgroup = config.killasgroup;
  r.stopwaitsecs = config.stopwaitsecs;
  r.name = config.group + ":" + config.name;
  return r;
}

std::string formatChildState(const ChildState& state) {
  std::string out = "boot " + state.boot_id + "\n";
  for (const ChildRecord& r : state.children) {
    out += std::to_string(r.pid) + " " + std::to_string(r.start_time) + " " +
           std::to_string(r.stopsignal) + " " + (r.stopasgroup ? "1" : "0") + " " +
           (r.killasgroup ? "1" : "0") + " " + std::to_string(r.stopwaitsecs) + " " + r.name +
           "\n";
  }
  return out;
}

ChildState parseChildState(const std::string& text) {
  ChildState state;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("boot ", 0) == 0) {
      state.boot_id = line.substr(5);
      continue;
    }
    std::istringstream fields(line);
    ChildRecord r;
    int stopasgroup = -1, killasgroup = -1;
    if (!(fields >> r.pid >> r.start_time >> r.stopsignal >> stopasgroup >> killasgroup >>
          r.stopwaitsecs))
      continue;
    fields >> std::ws;
    std::getline(fields, r.name);
    bool flags_ok = (stopasgroup == 0 || stopasgroup == 1) && (killasgroup == 0 || killasgroup == 1);
    // pid 1 and below would address init, every process or a group by
    // accident: never from a file we wrote.
    if (r.pid <= 1 || r.start_time == 0 || r.stopsignal <= 0 || r.stopsignal >= NSIG ||
        r.stopwaitsecs < 0 || !flags_ok || r.name.empty())
      continue;
    r.stopasgroup = stopasgroup == 1;
    r.killasgroup = killasgroup == 1;
    state.children.push_back(r);
  }
  return state;
}

std::optional<ProcStat> parseProcStat(const std::string& text) {
  // "pid (comm) state ppid pgrp session tty_nr tpgid flags minflt cminflt
  //  majflt cmajflt utime stime cutime cstime priority nice num_threads
  //  itrealvalue starttime ..." - starttime is field 22, the 20th after comm.
  auto close_paren = text.rfind(')');
  if (close_paren == std::string::npos) return std::nullopt;
  std::istringstream in(text.substr(close_paren + 1));
  ProcStat st;
  std::string field;
  if (!(in >> st.state)) return std::nullopt;
  for (int i = 4; i < 22; ++i)
    if (!(in >> field)) return std::nullopt;
  if (!(in >> st.start_time)) return std::nullopt;
  return st;
}

std::optional<OrphanStop> planOrphanStop(const ChildRecord& record, const std::string& record_boot,
                                         const std::string& current_boot,
                                         const std::optional<ProcStat>& now) {
  // Start times count from boot: after a reboot they mean nothing.
  if (record_boot.empty() || record_boot != current_boot) return std::nullopt;
  if (!now || now->state == 'Z' || now->start_time != record.start_time) return std::nullopt;
  OrphanStop plan;
  plan.stop_target = record.stopasgroup ? -record.pid : record.pid;
  plan.stop_signal = record.stopsignal;
  plan.kill_target = record.killasgroup ? -record.pid : record.pid;
  plan.wait = std::chrono::seconds(record.stopwaitsecs);
  return plan;
}

}  // namespace sup
