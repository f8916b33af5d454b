#include "supervisord/daemon_options.h"

#include <unistd.h>

#include <CLI/CLI.hpp>

namespace sup {

std::string daemonUsage(const std::string& argv0) {
  return "supervisord -- run a set of applications as daemons.\n"
         "\n"
         "Usage: " + argv0 + " [options]\n"
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
         "--print-config -- parse and validate the config, print it as JSON and exit\n";
}

DaemonOptionsResult parseDaemonOptions(int argc, char** argv) {
  DaemonOptions o;
  if (argc > 0) o.argv0 = argv[0];
  CLI::App app{"supervisord"};
  app.set_help_flag();  // -h prints Supervisor's own text, below
  app.allow_extras(true);
  std::string config;
  app.add_option("-c,--configuration", config);
  app.add_flag("-h,--help,-?", o.help);
  app.add_flag("-v,--version", o.version);
  app.add_flag("--print-config", o.print_config);
  std::string node_name;
  app.add_option("--node-name", node_name)->group("");  // hidden: corpus tests

  // Flags that map onto boolean [supervisord] options.
  struct BoolFlag {
    const char* spec;
    const char* option;
    bool value;
  };
  BoolFlag bools[] = {{"-n,--nodaemon", "nodaemon", false},
                      {"-s,--silent", "silent", false},
                      {"-k,--nocleanup", "nocleanup", false},
                      {"-t,--strip_ansi", "strip_ansi", false}};
  for (auto& b : bools) app.add_flag(b.spec, b.value);
  // Options with a value.
  struct ValueOpt {
    const char* spec;
    const char* option;
  };
  ValueOpt values[] = {{"-u,--user", "user"},
                       {"-m,--umask", "umask"},
                       {"-d,--directory", "directory"},
                       {"-l,--logfile", "logfile"},
                       {"-y,--logfile_maxbytes", "logfile_maxbytes"},
                       {"-z,--logfile_backups", "logfile_backups"},
                       {"-e,--loglevel", "loglevel"},
                       {"-j,--pidfile", "pidfile"},
                       {"-i,--identifier", "identifier"},
                       {"-q,--childlogdir", "childlogdir"},
                       {"-a,--minfds", "minfds"},
                       {"--minprocs", "minprocs"}};
  std::vector<std::string> given(std::size(values));
  std::vector<CLI::Option*> value_opts;
  for (size_t i = 0; i < given.size(); ++i)
    value_opts.push_back(app.add_option(values[i].spec, given[i]));
  std::string profile;
  app.add_option("--profile_options", profile)->group("");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return {std::nullopt, e.what()};
  }
  std::vector<std::string> rest = app.remaining();
  if (!rest.empty()) {
    const std::string first = rest.front();
    if (!first.empty() && first[0] == '-') return {std::nullopt, "option " + first + " not recognized"};
    return {std::nullopt, "positional arguments are not supported"};
  }
  if (app.count("-c")) o.config_path = config;
  if (app.count("--node-name")) o.node_name = node_name;
  for (auto& b : bools)
    if (b.value) o.overrides[b.option] = "true";
  for (size_t i = 0; i < value_opts.size(); ++i)
    if (value_opts[i]->count()) o.overrides[values[i].option] = given[i];
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
  return {join("etc/supervisord.conf"), join("supervisord.conf"), "supervisord.conf",
          "etc/supervisord.conf",       "/etc/supervisord.conf",  "/etc/supervisor/supervisord.conf"};
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
