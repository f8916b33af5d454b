// The pure parts of the orphan guard: the state file's text, /proc/<pid>/stat
// parsing and the decision whether and how to stop a recorded child.
#include "supervisord/orphan_guard.h"

#include <algorithm>
#include <charconv>
#include <csignal>
#include <cstdlib>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace sup {

namespace {

// Whitespace-separated fields read one at a time (what `istream >> x` did,
// without iostreams: they would link libstdc++'s locale code into the
// daemon).
class Fields {
 public:
  explicit Fields(std::string_view text) : rest_(text) {}

  std::string_view next() {
    skipSpace();
    std::size_t end = 0;
    while (end < rest_.size() && !isSpace(rest_[end])) ++end;
    std::string_view field = rest_.substr(0, end);
    rest_.remove_prefix(end);
    return field;
  }

  /// The next field as a whole number; false if it is missing or not one.
  template <class T>
  bool number(T& out) {
    std::string_view f = next();
    auto [end, ec] = std::from_chars(f.data(), f.data() + f.size(), out);
    return !f.empty() && ec == std::errc() && end == f.data() + f.size();
  }

  /// Everything after the next run of spaces.
  std::string_view remainder() {
    skipSpace();
    return rest_;
  }

 private:
  static bool isSpace(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
  void skipSpace() {
    while (!rest_.empty() && isSpace(rest_.front())) rest_.remove_prefix(1);
  }
  std::string_view rest_;
};

}  // namespace

std::string childStatePath(const std::string& pidfile) {
  return pidfile + ".children";
}

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

std::string formatChildRecord(const ChildRecord& r) {
  return std::to_string(r.pid) + " " + std::to_string(r.start_time) + " " +
         std::to_string(r.stopsignal) + " " + (r.stopasgroup ? "1" : "0") + " " +
         (r.killasgroup ? "1" : "0") + " " + std::to_string(r.stopwaitsecs) + " " + r.name + "\n";
}

std::string formatChildGone(const std::string& name) {
  return "- " + name + "\n";
}

std::string formatChildState(const ChildState& state) {
  std::string out = "boot " + state.boot_id + "\n";
  for (const ChildRecord& r : state.children) out += formatChildRecord(r);
  return out;
}

ChildState parseChildState(const std::string& text) {
  ChildState state;
  std::unordered_map<std::string, size_t> at;  // name -> index in state.children
  std::vector<bool> gone;
  std::string_view rest = text;
  while (!rest.empty()) {
    size_t nl = rest.find('\n');
    if (nl == std::string_view::npos) break;  // an append cut short
    std::string_view line = rest.substr(0, nl);
    rest.remove_prefix(nl + 1);
    if (line.starts_with("boot ")) {
      state.boot_id = line.substr(5);
      continue;
    }
    if (line.starts_with("- ")) {
      auto it = at.find(std::string(line.substr(2)));
      if (it != at.end()) {
        gone[it->second] = true;
        at.erase(it);
      }
      continue;
    }
    Fields fields(line);
    ChildRecord r;
    int stopasgroup = -1, killasgroup = -1;
    if (!(fields.number(r.pid) && fields.number(r.start_time) && fields.number(r.stopsignal) &&
          fields.number(stopasgroup) && fields.number(killasgroup) &&
          fields.number(r.stopwaitsecs)))
      continue;
    r.name = fields.remainder();
    bool flags_ok =
        (stopasgroup == 0 || stopasgroup == 1) && (killasgroup == 0 || killasgroup == 1);
    // pid 1 and below would address init, every process or a group by
    // accident: never from a file we wrote.
    if (r.pid <= 1 || r.start_time == 0 || r.stopsignal <= 0 || r.stopsignal >= NSIG ||
        r.stopwaitsecs < 0 || !flags_ok || r.name.empty())
      continue;
    r.stopasgroup = stopasgroup == 1;
    r.killasgroup = killasgroup == 1;
    auto [it, fresh] = at.emplace(r.name, state.children.size());
    if (fresh) {
      state.children.push_back(r);
      gone.push_back(false);
    } else {
      state.children[it->second] = r;  // the same program spawned again
    }
  }
  std::vector<ChildRecord> live;
  for (size_t i = 0; i < state.children.size(); ++i)
    if (!gone[i]) live.push_back(std::move(state.children[i]));
  state.children = std::move(live);
  return state;
}

std::optional<ProcStat> parseProcStat(const std::string& text) {
  // "pid (comm) state ppid pgrp session tty_nr tpgid flags minflt cminflt
  //  majflt cmajflt utime stime cutime cstime priority nice num_threads
  //  itrealvalue starttime ..." - starttime is field 22, the 20th after comm.
  auto close_paren = text.rfind(')');
  if (close_paren == std::string::npos) return std::nullopt;
  Fields in(std::string_view(text).substr(close_paren + 1));
  ProcStat st;
  std::string_view state = in.next();
  if (state.empty()) return std::nullopt;
  st.state = state.front();
  for (int i = 4; i < 22; ++i)
    if (in.next().empty()) return std::nullopt;
  if (!in.number(st.start_time)) return std::nullopt;
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
