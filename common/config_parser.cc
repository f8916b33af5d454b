// TEMPORARY stub so the tree links while the real parser is written.
#include "common/config_parser.h"
namespace sup {
ParseOptions defaultParseOptions() { return {}; }
Result<Config> loadConfig(const std::string&, const ParseOptions&) { return Error{"not implemented"}; }
Result<Config> loadCtlConfig(const std::string&, const ParseOptions&) { return Error{"not implemented"}; }
}  // namespace sup
