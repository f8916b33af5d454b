// Internal to the config parser (config_parser.cc, config_programs.cc,
// config_servers.cc): the state Supervisor's ServerOptions carries while it
// reads a file, and its saneget()/expand() helpers.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/config_model.h"
#include "common/config_parser.h"
#include "common/config_values.h"
#include "common/ini_reader.h"
#include "common/percent_format.h"
#include "common/result.h"

namespace sup::detail {

struct ParseContext {
  const ParseOptions& opts;
  cv::Env env;
  IniDocument ini;
  std::string configfile;  ///< the -c path as given (used in error suffixes)
  std::string here;        ///< abspath(dirname(configfile))
  /// parser.expansions: ENV_* of the process environment, later extended by
  /// [supervisord] environment= (Supervisor shares this dict by reference).
  FormatNames environ_expansions;
  std::vector<std::string> warnings;
  std::vector<std::string> infos;
  /// (group, process) -> the section it came from, for depends_on's errors.
  std::map<std::pair<std::string, std::string>, std::string> process_sections = {};

  /// saneget(section, option, default, expansions=extra): the raw value (or
  /// `dflt`), %-expanded with environ_expansions overlaid by `extra`.
  Result<std::optional<std::string>> get(std::string_view section, std::string_view option,
                                         std::optional<std::string> dflt,
                                         const FormatNames& extra = {}) const;
  /// The raw value or default, unexpanded (do_expand=False).
  std::optional<std::string> raw(std::string_view section, std::string_view option,
                                 std::optional<std::string> dflt) const;
};

/// process_groups_from_parser(): every [group:x], [program:x],
/// [eventlistener:x] and [fcgi-program:x], sorted by (priority, name).
Result<std::vector<GroupConfig>> groupsFromParser(ParseContext& ctx);

/// server_configs_from_parser(): inet servers first, then unix ones.
Result<std::vector<ServerConfig>> serversFromParser(const ParseContext& ctx);

/// get_plugins(parser, 'supervisor.rpcinterface_factory', 'rpcinterface:').
Result<std::vector<RpcInterfaceConfig>> rpcInterfacesFromParser(const ParseContext& ctx);

/// Options.import_spec() as far as we can check it without Python: syntax,
/// and supervisor's own modules must name something that exists.
bool importSpecResolves(std::string_view spec, std::string* syntax_error);

/// normalize_path() relative to the parse's cwd and HOME.
std::string normalize(const ParseContext& ctx, std::string_view path);

}  // namespace sup::detail
