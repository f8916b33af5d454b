// supervisord's command line: Supervisor's flags become [supervisord]
// overrides; the search path and errors match Supervisor's.
#include "supervisord/daemon_options.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using namespace sup;

namespace {
DaemonOptionsResult parse(std::vector<std::string> args) {
  args.insert(args.begin(), "/usr/bin/supervisord");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  return parseDaemonOptions(static_cast<int>(args.size()), argv.data());
}
}  // namespace

TEST_CASE("option -c names the config and flags become supervisord overrides") {
  auto r = parse({"-c", "/etc/x.conf", "-n", "-s",   "-k", "-t",    "-l",         "/tmp/l.log",
                  "-y", "1MB",         "-z", "3",    "-e", "debug", "-j",         "/tmp/p.pid",
                  "-i", "ident",       "-q", "/tmp", "-a", "2048",  "--minprocs", "300",
                  "-u", "nobody",      "-m", "027",  "-d", "/"});
  REQUIRE(r.options);
  const auto& o = *r.options;
  CHECK(o.config_path == "/etc/x.conf");
  std::map<std::string, std::string> want{
      {"nodaemon", "true"},     {"silent", "true"},        {"nocleanup", "true"},
      {"strip_ansi", "true"},   {"logfile", "/tmp/l.log"}, {"logfile_maxbytes", "1MB"},
      {"logfile_backups", "3"}, {"loglevel", "debug"},     {"pidfile", "/tmp/p.pid"},
      {"identifier", "ident"},  {"childlogdir", "/tmp"},   {"minfds", "2048"},
      {"minprocs", "300"},      {"user", "nobody"},        {"umask", "027"},
      {"directory", "/"}};
  CHECK(o.overrides == want);
}

TEST_CASE("long option forms with = work") {
  auto r = parse({"--configuration=/a.conf", "--nodaemon", "--loglevel=warn"});
  REQUIRE(r.options);
  CHECK(r.options->config_path == "/a.conf");
  CHECK(r.options->overrides.at("loglevel") == "warn");
  CHECK(r.options->overrides.at("nodaemon") == "true");
  // Each override remembers how it was typed, for Supervisor's error text.
  CHECK(r.options->override_flags.at("loglevel") == "--loglevel");
  auto s = parse({"-e", "warn", "-n"});
  REQUIRE(s.options);
  CHECK(s.options->override_flags ==
        std::map<std::string, std::string>{{"loglevel", "-e"}, {"nodaemon", "-n"}});
}

TEST_CASE("options --print-config and the hidden --node-name are accepted") {
  auto r = parse({"-c", "f.conf", "--print-config", "--node-name", "corpus-host"});
  REQUIRE(r.options);
  CHECK(r.options->print_config);
  CHECK(r.options->node_name == "corpus-host");
  CHECK(r.options->overrides.empty());
}

TEST_CASE("positional arguments are refused with Python's list of them") {
  auto r = parse({"-c", "f.conf", "extra", "-n"});
  CHECK_FALSE(r.options);
  CHECK(r.error == "positional arguments are not supported: ['extra', '-n']");
  // getopt stops at "--", and a lone "-" is a positional.
  CHECK(parse({"--", "-n"}).error == "positional arguments are not supported: ['-n']");
  CHECK(parse({"-"}).error == "positional arguments are not supported: ['-']");
}

TEST_CASE("option errors are getopt's") {
  CHECK(parse({"-c"}).error == "option -c requires argument");
  CHECK(parse({"--configuration"}).error == "option --configuration requires argument");
  CHECK(parse({"--us"}).error == "option --user requires argument");
  CHECK(parse({"-x"}).error == "option -x not recognized");
  CHECK(parse({"--foo=1"}).error == "option --foo not recognized");
  CHECK(parse({"--nodaemon=1"}).error == "option --nodaemon must not have an argument");
  CHECK(parse({"--help="}).error == "option --help must not have an argument");
  CHECK(parse({"--log"}).error == "option --log not a unique prefix");
  // Our extensions are not Supervisor's, so they never match as prefixes.
  CHECK(parse({"--print"}).error == "option --print not recognized");
}

