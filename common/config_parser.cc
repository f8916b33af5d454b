// The top of Supervisor's ServerOptions.realize()/read_config(): read the
// main file and its [include]s, then [supervisord], the plugins, the process
// groups and the servers, then realize()'s path normalisation and fallback
// serverurl. Section readers live in config_programs.cc / config_servers.cc.
#include "common/config_parser.h"

#include <glob.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "common/config_parse_context.h"
#include "common/py_text.h"
#include "common/read_file.h"
#include "common/shlex.h"

extern char** environ;

namespace sup {
namespace {

using detail::ParseContext;

bool pathExists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

std::string dirName(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return "";
  std::string head = path.substr(0, slash + 1);
  if (head.find_first_not_of('/') != std::string::npos) {
    while (!head.empty() && head.back() == '/') head.pop_back();
  }
  return head;
}

std::string absPath(const ParseContext& ctx, const std::string& path) {
  std::string p = path;
  if (p.empty() || p[0] != '/') p = ctx.env.cwd + "/" + p;
  return cv::normPath(p);
}

std::vector<std::string> globSorted(const std::string& pattern) {
  std::vector<std::string> out;
  glob_t g;
  std::memset(&g, 0, sizeof g);
  if (::glob(pattern.c_str(), 0, nullptr, &g) == 0) {
    for (size_t i = 0; i < g.gl_pathc; ++i) out.emplace_back(g.gl_pathv[i]);
  }
  ::globfree(&g);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> splitWhitespace(const std::string& text) {
  std::vector<std::string> out;
  std::u32string cps = py::decodeUtf8(text);
  std::u32string cur;
  for (char32_t c : cps) {
    if (py::isSpace(c)) {
      if (!cur.empty()) out.push_back(py::encodeUtf8(cur));
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) out.push_back(py::encodeUtf8(cur));
  return out;
}

std::string defaultTempDir(const ParseOptions& opts) {
  for (const char* var : {"TMPDIR", "TEMP", "TMP"}) {
    auto it = opts.environ.find(var);
    if (it == opts.environ.end()) continue;
    struct stat st;
    if (::stat(it->second.c_str(), &st) == 0 && S_ISDIR(st.st_mode) &&
        ::access(it->second.c_str(), W_OK) == 0) {
      return it->second;
    }
  }
  return "/tmp";
}

// Main file plus [include]s into ctx.ini; the INI-level part of read_config().
Status readIni(ParseContext& ctx, bool* ini_ok) {
  *ini_ok = false;
  if (!pathExists(ctx.configfile)) return Error{"could not find config file " + ctx.configfile};
  auto text = readWholeFile(ctx.configfile);
  if (!text) return Error{"could not read config file " + ctx.configfile};
  Status read = ctx.ini.readString(*text, ctx.configfile);
  if (!read.ok()) return read;
  *ini_ok = true;
  if (!ctx.ini.hasSection("include")) return okStatus();

  ctx.ini.expandHere(ctx.here);
  if (!ctx.ini.hasOption("include", "files")) {
    return Error{".ini file has [include] section, but no files setting"};
  }
  FormatNames expansions = ctx.environ_expansions;
  expansions["here"] = ctx.here;
  expansions["host_node_name"] = ctx.opts.host_node_name;
  auto files = expandFormat(*ctx.ini.get("include", "files"), expansions, "include.files");
  if (!files.ok()) return files.error();
  std::string base = dirName(absPath(ctx, ctx.configfile));
  for (const std::string& pattern : splitWhitespace(*files)) {
    std::string joined = pattern[0] == '/'                      ? pattern
                         : (base.empty() || base.back() == '/') ? base + pattern
                                                                : base + "/" + pattern;
    std::vector<std::string> matches = globSorted(joined);
    if (matches.empty()) {
      ctx.warnings.push_back("No file matches via include \"" + joined + "\"");
      continue;
    }
    for (const std::string& filename : matches) {
      ctx.infos.push_back("Included extra file \"" + filename + "\" during parsing");
      Status st2 = ctx.ini.readFile(filename);
      if (!st2.ok()) return st2;
      ctx.ini.expandHere(absPath(ctx, dirName(filename)));
    }
  }
  return okStatus();
}

// [supervisord], in read_config()'s order so the first bad value reported
// is the one Supervisor reports.
Status readSupervisord(ParseContext& ctx, SupervisordConfig& s) {
  const FormatNames here{{"here", ctx.here}};
  auto get = [&](const char* opt, std::optional<std::string> dflt) {
    return ctx.get("supervisord", opt, std::move(dflt), here);
  };
  auto str = [&](const char* opt, const std::string& dflt) -> Result<std::string> {
    auto v = get(opt, dflt);
    if (!v.ok()) return v.error();
    return **v;
  };
  // Read one option as text and convert it as datatypes.py does.
  auto as = [&](const char* opt, const std::string& dflt, auto convert) {
    auto text = str(opt, dflt);
    return text.ok() ? convert(*text) : decltype(convert(*text))(text.error());
  };
  auto dirpath = [&](const std::string& v) { return cv::existingDirpath(v, ctx.env); };
  auto directory = [&](const std::string& v) { return cv::existingDirectory(v, ctx.env); };
  SUP_SET(s.minfds, as("minfds", "1024", cv::integer));
  SUP_SET(s.minprocs, as("minprocs", "200", cv::integer));
  SUP_TRY(dir, get("directory", std::nullopt));
  if (dir) SUP_SET(s.directory, directory(*dir));
  SUP_SET(s.user, get("user", std::nullopt));
  SUP_SET(s.umask, as("umask", "022", cv::octal));
  SUP_SET(s.logfile, as("logfile", "supervisord.log", dirpath));
  SUP_SET(s.logfile_maxbytes, as("logfile_maxbytes", "50MB", cv::byteSize));
  SUP_SET(s.logfile_backups, as("logfile_backups", "10", cv::integer));
  SUP_SET(s.loglevel, as("loglevel", "info", cv::loggingLevel));
  SUP_SET(s.pidfile, as("pidfile", "supervisord.pid", dirpath));
  SUP_SET(s.identifier, str("identifier", "supervisor"));
  SUP_SET(s.nodaemon, as("nodaemon", "false", cv::boolean));
  SUP_SET(s.silent, as("silent", "false", cv::boolean));
  SUP_SET(s.childlogdir, as("childlogdir", defaultTempDir(ctx.opts), directory));
  SUP_SET(s.nocleanup, as("nocleanup", "false", cv::boolean));
  SUP_SET(s.strip_ansi, as("strip_ansi", "false", cv::boolean));
  // Ours (Python Supervisor ignores the key): docs/reexec.md.
  SUP_SET(s.restart_keeps_programs, as("restart_keeps_programs", "false", cv::boolean));
  // Expanded twice, as 4.2.5 does: once by saneget, once more here.
  SUP_TRY(environ_once, str("environment", ""));
  FormatNames second = ctx.environ_expansions;
  second["here"] = ctx.here;
  second["host_node_name"] = ctx.opts.host_node_name;
  SUP_TRY(environ_twice, expandFormat(environ_once, second, "environment"));
  SUP_TRY(environment, parseKeyValuePairs(environ_twice));
  s.environment = environment;
  for (const auto& [k, v] : environment) ctx.environ_expansions["ENV_" + k] = v;
  return okStatus();
}

// Command-line values for [supervisord], checked before the file is read as
// Supervisor's getopt handlers are.
Status applyOverrides(const ParseContext& ctx, SupervisordConfig* s) {
  // Not a structured binding: clang 14 (the fuzz build) cannot capture one in a lambda.
  for (const auto& kv : ctx.opts.supervisord_overrides) {
    const std::string& key = kv.first;
    const std::string& value = kv.second;
    auto fail = [&](const Error& e) {
      auto typed = ctx.opts.supervisord_override_flags.find(key);
      std::string flag =
          typed != ctx.opts.supervisord_override_flags.end() ? typed->second : "--" + key;
      return Error{"invalid value for " + flag + " " + py::repr(value) + ": " + e.message};
    };
    auto flag = [&]() -> Result<bool> { return cv::boolean(value.empty() ? "true" : value); };
    if (key == "nodaemon" || key == "silent" || key == "nocleanup" || key == "strip_ansi") {
      auto b = flag();
      if (!b.ok()) return fail(b.error());
      if (s)
        (key == "nodaemon"    ? s->nodaemon
         : key == "silent"    ? s->silent
         : key == "nocleanup" ? s->nocleanup
                              : s->strip_ansi) = *b;
    } else if (key == "user") {
      if (s) s->user = value;
    } else if (key == "identifier") {
      if (s) s->identifier = value;
    } else if (key == "umask") {
      auto v = cv::octal(value);
      if (!v.ok()) return fail(v.error());
      if (s) s->umask = *v;
    } else if (key == "directory" || key == "childlogdir") {
      auto v = cv::existingDirectory(value, ctx.env);
      if (!v.ok()) return fail(v.error());
      // Not a ?: of the two members: they differ in type (optional and
      // string), so that would assign to a temporary and set neither.
      if (s && key == "directory") s->directory = *v;
      if (s && key == "childlogdir") s->childlogdir = *v;
    } else if (key == "logfile" || key == "pidfile") {
      auto v = cv::existingDirpath(value, ctx.env);
      if (!v.ok()) return fail(v.error());
      if (s) (key == "logfile" ? s->logfile : s->pidfile) = *v;
    } else if (key == "logfile_maxbytes") {
      auto v = cv::byteSize(value);
      if (!v.ok()) return fail(v.error());
      if (s) s->logfile_maxbytes = *v;
    } else if (key == "logfile_backups" || key == "minfds" || key == "minprocs") {
      auto v = cv::integer(value);
      if (!v.ok()) return fail(v.error());
      if (s) {
        if (key == "logfile_backups")
          s->logfile_backups = static_cast<int>(*v);
        else
          (key == "minfds" ? s->minfds : s->minprocs) = *v;
      }
    } else if (key == "loglevel") {
      auto v = cv::loggingLevel(value);
      if (!v.ok()) return fail(v.error());
      if (s) s->loglevel = *v;
    }
  }
  return okStatus();
}

void initContext(ParseContext& ctx, const std::string& path) {
  ctx.env.environ = &ctx.opts.environ;
  ctx.env.cwd = ctx.opts.cwd;
  ctx.env.check_filesystem = ctx.opts.check_filesystem;
  ctx.env.check_users = ctx.opts.check_users;
  ctx.configfile = path;
  ctx.here = absPath(ctx, dirName(path));
  for (const auto& [k, v] : ctx.opts.environ) ctx.environ_expansions["ENV_" + k] = v;
}

Result<Config> parseInto(ParseContext& ctx, bool* ini_ok) {
  SUP_TRY(ok_overrides, applyOverrides(ctx, nullptr));
  (void)ok_overrides;
  SUP_TRY(ini_read, readIni(ctx, ini_ok));
  (void)ini_read;
  if (!ctx.ini.hasSection("supervisord")) {
    return Error{".ini file does not include supervisord section"};
  }
  Config cfg;
  cfg.path = ctx.configfile;
  SUP_TRY(sup_ok, readSupervisord(ctx, cfg.supervisord));
  (void)sup_ok;
  SUP_TRY(rpc, detail::rpcInterfacesFromParser(ctx));
  cfg.rpcinterfaces = std::move(rpc);
  SUP_TRY(groups, detail::groupsFromParser(ctx));
  for (GroupConfig& g : groups) {
    for (ProcessConfig& p : g.processes) {
      EnvVars env = cfg.supervisord.environment;
      env.update(p.environment);
      p.environment = std::move(env);
    }
  }
  cfg.groups = std::move(groups);
  SUP_TRY(servers, detail::serversFromParser(ctx));
  cfg.servers = std::move(servers);

  // realize(): command-line values win, then the user check and paths.
  SUP_TRY(ov, applyOverrides(ctx, &cfg.supervisord));
  (void)ov;
  SupervisordConfig& s = cfg.supervisord;
  if (s.user && ctx.env.check_users) {
    auto uid = cv::nameToUid(*s.user);
    if (!uid.ok()) return uid.error();
  }
  if (s.logfile != "syslog") s.logfile = detail::normalize(ctx, s.logfile);
  s.pidfile = detail::normalize(ctx, s.pidfile);
  for (const ServerConfig& c : cfg.servers) {
    if (c.type == ServerConfig::Type::Unix) {
      cfg.serverurl = "unix://" + c.file;
      break;
    }
  }
  if (!cfg.serverurl) {
    // Supervisor keeps overwriting, so the last inet server wins.
    for (const ServerConfig& c : cfg.servers) {
      if (c.type == ServerConfig::Type::Inet) {
        cfg.serverurl = "http://" + (c.host.empty() ? std::string("localhost") : c.host) + ":" +
                        std::to_string(c.port);
      }
    }
  }
  cfg.warnings = ctx.warnings;
  cfg.infos = ctx.infos;
  return cfg;
}

}  // namespace

ParseOptions defaultParseOptions() {
  ParseOptions o;
  for (char** e = environ; e && *e; ++e) {
    const char* eq = std::strchr(*e, '=');
    if (!eq) continue;
    o.environ.emplace(std::string(*e, static_cast<size_t>(eq - *e)), std::string(eq + 1));
  }
  struct utsname u;
  if (::uname(&u) == 0) o.host_node_name = u.nodename;
  char buf[4096];
  if (::getcwd(buf, sizeof buf)) o.cwd = buf;
  return o;
}

ParseOutcome parseConfigDetailed(const std::string& path, const ParseOptions& opts) {
  ParseContext ctx{opts, {}, {}, {}, {}, {}, {}, {}};
  initContext(ctx, path);
  bool ini_ok = false;
  ParseOutcome out;
  out.config = parseInto(ctx, &ini_ok);
  if (ini_ok) out.ini = ctx.ini;
  out.warnings = ctx.warnings;
  out.infos = ctx.infos;
  return out;
}

Result<Config> loadConfig(const std::string& path, const ParseOptions& opts) {
  return parseConfigDetailed(path, opts).config;
}

Result<Config> loadCtlConfig(const std::string& path, const ParseOptions& opts) {
  ParseContext ctx{opts, {}, {}, {}, {}, {}, {}, {}};
  initContext(ctx, path);
  ctx.here = dirName(detail::normalize(ctx, path));
  if (!pathExists(path)) return Error{"could not find config file " + path};
  auto text = readWholeFile(path);
  if (!text) return Error{"could not read config file " + path};
  Status read = ctx.ini.readString(*text, path);
  if (!read.ok()) return read.error();
  Config cfg;
  cfg.path = path;
  if (auto servers = detail::serversFromParser(ctx); servers.ok()) cfg.servers = *servers;
  for (const ServerConfig& c : cfg.servers) {
    if (c.type == ServerConfig::Type::Unix && !cfg.serverurl) cfg.serverurl = "unix://" + c.file;
  }
  for (const ServerConfig& c : cfg.servers) {
    if (c.type == ServerConfig::Type::Inet && !cfg.serverurl) {
      cfg.serverurl = "http://" + (c.host.empty() ? std::string("localhost") : c.host) + ":" +
                      std::to_string(c.port);
    }
  }
  if (!ctx.ini.hasSection("supervisorctl")) return cfg;
  CtlConfig ctl;
  const FormatNames here{{"here", ctx.here}};
  SUP_TRY(url, ctx.get("supervisorctl", "serverurl", std::nullopt, here));
  if (url && url->rfind("unix://", 0) == 0)
    *url = "unix://" + detail::normalize(ctx, url->substr(7));
  ctl.serverurl = url;
  SUP_TRY(prompt, ctx.get("supervisorctl", "prompt", std::string("supervisor")));
  ctl.prompt = *prompt;
  SUP_TRY(username, ctx.get("supervisorctl", "username", std::nullopt));
  ctl.username = username;
  SUP_TRY(password, ctx.get("supervisorctl", "password", std::nullopt));
  ctl.password = password;
  SUP_TRY(history, ctx.get("supervisorctl", "history_file", std::nullopt, here));
  if (history && !history->empty()) ctl.history_file = detail::normalize(ctx, *history);
  cfg.ctl = ctl;
  return cfg;
}

}  // namespace sup
