// The url of an fcgi-program socket taken apart (see fcgi_socket_address.h).
#include "supervisord/fcgi_socket_address.h"

namespace sup {

Result<FcgiSocketAddress> fcgiSocketAddress(std::string_view url) {
  const Error bad{"Bad socket format " + std::string(url)};
  FcgiSocketAddress a;
  if (url.substr(0, 7) == "unix://") {
    a.family = FcgiSocketAddress::Family::Unix;
    a.path = std::string(url.substr(7));
    if (a.path.empty() || a.path[0] != '/') return bad;
    return a;
  }
  if (url.substr(0, 6) != "tcp://") return bad;
  std::string_view rest = url.substr(6);
  size_t colon = rest.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == rest.size()) return bad;
  long port = 0;
  for (char c : rest.substr(colon + 1)) {
    if (c < '0' || c > '9') return bad;
    port = port * 10 + (c - '0');
    if (port > 65535) return bad;
  }
  if (port < 1) return bad;
  a.family = FcgiSocketAddress::Family::Inet;
  a.host = std::string(rest.substr(0, colon));
  a.port = static_cast<int>(port);
  return a;
}

}  // namespace sup
