#include "common/protocol.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <limits>
#include <type_traits>

#include "common/process_info_fields.h"

namespace sup::proto {

std::string_view faultName(int code) {
  switch (static_cast<Fault>(code)) {
    case Fault::kUnknownMethod:
      return "UNKNOWN_METHOD";
    case Fault::kIncorrectParameters:
      return "INCORRECT_PARAMETERS";
    case Fault::kBadArguments:
      return "BAD_ARGUMENTS";
    case Fault::kSignatureUnsupported:
      return "SIGNATURE_UNSUPPORTED";
    case Fault::kShutdownState:
      return "SHUTDOWN_STATE";
    case Fault::kBadName:
      return "BAD_NAME";
    case Fault::kBadSignal:
      return "BAD_SIGNAL";
    case Fault::kNoFile:
      return "NO_FILE";
    case Fault::kNotExecutable:
      return "NOT_EXECUTABLE";
    case Fault::kFailed:
      return "FAILED";
    case Fault::kAbnormalTermination:
      return "ABNORMAL_TERMINATION";
    case Fault::kSpawnError:
      return "SPAWN_ERROR";
    case Fault::kAlreadyStarted:
      return "ALREADY_STARTED";
    case Fault::kNotRunning:
      return "NOT_RUNNING";
    case Fault::kSuccess:
      return "SUCCESS";
    case Fault::kAlreadyAdded:
      return "ALREADY_ADDED";
    case Fault::kStillRunning:
      return "STILL_RUNNING";
    case Fault::kCantReread:
      return "CANT_REREAD";
  }
  return "";
}

std::string faultString(Fault fault, std::string_view extra) {
  std::string s(faultName(static_cast<int>(fault)));
  if (!extra.empty()) {
    s += ": ";
    s += extra;
  }
  return s;
}

namespace {

// Deeply nested JSON is refused before parsing: copying or printing a parsed
// value recurses once per level, so a 200 KB line of "[[[[..." would
// overflow the daemon's stack (found by fuzzing). No legitimate call comes
// close to this depth.
constexpr int kMaxJsonDepth = 128;

bool nestedTooDeep(std::string_view line) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (in_string) {
      if (c == '\\')
        ++i;  // skip the escaped character
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"')
      in_string = true;
    else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth) return true;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return false;
}

}  // namespace

Result<Request> parseRequest(std::string_view line, json* id_out) {
  if (nestedTooDeep(line)) return Error{"Invalid Request"};
  json j = json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Error{"Parse error"};
  if (!j.is_object()) return Error{"Invalid Request"};
  Request req;
  if (auto it = j.find("id"); it != j.end()) {
    if (!(it->is_string() || it->is_number() || it->is_null())) return Error{"Invalid Request"};
    req.id = *it;
    req.has_id = true;
    if (id_out) *id_out = *it;
  }
  auto jv = j.find("jsonrpc");
  if (jv == j.end() || *jv != "2.0") return Error{"Invalid Request"};
  auto m = j.find("method");
  if (m == j.end() || !m->is_string()) return Error{"Invalid Request"};
  req.method = m->get<std::string>();
  if (auto p = j.find("params"); p != j.end()) {
    if (!p->is_array()) return Error{"Invalid Request"};
    req.params = *p;
  }
  return req;
}

Result<Message> parseMessage(std::string_view line) {
  if (nestedTooDeep(line)) return Error{"malformed reply from server"};
  json j = json::parse(line, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Error{"malformed reply from server"};
  Message msg;
  if (auto m = j.find("method"); m != j.end() && m->is_string() && !j.contains("id")) {
    msg.is_notification = true;
    msg.method = m->get<std::string>();
    msg.params = j.value("params", json::object());
    return msg;
  }
  if (!j.contains("id")) return Error{"malformed reply from server"};
  msg.id = j["id"];
  if (auto e = j.find("error"); e != j.end()) {
    if (!e->is_object()) return Error{"malformed reply from server"};
    // Checked before converting: get<int>() throws on a string and is
    // undefined behaviour on a float out of int's range (found by fuzzing).
    const json code = e->value("code", json(0));
    const json text = e->value("message", json(""));
    bool code_fits = false;
    if (code.is_number_unsigned()) {
      code_fits = code.get<std::uint64_t>() <= std::uint64_t{std::numeric_limits<int>::max()};
    } else if (code.is_number_integer()) {
      const std::int64_t c = code.get<std::int64_t>();
      code_fits = c >= std::numeric_limits<int>::min() && c <= std::numeric_limits<int>::max();
    }
    if (!code_fits || !text.is_string()) return Error{"malformed reply from server"};
    RpcError err;
    err.code = static_cast<int>(code.get<std::int64_t>());
    err.message = text.get<std::string>();
    msg.error = std::move(err);
    return msg;
  }
  if (!j.contains("result")) return Error{"malformed reply from server"};
  msg.result = j["result"];
  return msg;
}

json makeRequest(const json& id, std::string_view method, json params) {
  return json{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}};
}

