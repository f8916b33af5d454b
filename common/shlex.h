// Python's shlex, the two ways Supervisor uses it:
//  * shlex.split(command) (POSIX mode) turns command= into argv at spawn;
//  * datatypes.dict_of_key_value_pairs parses environment= with a NON-POSIX
//    shlex, whose quirks (quotes kept then stripped, backslashes literal, one
//    token skipped between pairs whatever it is) users' configs depend on.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/env_vars.h"
#include "common/result.h"

namespace sup {

/// shlex.split(text): POSIX rules, no comments. Errors: "No closing
/// quotation", "No escaped character".
Result<std::vector<std::string>> shlexSplit(std::string_view text);

/// The token stream of shlex.shlex(text) (non-POSIX, '#' comments) with
/// wordchars extended by "/.+-():", as dict_of_key_value_pairs builds it.
Result<std::vector<std::string>> nonPosixTokens(std::string_view text);

/// datatypes.dict_of_key_value_pairs: "K=v,K2='v 2'" -> {K: v, K2: v 2}.
/// Error: "Unexpected end of key/value pairs in value '<text>'".
Result<EnvVars> parseKeyValuePairs(std::string_view text);

}  // namespace sup
