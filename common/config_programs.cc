// [program:x], [group:x], [eventlistener:x] and [fcgi-program:x], read the
// way Supervisor 4.2.5's process_groups_from_parser() and
// _processes_from_section() read them: same option order (so the same error
// wins), same expansion names, same warnings.
#include <unistd.h>

#include <algorithm>
#include <unordered_set>
#include <tuple>

#include "common/config_parse_context.h"
#include "common/dependency_graph.h"
#include "common/event_types.h"
#include "common/log_policy_values.h"
#include "common/py_text.h"
#include "common/ready_check.h"
#include "common/restart_policy_values.h"
#include "common/shlex.h"

namespace sup::detail {
namespace {


std::string afterColon(const std::string& section) {
  return section.substr(section.find(':') + 1);
}

bool startsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// log_timestamps=, log_markers=, stdout_tee=, stderr_tee=, tee_prefix=
// (log_policy_values.h). `as` reads one option as the section's other keys.
template <class As>
Result<bool> logPolicy(ProcessConfig& pc, bool redirect_stderr, As& as) {
  LogPolicy& lp = pc.log_policy;
  auto boolean = [](const char* key) {
    return [key](const std::string& text) { return cv::policyBoolean(key, text); };
  };
  auto tee = [](const char* key) {
    return [key](const std::string& text) { return cv::teeTarget(key, text); };
  };
  SUP_SET(lp.timestamps, as("log_timestamps", "false", boolean("log_timestamps")));
  SUP_SET(lp.markers, as("log_markers", "false", boolean("log_markers")));
  SUP_SET(lp.stdout_tee, as("stdout_tee", "none", tee("stdout_tee")));
  SUP_SET(lp.stderr_tee, as("stderr_tee", "none", tee("stderr_tee")));
  SUP_TRY(prefix, as("tee_prefix", "%(program_name)s | ", cv::teePrefix));
  if (redirect_stderr && !lp.stderr_tee.empty()) {
    return Error{
        "stderr_tee is set but redirect_stderr=true sends stderr to stdout (use "
        "stdout_tee)"};
  }
  if (!lp.stdout_tee.empty() || !lp.stderr_tee.empty()) lp.tee_prefix = prefix;
  return true;
}

// Expansions shared by one section's gets. Supervisor aliases this dict with
// the per-process one, so process_num, numprocs and the program's ENV_* leak
// into every later get of the section; we keep that by mutating one map.
Result<std::vector<ProcessConfig>> processesFromSectionInner(ParseContext& ctx,
                                                             const std::string& section,
                                                             const std::string& group_name) {
  SUP_TRY(program_name, cv::processOrGroupName(afterColon(section)));
  FormatNames common{{"here", ctx.here},
                     {"program_name", program_name},
                     {"host_node_name", ctx.opts.host_node_name},
                     {"group_name", group_name}};
  auto get = [&](const char* opt, std::optional<std::string> dflt) {
    return ctx.get(section, opt, std::move(dflt), common);
  };
  // Gets whose default is a plain string never come back empty.
  auto getStr = [&](const char* opt, const char* dflt) -> Result<std::string> {
    auto v = get(opt, std::string(dflt));
    if (!v.ok()) return v.error();
    return **v;
  };
  // Read one option as text and convert it as datatypes.py does.
  auto as = [&](const std::string& opt, const char* dflt, auto convert) {
    auto text = getStr(opt.c_str(), dflt);
    return text.ok() ? convert(*text) : decltype(convert(*text))(text.error());
  };

  ProcessConfig proto;
  SUP_SET(proto.priority, as("priority", "999", cv::integer));
  SUP_SET(proto.autostart, as("autostart", "true", cv::boolean));
  SUP_SET(proto.autorestart, as("autorestart", "unexpected", cv::autoRestart));
  SUP_SET(proto.startsecs, as("startsecs", "1", cv::integer));
  SUP_SET(proto.startretries, as("startretries", "3", cv::integer));
  SUP_SET(proto.stopsignal, as("stopsignal", "TERM", cv::signalNumber));
  SUP_SET(proto.stopwaitsecs, as("stopwaitsecs", "10", cv::integer));
  SUP_TRY(stopasgroup, as("stopasgroup", "false", cv::boolean));
  proto.stopasgroup = stopasgroup;
  SUP_TRY(killasgroup, as("killasgroup", stopasgroup ? "True" : "False", cv::boolean));
  proto.killasgroup = killasgroup;
  SUP_SET(proto.exitcodes, as("exitcodes", "0", cv::exitCodes));
  SUP_TRY(redirect_stderr, as("redirect_stderr", "false", cv::boolean));
  proto.redirect_stderr = redirect_stderr;
  SUP_TRY(numprocs, as("numprocs", "1", cv::integer));
  SUP_TRY(numprocs_start, as("numprocs_start", "0", cv::integer));
  std::string environment_str = *ctx.raw(section, "environment", std::string());
  SUP_SET(proto.stdout_log.capture_maxbytes, as("stdout_capture_maxbytes", "0", cv::byteSize));
  SUP_SET(proto.stdout_log.events_enabled, as("stdout_events_enabled", "false", cv::boolean));
  SUP_SET(proto.stderr_log.capture_maxbytes, as("stderr_capture_maxbytes", "0", cv::byteSize));
  SUP_SET(proto.stderr_log.events_enabled, as("stderr_events_enabled", "false", cv::boolean));
  SUP_TRY(serverurl, get("serverurl", std::nullopt));
  if (serverurl && !serverurl->empty() && py::upper(py::strip(*serverurl)) == "AUTO") {
    serverurl.reset();
  }
  proto.serverurl = serverurl;
  SUP_TRY(user, get("user", std::nullopt));
  if (user && ctx.env.check_users) {
    auto uid = cv::nameToUid(*user);
    if (!uid.ok()) return uid.error();
  }
  proto.user = user;
  SUP_TRY(umask_s, get("umask", std::nullopt));
  if (umask_s) {
    SUP_TRY(umask, cv::octal(*umask_s));
    proto.umask = umask;
  }
  SUP_TRY(process_name,
          cv::processOrGroupName(*ctx.raw(section, "process_name", "%(program_name)s")));
  if (numprocs > 1 && process_name.find("%(process_num)") == std::string::npos) {
    return Error{"%(process_num) must be present within process_name when numprocs > 1"};
  }
  if (stopasgroup && !killasgroup) {
    return Error{"Cannot set stopasgroup=true and killasgroup=false"};
  }

  std::vector<ProcessConfig> programs;
  for (long long num = numprocs_start; num < numprocs + numprocs_start; ++num) {
    common["process_num"] = num;
    common["numprocs"] = numprocs;
    // Supervisor merges the ENV_* names into this dict for every process.
    // Only an expansion needs them: the dict (environ_expansions under
    // `common`) is made when a value holds a '%', not for every program
    // (that copy was a third of parsing 10,000 programs). ctx.get() merges
    // environ_expansions itself.
    std::optional<FormatNames> full;
    auto expand = [&](const std::string& text, std::string_view what) -> Result<std::string> {
      if (text.find('%') == std::string::npos) return text;
      if (!full) {
        full = ctx.environ_expansions;
        for (const auto& kv : common) (*full)[kv.first] = kv.second;
      }
      return expandFormat(text, *full, what);
    };
    ProcessConfig pc = proto;
    SUP_TRY(env_text, expand(environment_str, "environment"));
    SUP_TRY(environment, parseKeyValuePairs(env_text));
    for (const auto& [k, v] : environment) common["ENV_" + k] = v;
    if (!environment.empty()) full.reset();
    pc.environment = environment;
    SUP_TRY(directory, get("directory", std::nullopt));
    pc.directory = directory;
    for (int stream = 0; stream < 2; ++stream) {
      const std::string ch = stream == 0 ? "stdout" : "stderr";
      StreamLogConfig& log = stream == 0 ? pc.stdout_log : pc.stderr_log;
      const std::string lf_key = ch + "_logfile";
      SUP_TRY(lf_raw, get(lf_key.c_str(), std::nullopt));
      LogFileSpec spec;  // Kind::Auto: Supervisor's Automatic default
      bool deprecated_syslog = false;
      if (lf_raw) {
        SUP_TRY(lf_expanded, expand(*lf_raw, lf_key));
        SUP_TRY(parsed, cv::logfileName(lf_expanded, ctx.env, &deprecated_syslog));
        spec = parsed;
      }
      log.logfile = spec;
      SUP_SET(log.logfile_backups, as(ch + "_logfile_backups", "10", cv::integer));
      SUP_SET(log.logfile_maxbytes, as(ch + "_logfile_maxbytes", "50MB", cv::byteSize));
      SUP_SET(log.syslog, as(ch + "_syslog", "False", cv::boolean));
      if (deprecated_syslog) {
        ctx.warnings.push_back("For [" + section + "], " + lf_key +
                               "=syslog but this is deprecated and will be removed.  Use " + ch +
                               "_syslog=true to enable syslog instead.");
        log.syslog = true;
      }
      if (log.logfile.kind == LogFileSpec::Kind::Auto && log.logfile_maxbytes == 0) {
        ctx.warnings.push_back("For [" + section + "], AUTO logging used for " + lf_key +
                               " without rollover, set maxbytes > 0 to avoid filling up "
                               "filesystem unintentionally");
      }
    }
    if (redirect_stderr) {
      if (pc.stderr_log.logfile.kind == LogFileSpec::Kind::Path) {
        ctx.warnings.push_back("For [" + section +
                               "], redirect_stderr=true but stderr_logfile has also been set to "
                               "a filename, the filename has been ignored");
      }
      pc.stderr_log.logfile = LogFileSpec{LogFileSpec::Kind::None, ""};
    }
    SUP_TRY(command, get("command", std::nullopt));
    if (!command) return Error{"program section " + section + " does not specify a command"};
    pc.command = *command;
    auto argv = shlexSplit(pc.command);
    if (argv.ok()) {
      pc.argv = *argv;
    } else {
      pc.argv_error = "can't parse command " + py::repr(pc.command) + ": " + argv.error().message;
    }
    // The default, "%(program_name)s", is the program's name.
    std::string name;
    if (process_name == "%(program_name)s") {
      name = program_name;
    } else {
      SUP_TRY(expanded, expand(process_name, "process_name"));
      name = std::move(expanded);
    }
    pc.name = name;
    pc.group = group_name;
    // Ours (docs/restart-policies.md), after all of Supervisor's keys so that
    // its errors come first.
    RestartPolicy& rp = pc.restart;
    auto seconds = [](const char* key) {
      return [key](const std::string& text) { return cv::policySeconds(key, text); };
    };
    SUP_SET(rp.backoff, as("backoff", "linear", cv::backoffKind));
    SUP_SET(rp.backoff_max, as("backoff_max", "0", seconds("backoff_max")));
    SUP_SET(rp.backoff_jitter, as("backoff_jitter", "0", cv::jitterPercent));
    SUP_SET(rp.backoff_reset, as("backoff_reset", "0", seconds("backoff_reset")));
    SUP_SET(rp.never_give_up, as("never_give_up", "false", [](const std::string& text) {
              return cv::policyBoolean("never_give_up", text);
            }));
    SUP_TRY(limit, as("restart_limit", "none", cv::restartLimit));
    std::tie(rp.restart_limit, rp.restart_limit_seconds) = limit;
    SUP_SET(pc.essential, as("essential", "false", [](const std::string& text) {
              return cv::policyBoolean("essential", text);
            }));
    // Ours (docs/dependencies.md), after all of Supervisor's keys so that its
    // errors come first; per process, so %(process_num)d can pick a port.
    SUP_SET(pc.depends_on, as("depends_on", "", cv::dependsOn));
    SUP_SET(pc.ready, as("ready", "running", cv::readyCheck));
    SUP_SET(pc.ready_timeout, as("ready_timeout", "60", cv::readyTimeout));
    // Ours (docs/program-logs.md), likewise after Supervisor's keys.
    SUP_TRY(lp_error, logPolicy(pc, redirect_stderr, as));
    (void)lp_error;
    programs.push_back(std::move(pc));
  }
  std::stable_sort(programs.begin(), programs.end(), [](const auto& a, const auto& b) {
    return a.priority != b.priority ? a.priority < b.priority : a.name < b.name;
  });
  return programs;
}

// " in section 'program:x' (file: '/etc/supervisord.conf')"
std::string sectionSuffix(const ParseContext& ctx, const std::string& section) {
  auto it = ctx.ini.sectionToFile().find(section);
  const std::string& file = it != ctx.ini.sectionToFile().end() ? it->second : ctx.configfile;
  return " in section " + py::repr(section) + " (file: " + py::repr(file) + ")";
}

Result<std::vector<ProcessConfig>> processesFromSection(ParseContext& ctx,
                                                        const std::string& section,
                                                        const std::string& group_name) {
  auto result = processesFromSectionInner(ctx, section, group_name);
  if (!result.ok()) return Error{result.error().message + sectionSuffix(ctx, section)};
  for (const ProcessConfig& p : *result) ctx.process_sections[{p.group, p.name}] = section;
  return result;
}

Result<long long> groupPriority(const ParseContext& ctx, const std::string& section,
                                const char* dflt) {
  auto v = ctx.get(section, "priority", std::string(dflt), {{"here", ctx.here}});
  if (!v.ok()) return v.error();
  return cv::integer(**v);
}

Result<FcgiSocketConfig> parseFcgiSocket(
    const ParseContext& ctx, const std::string& sock, const std::optional<std::string>& user,
    std::optional<std::pair<std::string, std::optional<std::string>>> owner,
    std::optional<int> mode, int backlog) {
  FcgiSocketConfig cfg;
  cfg.backlog = backlog;
  if (startsWith(sock, "unix://")) {
    std::string path = sock.substr(7);
    if (path.empty() || path[0] != '/') {
      return Error{"('Unix socket path %s is not an absolute path', " + py::repr(path) + ")"};
    }
    path = normalize(ctx, path);
    if (!owner && user) {
      auto uid = ctx.env.check_users ? cv::nameToUid(*user) : Result<long long>(-1);
      if (!ctx.env.check_users || (uid.ok() && *uid != static_cast<long long>(::getuid()))) {
        owner = std::make_pair(*user, std::nullopt);
        cfg.owner_is_program_user = true;
      }
    }
    cfg.url = "unix://" + path;
    cfg.owner = owner;
    cfg.mode = mode ? *mode : 0700;
    return cfg;
  }
  if (owner || mode) {
    return Error{
        "socket_owner and socket_mode params should only be used with a Unix domain socket"};
  }
  if (startsWith(sock, "tcp://")) {
    std::string rest = sock.substr(6);
    size_t colon = rest.find(':');
    bool ok = colon != std::string::npos && colon > 0 && colon + 1 < rest.size();
    for (size_t i = 0; ok && i < colon; ++i) ok = !py::isSpace(static_cast<unsigned char>(rest[i]));
    for (size_t i = colon + 1; ok && i < rest.size(); ++i) ok = rest[i] >= '0' && rest[i] <= '9';
    if (ok) {
      // InetStreamSocketConfig: the host lower-cased, the port 1..65535.
      auto addr = cv::inetAddress(rest);
      if (!addr.ok()) return addr.error();
      cfg.url = "tcp://" + py::lower(rest.substr(0, colon)) + ":" + std::to_string(addr->second);
      cfg.mode = 0;
      return cfg;
    }
  }
  return Error{"('Bad socket format %s', " + py::repr(sock) + ")"};
}

Result<GroupConfig> fcgiGroup(ParseContext& ctx, const std::string& section) {
  GroupConfig g;
  g.kind = GroupConfig::Kind::FcgiProgram;
  SUP_TRY(name, cv::processOrGroupName(afterColon(section)));
  g.name = name;
  SUP_TRY(priority, groupPriority(ctx, section, "999"));
  g.priority = static_cast<int>(priority);
  const FormatNames here{{"here", ctx.here}};
  SUP_TRY(user, ctx.get(section, "user", std::nullopt, here));
  if (user && ctx.env.check_users) {
    auto uid = cv::nameToUid(*user);
    if (!uid.ok()) return uid.error();
  }
  int backlog = 0;
  SUP_TRY(backlog_s, ctx.get(section, "socket_backlog", std::nullopt, here));
  if (backlog_s) {
    SUP_TRY(b, cv::integer(*backlog_s));
    if (b < 1 || b > 65535) return Error{"Invalid socket_backlog value " + std::to_string(b)};
    backlog = static_cast<int>(b);
  }
  std::optional<std::pair<std::string, std::optional<std::string>>> owner;
  SUP_TRY(owner_s, ctx.get(section, "socket_owner", std::nullopt, here));
  if (owner_s) {
    auto o = cv::userGroup(*owner_s, ctx.env);
    if (!o.ok()) return Error{"Invalid socket_owner value " + *owner_s};
    owner = *o;
  }
  std::optional<int> mode;
  SUP_TRY(mode_s, ctx.get(section, "socket_mode", std::nullopt, here));
  if (mode_s) {
    auto m = cv::octal(*mode_s);
    if (!m.ok()) return Error{"Invalid socket_mode value " + *mode_s};
    mode = *m;
  }
  SUP_TRY(sock,
          ctx.get(section, "socket", std::nullopt, {{"here", ctx.here}, {"program_name", name}}));
  if (!sock || sock->empty()) return Error{"[" + section + "] section requires a \"socket\" line"};
  auto socket = parseFcgiSocket(ctx, *sock, user, owner, mode, backlog);
  if (!socket.ok()) return Error{socket.error().message + " in [" + section + "] socket"};
  g.socket = *socket;
  SUP_TRY(processes, processesFromSection(ctx, section, name));
  g.processes = std::move(processes);
  return g;
}

Result<GroupConfig> eventListenerGroup(ParseContext& ctx, const std::string& section) {
  GroupConfig g;
  g.kind = GroupConfig::Kind::EventListener;
  g.name = afterColon(section);  // Supervisor does not validate the pool name here
  SUP_TRY(priority, groupPriority(ctx, section, "-1"));
  g.priority = static_cast<int>(priority);
  const FormatNames here{{"here", ctx.here}};
  SUP_TRY(buffer_s, ctx.get(section, "buffer_size", std::string("10"), here));
  SUP_TRY(buffer_size, cv::integer(*buffer_s));
  if (buffer_size < 1) {
    return Error{"[" + section + "] section sets invalid buffer_size (" +
                 std::to_string(buffer_size) + ")"};
  }
  g.buffer_size = static_cast<int>(buffer_size);
  SUP_TRY(handler, ctx.get(section, "result_handler",
                           std::string("supervisor.dispatchers:default_handler"), here));
  std::string syntax_error;
  if (!importSpecResolves(*handler, &syntax_error)) {
    if (!syntax_error.empty()) return Error{syntax_error};
    return Error{*handler + " cannot be resolved within [" + section + "]"};
  }
  g.result_handler = *handler;
  SUP_TRY(events_s, ctx.get(section, "events", std::string(), here));
  std::vector<std::string> names;
  for (const std::string& e : cv::listOfStrings(*events_s)) {
    std::string upper = py::upper(e);
    if (std::find(names.begin(), names.end(), upper) == names.end()) names.push_back(upper);
  }
  if (names.empty()) return Error{"[" + section + "] section requires an \"events\" line"};
  for (const std::string& n : names) {
    if (!parseEventType(n))
      return Error{"Unknown event type " + n + " in [" + section + "] events"};
  }
  std::sort(names.begin(), names.end());
  g.events = names;
  SUP_TRY(redirect_s, ctx.get(section, "redirect_stderr", std::string("false"), here));
  SUP_TRY(redirect, cv::boolean(*redirect_s));
  if (redirect) {
    return Error{"[" + section +
                 "] section sets redirect_stderr=true but this is not allowed because it will "
                 "interfere with the eventlistener protocol"};
  }
  SUP_TRY(processes, processesFromSection(ctx, section, g.name));
  g.processes = std::move(processes);
  return g;
}

}  // namespace

Result<std::vector<GroupConfig>> groupsFromParser(ParseContext& ctx) {
  std::vector<GroupConfig> groups;
  const std::vector<std::string> all = ctx.ini.sections();
  // Sets, not scans: a config may hold 10,000 sections.
  const std::unordered_set<std::string_view> sections(all.begin(), all.end());
  auto exists = [&](const std::string& s) { return sections.count(s) != 0; };
  std::unordered_set<std::string> exclude;
  const FormatNames here{{"here", ctx.here}};

  for (const std::string& section : all) {
    if (!startsWith(section, "group:")) continue;
    GroupConfig g;
    g.kind = GroupConfig::Kind::Group;
    SUP_TRY(name, cv::processOrGroupName(afterColon(section)));
    g.name = name;
    SUP_TRY(programs_s, ctx.get(section, "programs", std::nullopt, here));
    std::vector<std::string> programs = cv::listOfStrings(programs_s ? *programs_s : "");
    SUP_TRY(priority, groupPriority(ctx, section, "999"));
    g.priority = static_cast<int>(priority);
    // Supervisor reuses its `section` variable for the member section, so
    // after the first member the messages name that member's section.
    std::string current = section;
    for (const std::string& program : programs) {
      const std::string ps = "program:" + program, fs = "fcgi-program:" + program;
      if (!exists(ps) && !exists(fs)) {
        return Error{"[" + current + "] names unknown program or fcgi-program " + program};
      }
      if (exists(ps) && exists(fs)) {
        return Error{"[" + current + "] name " + program +
                     " is ambiguous (exists as program and fcgi-program)"};
      }
      current = exists(ps) ? ps : fs;
      exclude.insert(current);
      SUP_TRY(processes, processesFromSection(ctx, current, name));
      g.processes.insert(g.processes.end(), processes.begin(), processes.end());
    }
    groups.push_back(std::move(g));
  }
  auto excluded = [&](const std::string& s) { return exclude.count(s) != 0; };
  for (const std::string& section : all) {
    if (!startsWith(section, "program:") || excluded(section)) continue;
    GroupConfig g;
    SUP_TRY(name, cv::processOrGroupName(afterColon(section)));
    g.name = name;
    SUP_TRY(priority, groupPriority(ctx, section, "999"));
    g.priority = static_cast<int>(priority);
    SUP_TRY(processes, processesFromSection(ctx, section, name));
    g.processes = std::move(processes);
    groups.push_back(std::move(g));
  }
  for (const std::string& section : all) {
    if (!startsWith(section, "eventlistener:")) continue;
    SUP_TRY(g, eventListenerGroup(ctx, section));
    groups.push_back(std::move(g));
  }
  for (const std::string& section : all) {
    if (!startsWith(section, "fcgi-program:") || excluded(section)) continue;
    SUP_TRY(g, fcgiGroup(ctx, section));
    groups.push_back(std::move(g));
  }
  std::stable_sort(groups.begin(), groups.end(), [](const auto& a, const auto& b) {
    return a.priority != b.priority ? a.priority < b.priority : a.name < b.name;
  });
  // A later group of the same name is shadowed by the first.
  std::unordered_set<std::string_view> seen;
  for (auto& g : groups) {
    if (!seen.insert(g.name).second) g.shadowed = true;
  }
  SUP_TRY(dependencies_ok, checkDependencies(groups, [&](const ProcessConfig& p) {
            return sectionSuffix(ctx, ctx.process_sections[{p.group, p.name}]);
          }));
  (void)dependencies_ok;
  return groups;
}

}  // namespace sup::detail
