// JSON string output for --json: log lines are raw bytes, not always UTF-8.
#pragma once

#include <string>
#include <string_view>

namespace sup {

/// Appends `bytes` as a quoted JSON string. Control characters are escaped;
/// bytes that are not valid UTF-8 become U+FFFD, so the output is always
/// valid JSON whatever a program wrote to its log.
void appendJsonString(std::string& out, std::string_view bytes);

}  // namespace sup
