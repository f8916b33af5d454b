// Reads a Supervisor config file (and its [include]s) into the Config model,
// matching Python Supervisor 4.2.5's options.py: same defaults, same
// %(...)s expansions, same error texts.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/config_model.h"
#include "common/ini_reader.h"
#include "common/result.h"

namespace sup {

/// The inputs a parse depends on besides the file itself. Tests set these
/// to reproduce the corpus oracle exactly; the daemon uses defaultParseOptions().
struct ParseOptions {
  std::map<std::string, std::string> environ;  ///< what %(ENV_X)s sees
  std::string host_node_name;                  ///< %(host_node_name)s
  std::string cwd;                             ///< base for relative logfile/pidfile
  bool check_filesystem = true;                ///< directories named by paths must exist
  bool check_users = true;                     ///< user=/chown= must resolve in passwd/group
  /// [supervisord] values given on the command line (-l, -y, -e, ...), keyed
  /// by option name; they win over the file, as in Supervisor.
  std::map<std::string, std::string> supervisord_overrides;
  /// How each override's option was typed ("-e", "--loglevel"): Supervisor
  /// names it so in "invalid value for -e 'x': ...". Default "--<option>".
  std::map<std::string, std::string> supervisord_override_flags;
};

/// Environment from environ(3), host name from uname(2), cwd from getcwd(3).
ParseOptions defaultParseOptions();

/// Parse, expand and validate `path`. On failure the Error holds the exact
/// text Supervisor prints after "Error: ".
Result<Config> loadConfig(const std::string& path, const ParseOptions& opts);

/// Everything one parse produced, for --print-config and the corpus tests:
/// the result, the raw INI layer (absent when the main file itself failed to
/// parse as INI) and the parse warnings/infos gathered up to the end or error.
struct ParseOutcome {
  Result<Config> config = Error{""};
  std::optional<IniDocument> ini;
  std::vector<std::string> warnings;
  std::vector<std::string> infos;
};
ParseOutcome parseConfigDetailed(const std::string& path, const ParseOptions& opts);

/// Read only what supervisorctl needs ([supervisorctl], plus the first
/// [unix_http_server]/[inet_http_server] for the default server URL).
/// Missing [supervisorctl] is not an error here (supervisorctl has defaults).
Result<Config> loadCtlConfig(const std::string& path, const ParseOptions& opts);

}  // namespace sup
