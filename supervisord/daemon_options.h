// supervisord's command line, with Supervisor's flags (supervisord.py doc):
// each [supervisord] flag becomes a ParseOptions override so the config
// parser applies it with the same validation as the file's value.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sup {

struct DaemonOptions {
  std::string argv0 = "supervisord";
  std::optional<std::string> config_path;  ///< -c; nullopt = search
  bool help = false;
  bool version = false;
  bool print_config = false;
  std::optional<std::string> node_name;  ///< hidden --node-name (tests)
  /// [supervisord] option name -> value as typed (-l, -y, -n => "true", ...).
  std::map<std::string, std::string> overrides;
  /// The option as typed for each override ("-e" or "--loglevel").
  std::map<std::string, std::string> override_flags;
};

/// Parse argv. Error = the text after "Error: " (exit 2 with the help hint).
struct DaemonOptionsResult {
  std::optional<DaemonOptions> options;
  std::string error;
};
DaemonOptionsResult parseDaemonOptions(int argc, char** argv);

/// Supervisor's search order when -c is absent, for this argv[0].
std::vector<std::string> defaultConfigSearchPaths(const std::string& argv0);

/// The first existing search path, or Supervisor's "No config file found..."
/// error text in `error`.
std::optional<std::string> findDefaultConfig(const std::string& argv0, std::string* error);

/// The help text printed by -h.
std::string daemonUsage(const std::string& argv0);

}  // namespace sup
