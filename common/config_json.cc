#include "common/config_json.h"

#include <algorithm>
#include <cstdio>

#include "common/restart_policy_values.h"
#include "common/ready_check.h"
#include "common/signal_names.h"

namespace sup {
namespace {

using nlohmann::json;

std::string octal3(long long v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, v < 0 ? "-%03llo" : "%03llo",
                static_cast<unsigned long long>(v < 0 ? -v : v));
  return buf;
}

json optionalString(const std::optional<std::string>& v) {
  return v ? json(*v) : json(nullptr);
}

json userGroup(const std::optional<std::pair<std::string, std::optional<std::string>>>& v) {
  if (!v) return nullptr;
  return json{{"user", v->first}, {"group", optionalString(v->second)}};
}

// A JSON object (its keys sorted, as the corpus has them).
json envJson(const EnvVars& env) {
  json j = json::object();
  for (const auto& [k, v] : env) j[k] = v;
  return j;
}

json logfileJson(const LogFileSpec& spec) {
  switch (spec.kind) {
    case LogFileSpec::Kind::None:
      return nullptr;
    case LogFileSpec::Kind::Auto:
      return "AUTO";
    case LogFileSpec::Kind::Path:
      return spec.path;
  }
  return nullptr;
}

std::string stopSignalName(int signo) {
  std::string name = signalName(signo);
  return name.empty() ? "signal " + std::to_string(signo) : name;
}

json processJson(const ProcessConfig& p) {
  json j{
      {"name", p.name},
      {"group", p.group},
      {"command", p.command},
      {"argv", p.argv ? json(*p.argv) : json(nullptr)},
      {"argv_error", optionalString(p.argv_error)},
      {"priority", p.priority},
      {"autostart", p.autostart},
      {"autorestart", p.autorestart == AutoRestart::True    ? "true"
                      : p.autorestart == AutoRestart::False ? "false"
                                                            : "unexpected"},
      {"startsecs", p.startsecs},
      {"startretries", p.startretries},
      {"exitcodes", p.exitcodes},
      {"stopsignal", stopSignalName(p.stopsignal)},
      {"stopwaitsecs", p.stopwaitsecs},
      {"stopasgroup", p.stopasgroup},
      {"killasgroup", p.killasgroup},
      {"user", optionalString(p.user)},
      {"directory", optionalString(p.directory)},
      {"umask", p.umask ? json(octal3(*p.umask)) : json(nullptr)},
      {"redirect_stderr", p.redirect_stderr},
      {"environment", envJson(p.environment)},
      {"serverurl", optionalString(p.serverurl)},
  };
  for (int s = 0; s < 2; ++s) {
    const std::string ch = s == 0 ? "stdout" : "stderr";
    const StreamLogConfig& log = s == 0 ? p.stdout_log : p.stderr_log;
    j[ch + "_logfile"] = logfileJson(log.logfile);
    j[ch + "_logfile_maxbytes"] = log.logfile_maxbytes;
    j[ch + "_logfile_backups"] = log.logfile_backups;
    j[ch + "_capture_maxbytes"] = log.capture_maxbytes;
    j[ch + "_events_enabled"] = log.events_enabled;
    j[ch + "_syslog"] = log.syslog;
  }
  // Our own keys appear only when set: Python Supervisor ignores them, so a
  // config without them dumps exactly as the corpus oracle does, and the
  // corpus comparison stays strict about every other key.
  const RestartPolicy& rp = p.restart;
  const RestartPolicy defaults;
  if (rp.backoff != defaults.backoff) j["backoff"] = backoffText(rp.backoff);
  if (rp.backoff_max != defaults.backoff_max) j["backoff_max"] = rp.backoff_max;
  if (rp.backoff_jitter != defaults.backoff_jitter) j["backoff_jitter"] = rp.backoff_jitter;
  if (rp.backoff_reset != defaults.backoff_reset) j["backoff_reset"] = rp.backoff_reset;
  if (rp.never_give_up) j["never_give_up"] = true;
  if (rp.restart_limit != defaults.restart_limit) j["restart_limit"] = restartLimitText(rp);
  if (p.essential) j["essential"] = true;
  if (!p.depends_on.empty()) j["depends_on"] = p.depends_on;
  if (p.ready.kind != ReadyCheck::Kind::Running) j["ready"] = readyCheckText(p.ready);
  if (p.ready_timeout != ProcessConfig{}.ready_timeout) j["ready_timeout"] = p.ready_timeout;
  // docs/program-logs.md: a program that uses any of them shows all, with
  // the defaults of the others (tee_prefix only with a tee).
  const LogPolicy& lp = p.log_policy;
  if (lp != LogPolicy{}) {
    j["log_timestamps"] = lp.timestamps;
    j["log_markers"] = lp.markers;
    j["stdout_tee"] = lp.stdout_tee.empty() ? json(nullptr) : json(lp.stdout_tee);
    j["stderr_tee"] = lp.stderr_tee.empty() ? json(nullptr) : json(lp.stderr_tee);
    if (!lp.stdout_tee.empty() || !lp.stderr_tee.empty()) j["tee_prefix"] = lp.tee_prefix;
  }
  return j;
}

const char* kindName(GroupConfig::Kind k) {
  switch (k) {
    case GroupConfig::Kind::Program:
      return "program";
    case GroupConfig::Kind::Group:
      return "group";
    case GroupConfig::Kind::EventListener:
      return "eventlistener";
    case GroupConfig::Kind::FcgiProgram:
      return "fcgi-program";
  }
  return "program";
}

json groupJson(const GroupConfig& g, bool with_processes = true) {
  json j{{"name", g.name},
         {"kind", kindName(g.kind)},
         {"priority", g.priority},
         {"shadowed", g.shadowed}};
  if (with_processes) {
    json procs = json::array();
    for (const auto& p : g.processes) procs.push_back(processJson(p));
    j["processes"] = std::move(procs);
  }
  if (g.kind == GroupConfig::Kind::EventListener) {
    j["buffer_size"] = g.buffer_size;
    j["events"] = g.events;
    j["result_handler"] = g.result_handler;
  }
  if (g.kind == GroupConfig::Kind::FcgiProgram && g.socket) {
    const FcgiSocketConfig& s = *g.socket;
    bool is_unix = s.url.rfind("unix://", 0) == 0;
    j["socket"] = json{{"url", s.url},
                       {"backlog", s.backlog > 0 ? json(s.backlog) : json(nullptr)},
                       {"owner", userGroup(s.owner)},
                       {"mode", is_unix ? json(octal3(s.mode)) : json(nullptr)}};
  }
  return j;
}

json supervisordJson(const SupervisordConfig& s) {
  json j{{"logfile", s.logfile},
              {"pidfile", s.pidfile},
              {"logfile_maxbytes", s.logfile_maxbytes},
              {"logfile_backups", s.logfile_backups},
              {"loglevel", s.loglevel},
              {"nodaemon", s.nodaemon},
              {"silent", s.silent},
              {"nocleanup", s.nocleanup},
              {"strip_ansi", s.strip_ansi},
              {"minfds", s.minfds},
              {"minprocs", s.minprocs},
              {"umask", octal3(s.umask)},
              {"user", optionalString(s.user)},
              {"identifier", s.identifier},
              {"directory", optionalString(s.directory)},
              {"childlogdir", s.childlogdir},
              {"environment", envJson(s.environment)}};
  // Our own keys only when set: Supervisor's output (the corpus) has none.
  if (s.restart_keeps_programs) j["restart_keeps_programs"] = true;
  return j;
}

json serverJson(const ServerConfig& c) {
  json j{{"section", c.section},
         {"username", optionalString(c.username)},
         {"password", optionalString(c.password)}};
  if (c.type == ServerConfig::Type::Inet) {
    j["type"] = "inet";
    j["host"] = c.host;
    j["port"] = c.port;
  } else {
    j["type"] = "unix";
    j["file"] = c.file;
    j["chmod"] = octal3(c.chmod);
    j["chown"] = userGroup(c.chown);
  }
  return j;
}

}  // namespace

