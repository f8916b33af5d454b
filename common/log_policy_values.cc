#include "common/log_policy_values.h"

#include "common/py_text.h"

namespace sup::cv {
namespace {

Error invalid(std::string_view key, std::string_view text, std::string_view expected) {
  return Error{"invalid '" + std::string(key) + "' value " + py::repr(text) + " (expected " +
               std::string(expected) + ")"};
}

bool hasControl(std::string_view s) {
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f) return true;
  return false;
}

}  // namespace

Result<std::string> teeTarget(std::string_view key, std::string_view text) {
  std::string s = py::strip(text);
  if (s.empty() || py::lower(s) == "none") return std::string();
  if (s[0] != '/' || hasControl(s)) {
    return invalid(key, text, "an absolute path such as /dev/stdout, or none");
  }
  return s;
}

Result<std::string> teePrefix(std::string_view text) {
  std::string_view s = text;
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  if (s.size() > kMaxTeePrefix || s.find_first_of("\r\n") != std::string_view::npos) {
    return invalid("tee_prefix", text, "at most 256 bytes on one line");
  }
  return std::string(s);
}

}  // namespace sup::cv
