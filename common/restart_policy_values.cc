#include "common/restart_policy_values.h"

#include "common/config_values.h"
#include "common/py_text.h"

namespace sup::cv {
namespace {

constexpr long long kYear = 86400LL * 365;

Error invalid(std::string_view key, std::string_view text, std::string_view expected) {
  return Error{"invalid '" + std::string(key) + "' value " + py::repr(text) + " (expected " +
               std::string(expected) + ")"};
}

}  // namespace

Result<RestartPolicy::Backoff> backoffKind(std::string_view text) {
  std::string s = py::lower(py::strip(text));
  if (s == "linear") return RestartPolicy::Backoff::Linear;
  if (s == "exponential") return RestartPolicy::Backoff::Exponential;
  return invalid("backoff", text, "linear or exponential");
}

Result<int> policySeconds(std::string_view key, std::string_view text) {
  auto v = integer(text);
  if (!v.ok() || *v < 0 || *v > kYear) {
    return invalid(key, text, "whole seconds from 0 to 31536000");
  }
  return static_cast<int>(*v);
}

Result<int> jitterPercent(std::string_view text) {
  auto v = integer(text);
  if (!v.ok() || *v < 0 || *v > 100)
    return invalid("backoff_jitter", text, "a percentage, 0 to 100");
  return static_cast<int>(*v);
}

Result<std::pair<int, int>> restartLimit(std::string_view text) {
  std::string s = py::strip(text);
  if (py::lower(s) == "none") return std::make_pair(0, 0);
  auto bad = [&] {
    return invalid("restart_limit", text, "RESTARTS/SECONDS such as 5/60, or none");
  };
  size_t slash = s.find('/');
  if (slash == std::string::npos) return bad();
  auto count = integer(s.substr(0, slash));
  auto seconds = integer(s.substr(slash + 1));
  if (!count.ok() || !seconds.ok() || *count < 1 || *count > 100000 || *seconds < 1 ||
      *seconds > kYear) {
    return bad();
  }
  return std::make_pair(static_cast<int>(*count), static_cast<int>(*seconds));
}

Result<bool> policyBoolean(std::string_view key, std::string_view text) {
  auto v = boolean(text);
  if (!v.ok()) return invalid(key, text, "true or false");
  return *v;
}

}  // namespace sup::cv

namespace sup {

std::string backoffText(RestartPolicy::Backoff b) {
  return b == RestartPolicy::Backoff::Exponential ? "exponential" : "linear";
}

std::string restartLimitText(const RestartPolicy& p) {
  if (p.restart_limit == 0) return "none";
  return std::to_string(p.restart_limit) + "/" + std::to_string(p.restart_limit_seconds);
}

}  // namespace sup
