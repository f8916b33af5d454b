// supervisorctl's command line and settings, with Supervisor's rules: getopt
// options (-c -s -u -p -i -r -h, long forms, unique long prefixes) come
// before the action; the first non-option word starts the action and
// everything after it is passed verbatim ("supervisorctl -c f status a b").
// The grammar and error texts are Python getopt's, from common/py_getopt.h
// (the one copy supervisord uses too). Values from the command line win over
// [supervisorctl], which wins over the defaults.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/result.h"

namespace sup::ctl {

struct CtlArgs {
  std::optional<std::string> configfile;
  std::optional<std::string> serverurl;
  std::optional<std::string> username;
  std::optional<std::string> password;
  std::optional<std::string> history_file;
  bool interactive = false;
  bool help = false;
  bool json = false;                ///< ours: --json, machine-readable read commands
  std::vector<std::string> action;  ///< the action and its arguments
};

/// Parse argv[1..]. The Error text is what Supervisor prints after "Error: "
/// ("option -x not recognized", "option -c requires argument", ...).
Result<CtlArgs> parseCtlArgs(const std::vector<std::string>& args);

struct CtlSettings {
  std::string serverurl = "http://localhost:9001";
  std::optional<std::string> username;
  std::optional<std::string> password;
  std::string prompt = "supervisor";
  std::optional<std::string> history_file;
  bool interactive = false;  ///< no action given: run the shell
  bool json = false;
  std::vector<std::string> action;
  std::string configfile;  ///< "" when none was found
};

/// Where supervisorctl looks for a config when -c is absent, in order
/// (Supervisor's searchpaths; `argv0` locates the first two).
std::vector<std::string> configSearchPaths(const std::string& argv0);

/// Read the config (given or found) and merge it with the command line.
Result<CtlSettings> resolveCtlSettings(const CtlArgs& args, const std::string& argv0);

/// The -h text (Supervisor's module docstring with the program name).
std::string ctlUsageText(const std::string& progname);

}  // namespace sup::ctl
