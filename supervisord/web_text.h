// The text rules of the web status page (web_routes.h), pure: HTML escaping
// of every name and byte the page shows, and the two encodings of form data
// (application/x-www-form-urlencoded bodies and query strings) the page
// reads and writes.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sup::web {

/// `s` safe inside HTML text and quoted attribute values: & < > " ' become
/// entities. Other bytes pass through unchanged (the page is UTF-8; a
/// browser shows an invalid sequence as U+FFFD, never as markup).
std::string htmlEscape(std::string_view s);

/// Percent-encoding of a query-string or form value: every byte but
/// unreserved ones (A-Z a-z 0-9 - . _ ~) becomes %XX.
std::string urlEncode(std::string_view s);

/// Decode %XX and '+' (a space, in form data). A malformed escape ("%zz",
/// a lone "%") stays as it is, as browsers and Python's parse_qs leave it.
std::string formDecode(std::string_view s);

/// Fields of a form body or query string, in order ("a=1&b=&c" gives
/// a="1", b="", c="").
class Form {
 public:
  static Form parse(std::string_view text);
  /// The first field called `name`, or `fallback` when absent.
  std::string get(std::string_view name, std::string_view fallback = {}) const;
  bool has(std::string_view name) const;
  const std::vector<std::pair<std::string, std::string>>& fields() const { return fields_; }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

}  // namespace sup::web
