#include "supervisord/daemon_options.h"

#include <unistd.h>

#include <set>

#include "common/py_getopt.h"
#include "common/py_text.h"

namespace sup {

std::string daemonUsage(const std::string& argv0) {
  return "supervisord -- run a set of applications as daemons.\n"
         "\n"
         "Usage: " +
         argv0 +
         " [options]\n"
         "\n"
         "Options:\n"
         "-c/--configuration FILENAME -- configuration file path (searches if not given)\n"
         "-n/--nodaemon -- run in the foreground (same as 'nodaemon=true' in config file)\n"
         "-s/--silent -- no logs to stdout (maps to 'silent=true' in config file)\n"
         "-h/--help -- print this usage message and exit\n"
         "-v/--version -- print supervisord version number and exit\n"
         "-u/--user USER -- run supervisord as this user (or numeric uid)\n"
         "-m/--umask UMASK -- use this umask for daemon subprocess (default is 022)\n"
         "-d/--directory DIRECTORY -- directory to chdir to when daemonized\n"
         "-l/--logfile FILENAME -- use FILENAME as logfile path\n"
         "-y/--logfile_maxbytes BYTES -- use BYTES to limit the max size of logfile\n"
         "-z/--logfile_backups NUM -- number of backups to keep when max bytes reached\n"
         "-e/--loglevel LEVEL -- use LEVEL as log level (debug,info,warn,error,critical)\n"
         "-j/--pidfile FILENAME -- write a pid file for the daemon process to FILENAME\n"
         "-i/--identifier STR -- identifier used for this instance of supervisord\n"
         "-q/--childlogdir DIRECTORY -- the log directory for child process logs\n"
         "-k/--nocleanup --  prevent the process from performing cleanup (removal of\n"
         "                   old automatic child log files) at startup.\n"
         "-a/--minfds NUM -- the minimum number of file descriptors for start success\n"
         "-t/--strip_ansi -- strip ansi escape codes from process output\n"
         "--minprocs NUM  -- the minimum number of processes available for start success\n"
         "--profile_options OPTIONS -- run supervisord under profiler and output\n"
         "                             results based on OPTIONS, which  is a comma-sep'd\n"
         "                             list of 'cumulative', 'calls', and/or 'callers',\n"
         "                             e.g. 'cumulative,callers')\n"
         "\n"
         // Ours, after Supervisor's text (which ends with a blank line), so
         // everything above it reads exactly as Python's -h.
         "--print-config -- parse and validate the config, print it as JSON and exit\n";
}

namespace {

// What an option does once getopt has matched it.
enum class Kind { kHelp, kVersion, kConfig, kFlag, kValue, kIgnored, kPrintConfig, kNodeName };

struct DaemonOpt {
  GetoptSpec spec;
  Kind kind;
  const char* option;  ///< the [supervisord] option it overrides (kFlag, kValue)
};

// Supervisor's ServerOptions, in its order, then our two extensions.
// --profile_options is accepted and ignored: we have no Python profiler.
constexpr DaemonOpt kDaemonOpts[] = {
    {{'h', "help", false}, Kind::kHelp, nullptr},
    {{'?', nullptr, false}, Kind::kHelp, nullptr},
    {{'c', "configuration", true}, Kind::kConfig, nullptr},
    {{'v', "version", false}, Kind::kVersion, nullptr},
    {{'n', "nodaemon", false}, Kind::kFlag, "nodaemon"},
    {{'u', "user", true}, Kind::kValue, "user"},
    {{'m', "umask", true}, Kind::kValue, "umask"},
    {{'d', "directory", true}, Kind::kValue, "directory"},
    {{'l', "logfile", true}, Kind::kValue, "logfile"},
    {{'y', "logfile_maxbytes", true}, Kind::kValue, "logfile_maxbytes"},
    {{'z', "logfile_backups", true}, Kind::kValue, "logfile_backups"},
    {{'e', "loglevel", true}, Kind::kValue, "loglevel"},
    {{'j', "pidfile", true}, Kind::kValue, "pidfile"},
    {{'i', "identifier", true}, Kind::kValue, "identifier"},
    {{'q', "childlogdir", true}, Kind::kValue, "childlogdir"},
    {{'a', "minfds", true}, Kind::kValue, "minfds"},
    {{'\0', "minprocs", true}, Kind::kValue, "minprocs"},
    {{'k', "nocleanup", false}, Kind::kFlag, "nocleanup"},
    {{'t', "strip_ansi", false}, Kind::kFlag, "strip_ansi"},
    {{'\0', "profile_options", true}, Kind::kIgnored, "profile_options"},
    {{'s', "silent", false}, Kind::kFlag, "silent"},
    {{'\0', "print-config", false, true}, Kind::kPrintConfig, nullptr},
    {{'\0', "node-name", true, true}, Kind::kNodeName, nullptr},  // corpus tests
};

}  // namespace

DaemonOptionsResult parseDaemonOptions(int argc, char** argv) {
  DaemonOptions o;
  if (argc > 0) o.argv0 = argv[0];
  std::vector<GetoptSpec> specs;
  for (const auto& d : kDaemonOpts) specs.push_back(d.spec);
  std::vector<std::string> args(argv + (argc > 0 ? 1 : 0), argv + argc);
  auto parsed = pyGetopt(args, specs);
  if (!parsed) return {std::nullopt, parsed.error().message};
  if (!parsed->positionals.empty()) {
    std::string list;
    for (const auto& p : parsed->positionals) list += (list.empty() ? "" : ", ") + py::repr(p);
    return {std::nullopt, "positional arguments are not supported: [" + list + "]"};
  }
  // Options take effect in order, as Supervisor's handlers do: -h or -v
  // acts at once (so "-vh" prints the version), and a setting given twice
  // is refused.
  std::set<std::string_view> seen;
  for (const auto& item : parsed->options) {
    const DaemonOpt& d = kDaemonOpts[item.index];
    switch (d.kind) {
      case Kind::kHelp:
        o.help = true;
        return {o, ""};
      case Kind::kVersion:
        o.version = true;
        return {o, ""};
      case Kind::kPrintConfig:
        o.print_config = true;
        continue;
      case Kind::kNodeName:
        o.node_name = item.value;
        continue;
      case Kind::kConfig:
      case Kind::kFlag:
      case Kind::kValue:
      case Kind::kIgnored:
        break;
    }
    std::string_view name = d.option ? d.option : "configfile";
    if (!seen.insert(name).second)
      return {std::nullopt, "conflicting command line option '" + item.as_given + "'"};
    if (d.kind == Kind::kConfig) o.config_path = item.value;
    if (d.kind == Kind::kFlag) o.overrides[d.option] = "true";
    if (d.kind == Kind::kValue) o.overrides[d.option] = item.value;
    if (d.kind == Kind::kFlag || d.kind == Kind::kValue) o.override_flags[d.option] = item.as_given;
  }
  return {o, ""};
}

std::vector<std::string> defaultConfigSearchPaths(const std::string& argv0) {
  // Python: os.path.dirname(os.path.dirname(sys.argv[0])).
  auto dirname = [](const std::string& p) {
    auto slash = p.rfind('/');
    if (slash == std::string::npos) return std::string();
    std::string d = p.substr(0, slash);
    while (d.size() > 1 && d.back() == '/') d.pop_back();
    return d.empty() ? std::string("/") : d;
  };
  std::string here = dirname(dirname(argv0));
  auto join = [&](const std::string& tail) {
    if (here.empty()) return tail;
    return here.back() == '/' ? here + tail : here + "/" + tail;
  };
  return {join("etc/supervisord.conf"), join("supervisord.conf"),
          "supervisord.conf",           "etc/supervisord.conf",
          "/etc/supervisord.conf",      "/etc/supervisor/supervisord.conf"};
}

std::optional<std::string> findDefaultConfig(const std::string& argv0, std::string* error) {
  auto paths = defaultConfigSearchPaths(argv0);
  for (const auto& p : paths)
    if (::access(p.c_str(), F_OK) == 0) return p;
  std::string joined;
  for (const auto& p : paths) joined += (joined.empty() ? "" : ", ") + p;
  if (error) {
    *error = "No config file found at default paths (" + joined +
             "); use the -c option to specify a config file at a different path";
  }
  return std::nullopt;
}

}  // namespace sup
