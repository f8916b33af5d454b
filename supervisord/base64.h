// Base64 (RFC 4648, standard alphabet) for HTTP Basic credentials and
// XML-RPC's <base64> values. Pure code.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sup {

/// '=' padding optional, blanks (space, tab, CR, LF) ignored; nullopt for
/// any other character, padding in the middle or a truncated quantum.
std::optional<std::string> base64Decode(std::string_view text);
std::string base64Encode(std::string_view data);

}  // namespace sup
