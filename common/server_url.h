// Server URLs as Supervisor's supervisorctl takes them: "unix:///path/sock"
// (the [unix_http_server] file) or "http://host:port" (port 80 when absent).
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace sup {

struct ServerUrl {
  enum class Kind { kUnix, kHttp };
  Kind kind = Kind::kUnix;
  std::string url;   ///< as given: it is what error messages print
  std::string path;  ///< unix: the socket path
  std::string host;  ///< http
  int port = 80;     ///< http
};

/// Error text is Supervisor's: "Unknown protocol for serverurl X".
Result<ServerUrl> parseServerUrl(std::string_view url);

/// Supervisor's datatypes.url check applied to -s: a scheme and something
/// after it. Error: "value 'x' is not a URL".
Status checkUrlSyntax(std::string_view url);

}  // namespace sup