json makeResult(const json& id, json result) {
  return json{{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}};
}

json makeError(const json& id, int code, std::string_view message) {
  return json{{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", code}, {"message", message}}}};
}

json makeFault(const json& id, Fault fault, std::string_view extra) {
  return makeError(id, static_cast<int>(fault), faultString(fault, extra));
}

json makeNotification(std::string_view method, json params) {
  return json{{"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}};
}

std::string encodeLine(const json& message) {
  std::string s = message.dump(-1, ' ', false, json::error_handler_t::replace);
  s += '\n';
  return s;
}

std::optional<std::int64_t> wholeInt64(double d) {
  constexpr double kTwo63 = 9223372036854775808.0;  // -2^63 and 2^63 are exact as doubles
  if (!(d >= -kTwo63 && d < kTwo63) || d != std::trunc(d)) return std::nullopt;
  return static_cast<std::int64_t>(d);
}

// ---- typed field reads for from_json --------------------------------------
// A missing key gives the default. A present value must have the field's type
// and fit its range, else json::type_error / json::out_of_range is thrown
// (callers catch json::exception): a hostile or buggy server's 1e300, "7" or
// true for an int never reaches a silent or undefined conversion.
namespace {

std::string fieldText(const char* key) {
  return std::string("field \"") + key + "\": ";
}

const json* member(const json& j, const char* key) {
  if (!j.is_object()) {
    throw json::type_error::create(302, std::string("expected an object, got ") + j.type_name(),
                                   &j);
  }
  auto it = j.find(key);
  return it == j.end() ? nullptr : &*it;
}

template <class Int>
Int integerValue(const json& v, const char* key) {
  static_assert(std::is_signed_v<Int>, "fields are signed");
  constexpr Int lo = std::numeric_limits<Int>::min();
  constexpr Int hi = std::numeric_limits<Int>::max();
  if (v.is_number_unsigned()) {
    const auto u = v.get<std::uint64_t>();
    if (u <= static_cast<std::uint64_t>(hi)) return static_cast<Int>(u);
  } else if (v.is_number_integer()) {
    const auto s = v.get<std::int64_t>();
    if (s >= lo && s <= hi) return static_cast<Int>(s);
  } else if (v.is_number_float()) {
    const auto n = wholeInt64(v.get<double>());
    if (n && *n >= lo && *n <= hi) return static_cast<Int>(*n);
  } else {
    throw json::type_error::create(
        302, fieldText(key) + "expected an integer, got " + std::string(v.type_name()), &v);
  }
  throw json::out_of_range::create(406,
                                   fieldText(key) + v.dump() + " is not an integer in [" +
                                       std::to_string(lo) + ", " + std::to_string(hi) + "]",
                                   &v);
}

int field(const json& j, const char* key, int def) {
  const json* v = member(j, key);
  return v ? integerValue<int>(*v, key) : def;
}

std::int64_t field(const json& j, const char* key, std::int64_t def) {
  const json* v = member(j, key);
  return v ? integerValue<std::int64_t>(*v, key) : def;
}

bool field(const json& j, const char* key, bool def) {
  const json* v = member(j, key);
  if (!v) return def;
  if (!v->is_boolean()) {
    throw json::type_error::create(
        302, fieldText(key) + "expected a boolean, got " + std::string(v->type_name()), v);
  }
  return v->get<bool>();
}

std::string field(const json& j, const char* key, const std::string& def) {
  const json* v = member(j, key);
  if (!v) return def;
  if (!v->is_string()) {
    throw json::type_error::create(
        302, fieldText(key) + "expected a string, got " + std::string(v->type_name()), v);
  }
  return v->get<std::string>();
}

std::string field(const json& j, const char* key, const char* def) {
  return field(j, key, std::string(def));
}

std::vector<int> field(const json& j, const char* key, const std::vector<int>& def) {
  const json* v = member(j, key);
  if (!v) return def;
  if (!v->is_array()) {
    throw json::type_error::create(
        302, fieldText(key) + "expected an array, got " + std::string(v->type_name()), v);
  }
  std::vector<int> out;
  out.reserve(v->size());
  for (const json& item : *v) out.push_back(integerValue<int>(item, key));
  return out;
}

}  // namespace

void to_json(json& j, const ProcessInfo& i) {
  j = json::object();
  forEachProcessInfoField(i,
                          [&](std::string_view name, auto value) { j[std::string(name)] = value; });
  if (!i.waiting_for.empty()) j["waiting_for"] = i.waiting_for;
  if (!i.awaiting_ready.empty()) j["awaiting_ready"] = i.awaiting_ready;
}

void from_json(const json& j, ProcessInfo& i) {
  i.name = field(j, "name", "");
  i.group = field(j, "group", "");
  i.start = field(j, "start", std::int64_t{0});
  i.stop = field(j, "stop", std::int64_t{0});
  i.now = field(j, "now", std::int64_t{0});
  i.state = field(j, "state", 0);
  i.statename = field(j, "statename", std::string(processStateName(i.state)));
  i.spawnerr = field(j, "spawnerr", "");
  i.exitstatus = field(j, "exitstatus", 0);
  i.logfile = field(j, "logfile", "");
  i.stdout_logfile = field(j, "stdout_logfile", "");
  i.stderr_logfile = field(j, "stderr_logfile", "");
  i.pid = field(j, "pid", 0);
  i.description = field(j, "description", "");
  i.waiting_for.clear();
  if (auto w = j.find("waiting_for"); w != j.end() && w->is_array())
    for (const json& name : *w)
      if (name.is_string()) i.waiting_for.push_back(name.get<std::string>());
  i.awaiting_ready = field(j, "awaiting_ready", "");
}

std::string formatUptime(std::int64_t seconds) {
  if (seconds < 0) seconds = 0;
  std::int64_t days = seconds / 86400;
  std::int64_t rest = seconds % 86400;
  char buf[96];
  int h = static_cast<int>(rest / 3600), m = static_cast<int>(rest % 3600 / 60),
      s = static_cast<int>(rest % 60);
  if (days == 0) {
    std::snprintf(buf, sizeof buf, "%d:%02d:%02d", h, m, s);
  } else {
    std::snprintf(buf, sizeof buf, "%lld day%s, %d:%02d:%02d", static_cast<long long>(days),
                  days == 1 ? "" : "s", h, m, s);
  }
  return buf;
}

std::string formatStopTime(std::int64_t epoch) {
  std::time_t t = static_cast<std::time_t>(epoch);
  std::tm tm{};
  localtime_r(&t, &tm);
  static const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  int hour12 = tm.tm_hour % 12 == 0 ? 12 : tm.tm_hour % 12;
  char buf[64];
  // Spelled out rather than strftime so the text never depends on LC_TIME.
  std::snprintf(buf, sizeof buf, "%s %02d %02d:%02d %s", kMonths[tm.tm_mon], tm.tm_mday, hour12,
                tm.tm_min, tm.tm_hour < 12 ? "AM" : "PM");
  return buf;
}

std::string describeProcess(const ProcessInfo& info) {
  switch (static_cast<ProcessState>(info.state)) {
    case ProcessState::kRunning:
      return "pid " + std::to_string(info.pid) + ", uptime " + formatUptime(info.now - info.start);
    case ProcessState::kFatal:
    case ProcessState::kBackoff:
      if (!info.spawnerr.empty()) return info.spawnerr;
      return "unknown error (try \"tail " + info.name + "\")";
    case ProcessState::kStopped:
    case ProcessState::kExited:
      return info.start ? formatStopTime(info.stop) : "Not started";
    default:
      return "";
  }
}

void to_json(json& j, const CallResult& r) {
  j = json{
      {"name", r.name}, {"group", r.group}, {"status", r.status}, {"description", r.description}};
}

void from_json(const json& j, CallResult& r) {
  r.name = field(j, "name", "");
  r.group = field(j, "group", "");
  r.status = field(j, "status", static_cast<int>(Fault::kSuccess));
  r.description = field(j, "description", "");
}

void to_json(json& j, const ConfigInfo& c) {
  j = json{{"name", c.name},
           {"group", c.group},
           {"inuse", c.inuse},
           {"autostart", c.autostart},
           {"group_prio", c.group_prio},
           {"process_prio", c.process_prio},
           {"command", c.command},
           {"directory", c.directory},
           {"uid", c.uid},
           {"exitcodes", c.exitcodes},
           {"killasgroup", c.killasgroup},
           {"redirect_stderr", c.redirect_stderr},
           {"startretries", c.startretries},
           {"startsecs", c.startsecs},
           {"stopsignal", c.stopsignal},
           {"stopwaitsecs", c.stopwaitsecs},
           {"serverurl", c.serverurl},
           {"stdout_logfile", c.stdout_logfile},
           {"stdout_logfile_backups", c.stdout_logfile_backups},
           {"stdout_logfile_maxbytes", c.stdout_logfile_maxbytes},
           {"stdout_capture_maxbytes", c.stdout_capture_maxbytes},
           {"stdout_events_enabled", c.stdout_events_enabled},
           {"stdout_syslog", c.stdout_syslog},
           {"stderr_logfile", c.stderr_logfile},
           {"stderr_logfile_backups", c.stderr_logfile_backups},
           {"stderr_logfile_maxbytes", c.stderr_logfile_maxbytes},
           {"stderr_capture_maxbytes", c.stderr_capture_maxbytes},
           {"stderr_events_enabled", c.stderr_events_enabled},
           {"stderr_syslog", c.stderr_syslog}};
}

void from_json(const json& j, ConfigInfo& c) {
  ConfigInfo d;
  c.name = field(j, "name", d.name);
  c.group = field(j, "group", d.group);
  c.inuse = field(j, "inuse", d.inuse);
  c.autostart = field(j, "autostart", d.autostart);
  c.group_prio = field(j, "group_prio", d.group_prio);
  c.process_prio = field(j, "process_prio", d.process_prio);
  c.command = field(j, "command", d.command);
  c.directory = field(j, "directory", d.directory);
  c.uid = field(j, "uid", d.uid);
  c.exitcodes = field(j, "exitcodes", d.exitcodes);
  c.killasgroup = field(j, "killasgroup", d.killasgroup);
  c.redirect_stderr = field(j, "redirect_stderr", d.redirect_stderr);
  c.startretries = field(j, "startretries", d.startretries);
  c.startsecs = field(j, "startsecs", d.startsecs);
  c.stopsignal = field(j, "stopsignal", d.stopsignal);
  c.stopwaitsecs = field(j, "stopwaitsecs", d.stopwaitsecs);
  c.serverurl = field(j, "serverurl", d.serverurl);
  c.stdout_logfile = field(j, "stdout_logfile", d.stdout_logfile);
  c.stdout_logfile_backups = field(j, "stdout_logfile_backups", d.stdout_logfile_backups);
  c.stdout_logfile_maxbytes = field(j, "stdout_logfile_maxbytes", d.stdout_logfile_maxbytes);
  c.stdout_capture_maxbytes = field(j, "stdout_capture_maxbytes", d.stdout_capture_maxbytes);
  c.stdout_events_enabled = field(j, "stdout_events_enabled", d.stdout_events_enabled);
  c.stdout_syslog = field(j, "stdout_syslog", d.stdout_syslog);
  c.stderr_logfile = field(j, "stderr_logfile", d.stderr_logfile);
  c.stderr_logfile_backups = field(j, "stderr_logfile_backups", d.stderr_logfile_backups);
  c.stderr_logfile_maxbytes = field(j, "stderr_logfile_maxbytes", d.stderr_logfile_maxbytes);
  c.stderr_capture_maxbytes = field(j, "stderr_capture_maxbytes", d.stderr_capture_maxbytes);
  c.stderr_events_enabled = field(j, "stderr_events_enabled", d.stderr_events_enabled);
  c.stderr_syslog = field(j, "stderr_syslog", d.stderr_syslog);
}

void to_json(json& j, const LogFileEntry& e) {
  j = json{{"namespec", e.namespec}, {"group", e.group}, {"name", e.name},
           {"channel", e.channel},   {"path", e.path},   {"backups", e.backups},
           {"maxbytes", e.maxbytes}};
}

void from_json(const json& j, LogFileEntry& e) {
  e.namespec = field(j, "namespec", "");
  e.group = field(j, "group", "");
  e.name = field(j, "name", "");
  e.channel = field(j, "channel", "");
  e.path = field(j, "path", "");
  e.backups = field(j, "backups", 0);
  e.maxbytes = field(j, "maxbytes", std::int64_t{0});
}

void to_json(json& j, const LogChunk& c) {
  j = json{{"name", c.name}, {"channel", c.channel}, {"data", c.data}};
  if (c.truncated) j["truncated"] = true;
  if (c.eof) j["eof"] = true;
}

void from_json(const json& j, LogChunk& c) {
  c.name = field(j, "name", "");
  c.channel = field(j, "channel", "");
  c.data = field(j, "data", "");
  c.truncated = field(j, "truncated", false);
  c.eof = field(j, "eof", false);
}

std::string makeNamespec(std::string_view group, std::string_view name) {
  if (group == name) return std::string(name);
  std::string s(group);
  s += ':';
  s += name;
  return s;
}

std::pair<std::string, std::optional<std::string>> splitNamespec(std::string_view namespec) {
  auto colon = namespec.find(':');
  if (colon == std::string_view::npos) {
    return {std::string(namespec), std::string(namespec)};
  }
  std::string group(namespec.substr(0, colon));
  std::string_view proc = namespec.substr(colon + 1);
  if (proc.empty() || proc == "*") return {group, std::nullopt};
  return {group, std::string(proc)};
}

}  // namespace sup::proto
