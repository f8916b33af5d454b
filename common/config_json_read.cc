#include "common/config_json_read.h"

#include <charconv>
#include <cstdint>
#include <type_traits>
#include <utility>
#include <map>
#include <tuple>

#include "common/ready_check.h"
#include "common/restart_policy_values.h"
#include "common/signal_names.h"

namespace sup {
namespace {

using nlohmann::json;

// Reads the keys of one object; the first problem is kept and reported.
class Reader {
 public:
  explicit Reader(const json& j) : j_(j) {
    if (!j.is_object()) error_ = "not an object";
  }
  const json* at(const std::string& key) {
    if (!error_.empty()) return nullptr;
    auto it = j_.find(key);
    if (it == j_.end()) {
      error_ = "missing key '" + key + "'";
      return nullptr;
    }
    return &*it;
  }
  template <class T>
  void get(const std::string& key, T& out) {
    const json* v = at(key);
    if (!v) return;
    try {
      if (!convert(*v, out)) error_ = "bad value for '" + key + "'";
    } catch (const json::exception&) {
      error_ = "bad value for '" + key + "'";
    }
  }
  /// nlohmann's get<int>() static_casts whatever number it finds: a float
  /// out of int's range is undefined behaviour (found by fuzz_handover), a
  /// large integer silently wraps. A whole number in range, or an error.
  template <class T>
  static bool convert(const json& v, T& out) {
    if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
      if (v.is_number_unsigned()) {
        auto u = v.get<std::uint64_t>();
        if (!std::in_range<T>(u)) return false;
        out = static_cast<T>(u);
        return true;
      }
      if (!v.is_number_integer()) return false;
      auto i = v.get<std::int64_t>();
      if (!std::in_range<T>(i)) return false;
      out = static_cast<T>(i);
      return true;
    } else {
      out = v.template get<T>();
      return true;
    }
  }
  /// A key that may be absent altogether (ours, written when not the default).
  template <class T>
  void ifPresent(const std::string& key, std::optional<T>& out) {
    if (j_.is_object() && j_.contains(key)) optional(key, out);
  }
  template <class T>
  void optional(const std::string& key, std::optional<T>& out) {
    const json* v = at(key);
    if (!v) return;
    if (v->is_null()) {
      out.reset();
      return;
    }
    T value{};
    get(key, value);
    out = std::move(value);
  }
  void fail(const std::string& why) {
    if (error_.empty()) error_ = why;
  }
  const std::string& error() const { return error_; }

 private:
  const json& j_;
  std::string error_;
};

std::optional<int> octalText(const std::string& s) {
  int v = 0;
  bool negative = !s.empty() && s[0] == '-';
  const char* begin = s.data() + (negative ? 1 : 0);
  auto [end, ec] = std::from_chars(begin, s.data() + s.size(), v, 8);
  if (ec != std::errc() || end != s.data() + s.size() || begin == end) return std::nullopt;
  return negative ? -v : v;
}

void readLogFile(Reader& r, const std::string& key, LogFileSpec& spec) {
  const json* v = r.at(key);
  if (!v) return;
  if (v->is_null()) {
    spec.kind = LogFileSpec::Kind::None;
  } else if (v->is_string() && v->get<std::string>() == "AUTO") {
    spec.kind = LogFileSpec::Kind::Auto;
  } else if (v->is_string()) {
    spec.kind = LogFileSpec::Kind::Path;
    spec.path = v->get<std::string>();
  } else {
    r.fail("bad value for '" + key + "'");
  }
}

// The six "<channel>_..." keys of one stream.
void readStream(Reader& r, const std::string& channel, StreamLogConfig& s) {
  auto key = [&](const char* suffix) { return channel + suffix; };
  readLogFile(r, key("_logfile"), s.logfile);
  r.get(key("_logfile_maxbytes"), s.logfile_maxbytes);
  r.get(key("_logfile_backups"), s.logfile_backups);
  r.get(key("_capture_maxbytes"), s.capture_maxbytes);
  r.get(key("_events_enabled"), s.events_enabled);
  r.get(key("_syslog"), s.syslog);
}

}  // namespace

