// The parsed configuration as JSON, in the schema of the compatibility
// corpus (/work/shared/corpus/README.md): what `supervisord --print-config`
// prints and what the corpus test compares against the Python oracle.
#pragma once

#include <nlohmann/json.hpp>

#include "common/config_parser.h"

namespace sup {

/// The full document: ok/error/warnings/infos/sections/ini always, and the
/// semantic keys (supervisord, servers, serverurl, rpcinterfaces,
/// start_order, groups) when the parse succeeded.
nlohmann::json configToJson(const ParseOutcome& outcome);

/// Just the raw INI layer: {section: {key: value}} plus DEFAULT if non-empty.
nlohmann::json iniToJson(const IniDocument& ini);

/// One element of "groups"[].processes, and a group without its processes:
/// the re-exec hand-over carries configs in this schema
/// (common/config_json_read.h reads them back).
nlohmann::json processConfigJson(const ProcessConfig& process);
nlohmann::json groupHeaderJson(const GroupConfig& group);

}  // namespace sup
