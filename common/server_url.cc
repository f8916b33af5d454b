#include "common/server_url.h"

#include <cctype>
#include <cstdlib>

#include "common/py_text.h"

namespace sup {

Result<ServerUrl> parseServerUrl(std::string_view url) {
  ServerUrl u;
  u.url = std::string(url);
  if (url.substr(0, 7) == "unix://") {
    u.kind = ServerUrl::Kind::kUnix;
    u.path = std::string(url.substr(7));
    return u;
  }
  if (url.substr(0, 7) == "http://") {
    u.kind = ServerUrl::Kind::kHttp;
    std::string_view rest = url.substr(7);
    rest = rest.substr(0, rest.find_first_of("/?#"));
    if (auto at = rest.rfind('@'); at != std::string_view::npos) rest = rest.substr(at + 1);
    std::string_view host = rest;
    if (!rest.empty() && rest.front() == '[') {  // [v6]:port
      auto close = rest.find(']');
      host = rest.substr(1, close == std::string_view::npos ? std::string_view::npos : close - 1);
      rest = close == std::string_view::npos ? std::string_view{} : rest.substr(close + 1);
      if (!rest.empty() && rest.front() == ':')
        u.port = std::atoi(std::string(rest.substr(1)).c_str());
    } else if (auto colon = rest.rfind(':'); colon != std::string_view::npos) {
      host = rest.substr(0, colon);
      std::string port(rest.substr(colon + 1));
      if (!port.empty()) u.port = std::atoi(port.c_str());
    }
    u.host.reserve(host.size());
    for (char c : host) u.host += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return u;
  }
  return Error{"Unknown protocol for serverurl " + std::string(url)};
}

Status checkUrlSyntax(std::string_view url) {
  // urlparse: scheme = leading [A-Za-z][A-Za-z0-9+.-]* before ':'.
  auto colon = url.find(':');
  bool scheme_ok = colon != std::string_view::npos && colon > 0 &&
                   std::isalpha(static_cast<unsigned char>(url[0]));
  for (std::size_t i = 0; scheme_ok && i < colon; ++i) {
    unsigned char c = static_cast<unsigned char>(url[i]);
    if (!(std::isalnum(c) || c == '+' || c == '-' || c == '.')) scheme_ok = false;
  }
  if (scheme_ok && colon + 1 < url.size()) return okStatus();
  return Error{"value " + py::repr(url) + " is not a URL"};
}

}  // namespace sup