// Our own keys (restart_policy_values.h), written only when not the default.
void readRestartPolicy(Reader& r, ProcessConfig& p) {
  RestartPolicy& rp = p.restart;
  std::optional<std::string> backoff, limit;
  std::optional<int> backoff_max, jitter, backoff_reset;
  std::optional<bool> never_give_up, essential;
  r.ifPresent("backoff", backoff);
  r.ifPresent("backoff_max", backoff_max);
  r.ifPresent("backoff_jitter", jitter);
  r.ifPresent("backoff_reset", backoff_reset);
  r.ifPresent("never_give_up", never_give_up);
  r.ifPresent("restart_limit", limit);
  r.ifPresent("essential", essential);
  if (backoff) {
    if (auto kind = cv::backoffKind(*backoff)) {
      rp.backoff = *kind;
    } else {
      r.fail("bad value for 'backoff'");
    }
  }
  if (limit) {
    if (auto n = cv::restartLimit(*limit)) {
      std::tie(rp.restart_limit, rp.restart_limit_seconds) = *n;
    } else {
      r.fail("bad value for 'restart_limit'");
    }
  }
  if (backoff_max) rp.backoff_max = *backoff_max;
  if (jitter) rp.backoff_jitter = *jitter;
  if (backoff_reset) rp.backoff_reset = *backoff_reset;
  if (never_give_up) rp.never_give_up = *never_give_up;
  if (essential) p.essential = *essential;
  // depends_on=, ready=, ready_timeout= (docs/dependencies.md).
  std::optional<std::vector<std::string>> depends_on;
  std::optional<std::string> ready;
  std::optional<int> ready_timeout;
  r.ifPresent("depends_on", depends_on);
  r.ifPresent("ready", ready);
  r.ifPresent("ready_timeout", ready_timeout);
  if (depends_on) p.depends_on = std::move(*depends_on);
  if (ready) {
    if (auto check = cv::readyCheck(*ready)) {
      p.ready = std::move(*check);
    } else {
      r.fail("bad value for 'ready'");
    }
  }
  if (ready_timeout) p.ready_timeout = *ready_timeout;
  // log_timestamps=, log_markers=, *_tee=, tee_prefix= (docs/program-logs.md).
  std::optional<bool> timestamps, markers;
  std::optional<std::string> stdout_tee, stderr_tee, tee_prefix;
  r.ifPresent("log_timestamps", timestamps);
  r.ifPresent("log_markers", markers);
  r.ifPresent("stdout_tee", stdout_tee);
  r.ifPresent("stderr_tee", stderr_tee);
  r.ifPresent("tee_prefix", tee_prefix);
  LogPolicy& lp = p.log_policy;
  if (timestamps) lp.timestamps = *timestamps;
  if (markers) lp.markers = *markers;
  if (stdout_tee) lp.stdout_tee = *stdout_tee;
  if (stderr_tee) lp.stderr_tee = *stderr_tee;
  if (tee_prefix) lp.tee_prefix = *tee_prefix;
}

Result<ProcessConfig> processConfigFromJson(const json& j) {
  Reader r(j);
  ProcessConfig p;
  r.get("name", p.name);
  r.get("group", p.group);
  r.get("command", p.command);
  r.optional("argv", p.argv);
  r.optional("argv_error", p.argv_error);
  r.get("priority", p.priority);
  r.get("autostart", p.autostart);
  std::string autorestart;
  r.get("autorestart", autorestart);
  if (autorestart == "true") {
    p.autorestart = AutoRestart::True;
  } else if (autorestart == "false") {
    p.autorestart = AutoRestart::False;
  } else if (autorestart == "unexpected") {
    p.autorestart = AutoRestart::Unexpected;
  } else {
    r.fail("bad value for 'autorestart'");
  }
  r.get("startsecs", p.startsecs);
  r.get("startretries", p.startretries);
  r.get("exitcodes", p.exitcodes);
  std::string stopsignal;
  r.get("stopsignal", stopsignal);
  if (auto signo =
          parseSignal(stopsignal.rfind("signal ", 0) == 0 ? stopsignal.substr(7) : stopsignal)) {
    p.stopsignal = *signo;
  } else {
    r.fail("bad value for 'stopsignal'");
  }
  r.get("stopwaitsecs", p.stopwaitsecs);
  r.get("stopasgroup", p.stopasgroup);
  r.get("killasgroup", p.killasgroup);
  r.optional("user", p.user);
  r.optional("directory", p.directory);
  std::optional<std::string> umask;
  r.optional("umask", umask);
  if (umask) {
    p.umask = octalText(*umask);
    if (!p.umask) r.fail("bad value for 'umask'");
  }
  r.get("redirect_stderr", p.redirect_stderr);
  // A JSON object has its keys sorted: the order environment= gave them is
  // not in the schema (a group adopted with a changed config restarts with
  // the fresh one, which has it).
  std::map<std::string, std::string> environment;
  r.get("environment", environment);
  for (auto& [name, value] : environment) p.environment.set(name, std::move(value));
  r.optional("serverurl", p.serverurl);
  readStream(r, "stdout", p.stdout_log);
  readStream(r, "stderr", p.stderr_log);
  readRestartPolicy(r, p);
  if (!r.error().empty()) return Error{"process config: " + r.error()};
  return p;
}

Result<GroupConfig> groupHeaderFromJson(const json& j) {
  Reader r(j);
  GroupConfig g;
  r.get("name", g.name);
  std::string kind;
  r.get("kind", kind);
  if (kind == "program") {
    g.kind = GroupConfig::Kind::Program;
  } else if (kind == "group") {
    g.kind = GroupConfig::Kind::Group;
  } else if (kind == "eventlistener") {
    g.kind = GroupConfig::Kind::EventListener;
  } else if (kind == "fcgi-program") {
    g.kind = GroupConfig::Kind::FcgiProgram;
  } else {
    r.fail("bad value for 'kind'");
  }
  r.get("priority", g.priority);
  r.get("shadowed", g.shadowed);
  if (g.kind == GroupConfig::Kind::EventListener) {
    r.get("buffer_size", g.buffer_size);
    r.get("events", g.events);
    r.get("result_handler", g.result_handler);
  }
  // An fcgi-program's socket is not read back: the new image stops such a
  // group by its processes' configs, and opens sockets from its own config.
  if (!r.error().empty()) return Error{"group config: " + r.error()};
  return g;
}

}  // namespace sup