TEST_CASE("short flags cluster, values attach, and long names take unique prefixes") {
  auto r = parse({"-nsc/a.conf", "--logfile_m=5MB", "--conf", "ignored-not"});
  CHECK(r.error == "conflicting command line option '--configuration'");
  r = parse({"-nsc/a.conf", "--logfile_m=5MB", "-e", "warn"});
  REQUIRE(r.options);
  CHECK(r.options->config_path == "/a.conf");
  std::map<std::string, std::string> want{
      {"nodaemon", "true"}, {"silent", "true"}, {"logfile_maxbytes", "5MB"}, {"loglevel", "warn"}};
  CHECK(r.options->overrides == want);
}

TEST_CASE("an option given twice is a conflict, named as typed") {
  CHECK(parse({"-n", "-n"}).error == "conflicting command line option '-n'");
  CHECK(parse({"-c", "a", "--configuration=b"}).error ==
        "conflicting command line option '--configuration'");
  CHECK(parse({"--profile_options=x", "--profile_options=y"}).error ==
        "conflicting command line option '--profile_options'");
}

TEST_CASE("options -h, -? and -v act in order, the first one wins") {
  CHECK(parse({"-h"}).options->help);
  CHECK(parse({"-?"}).options->help);
  CHECK(parse({"-v"}).options->version);
  auto vh = parse({"-vh"});
  CHECK(vh.options->version);
  CHECK_FALSE(vh.options->help);
  CHECK(parse({"-h", "-n", "-n"}).options->help);
  // getopt reads the whole line before any option acts.
  CHECK(parse({"-h", "--bogus"}).error == "option --bogus not recognized");
}

TEST_CASE("supervisord -h prints Supervisor's text unchanged, then our --print-config line") {
  // `/usr/bin/supervisord -h` of Python Supervisor 4.2.5, byte for byte.
  const std::string python = R"PY(supervisord -- run a set of applications as daemons.

Usage: /usr/bin/supervisord [options]

Options:
-c/--configuration FILENAME -- configuration file path (searches if not given)
-n/--nodaemon -- run in the foreground (same as 'nodaemon=true' in config file)
-s/--silent -- no logs to stdout (maps to 'silent=true' in config file)
-h/--help -- print this usage message and exit
-v/--version -- print supervisord version number and exit
-u/--user USER -- run supervisord as this user (or numeric uid)
-m/--umask UMASK -- use this umask for daemon subprocess (default is 022)
-d/--directory DIRECTORY -- directory to chdir to when daemonized
-l/--logfile FILENAME -- use FILENAME as logfile path
-y/--logfile_maxbytes BYTES -- use BYTES to limit the max size of logfile
-z/--logfile_backups NUM -- number of backups to keep when max bytes reached
-e/--loglevel LEVEL -- use LEVEL as log level (debug,info,warn,error,critical)
-j/--pidfile FILENAME -- write a pid file for the daemon process to FILENAME
-i/--identifier STR -- identifier used for this instance of supervisord
-q/--childlogdir DIRECTORY -- the log directory for child process logs
-k/--nocleanup --  prevent the process from performing cleanup (removal of
                   old automatic child log files) at startup.
-a/--minfds NUM -- the minimum number of file descriptors for start success
-t/--strip_ansi -- strip ansi escape codes from process output
--minprocs NUM  -- the minimum number of processes available for start success
--profile_options OPTIONS -- run supervisord under profiler and output
                             results based on OPTIONS, which  is a comma-sep'd
                             list of 'cumulative', 'calls', and/or 'callers',
                             e.g. 'cumulative,callers')

)PY";
  CHECK(daemonUsage("/usr/bin/supervisord") ==
        python + "--print-config -- parse and validate the config, print it as JSON and exit\n");
}

TEST_CASE("the config search path follows Supervisor's order") {
  auto paths = defaultConfigSearchPaths("/usr/bin/supervisord");
  CHECK(paths == std::vector<std::string>{"/usr/etc/supervisord.conf", "/usr/supervisord.conf",
                                          "supervisord.conf", "etc/supervisord.conf",
                                          "/etc/supervisord.conf",
                                          "/etc/supervisor/supervisord.conf"});
  auto bare = defaultConfigSearchPaths("supervisord");
  CHECK(bare.front() == "etc/supervisord.conf");
}

TEST_CASE("no config found names every searched path") {
  std::string err;
  auto found = findDefaultConfig("/nonexistent-dir/bin/supervisord", &err);
  if (!found) {
    CHECK(
        err.rfind("No config file found at default paths (/nonexistent-dir/etc/supervisord.conf, ",
                  0) == 0);
    CHECK(err.find("); use the -c option to specify a config file at a different path") !=
          std::string::npos);
  }
}