json processConfigJson(const ProcessConfig& process) {
  return processJson(process);
}

json groupHeaderJson(const GroupConfig& group) {
  return groupJson(group, /*with_processes=*/false);
}

json iniToJson(const IniDocument& ini) {
  json j = json::object();
  if (!ini.defaults().options.empty()) {
    json d = json::object();
    for (const auto& [k, v] : ini.defaults().options) d[k] = v;
    j["DEFAULT"] = d;
  }
  for (const auto& section : ini.rawSections()) {
    json s = json::object();
    for (const auto& [k, v] : section.options) s[k] = v;
    j[section.name] = s;
  }
  return j;
}

json configToJson(const ParseOutcome& outcome) {
  json j;
  const bool ok = outcome.config.ok();
  j["ok"] = ok;
  j["error"] = ok ? json(nullptr) : json(outcome.config.error().message);
  j["error_type"] = ok ? json(nullptr) : json("config");
  j["warnings"] = outcome.warnings;
  j["infos"] = outcome.infos;
  j["ini"] = outcome.ini ? iniToJson(*outcome.ini) : json(nullptr);
  j["sections"] = outcome.ini ? json(outcome.ini->sections()) : json(nullptr);
  if (!ok) return j;

  const Config& cfg = outcome.config.value();
  j["supervisord"] = supervisordJson(cfg.supervisord);
  json servers = json::array();
  for (const auto& c : cfg.servers) servers.push_back(serverJson(c));
  j["servers"] = servers;
  j["serverurl"] = optionalString(cfg.serverurl);
  json rpc = json::array();
  for (const auto& r : cfg.rpcinterfaces) {
    rpc.push_back(json{{"name", r.name}, {"factory", r.factory}, {"extras", r.extras}});
  }
  j["rpcinterfaces"] = rpc;
  json order = json::array();
  for (const auto& g : cfg.groups) order.push_back(g.name);
  j["start_order"] = order;
  std::vector<const GroupConfig*> sorted;
  for (const auto& g : cfg.groups) sorted.push_back(&g);
  std::stable_sort(sorted.begin(), sorted.end(), [](const GroupConfig* a, const GroupConfig* b) {
    return a->name != b->name ? a->name < b->name : (!a->shadowed && b->shadowed);
  });
  json groups = json::array();
  for (const GroupConfig* g : sorted) groups.push_back(groupJson(*g));
  j["groups"] = groups;
  return j;
}

}  // namespace sup
