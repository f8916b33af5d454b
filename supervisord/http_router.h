// Which code answers an HTTP request on the control socket: a table of
// (method, path) -> handler. The XML-RPC endpoint (/RPC2) and the log
// streams (/logtail/..., /mainlogtail) are routes; a status page or
// /metrics would be routes too, added without touching the parser or the
// session. Handlers answer through an HttpExchange, now or later.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "supervisord/http_request.h"
#include "supervisord/http_session.h"
#include "supervisord/peer_credentials.h"

namespace sup {

using HttpHandler = std::function<void(const http::Request&, const PeerCredentials&, HttpExchange)>;

class HttpRouter {
 public:
  enum class Match {
    kExact,   ///< the path itself
    kPrefix,  ///< the path, or anything under it ("/logtail" takes "/logtail/web/stderr")
  };

  /// Add a route. Supervisor's endpoints match by prefix (medusa's
  /// handlers look at the start of the URI).
  void add(std::string method, std::string path, HttpHandler handler, Match match = Match::kExact);

  /// The handler for a request; nullptr with *status set when there is none:
  /// 404 for an unknown path, 400 when the path is known but takes other
  /// methods (medusa's handlers answer a wrong method with 400).
  const HttpHandler* find(std::string_view method, std::string_view path, int* status) const;

 private:
  struct Route {
    std::string method;
    std::string path;
    Match match;
    HttpHandler handler;
  };
  std::vector<Route> routes_;
};

}  // namespace sup
