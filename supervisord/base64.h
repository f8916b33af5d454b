// Base64 (RFC 4648, standard alphabet) for HTTP Basic credentials and
// XML-RPC's <base64> values, through nettle's codec.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sup {

/// Blanks (space, tab, CR, LF) are ignored, as Python's decodebytes ignores
/// them in what its client sends (a line break every 76 characters).
/// nullopt for any other character outside the alphabet, padding in the
/// middle, or missing padding (Python: "Incorrect padding").
std::optional<std::string> base64Decode(std::string_view text);
std::string base64Encode(std::string_view data);

}  // namespace sup
