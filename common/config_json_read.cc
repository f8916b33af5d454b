#include "common/config_json_read.h"

#include <charconv>

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
      out = v->get<T>();
    } catch (const json::exception&) {
      error_ = "bad value for '" + key + "'";
    }
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
  r.get("environment", p.environment);
  r.optional("serverurl", p.serverurl);
  readStream(r, "stdout", p.stdout_log);
  readStream(r, "stderr", p.stderr_log);
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
