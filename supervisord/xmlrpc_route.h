// POST /RPC2: Supervisor's XML-RPC endpoint. A second codec over the one
// method registry the JSON-RPC side uses: the body is decoded into the json
// params the handlers take (xmlrpc_decode.h), RpcRegistry::call runs the
// method, and its outcome is written back as XML-RPC (xmlrpc_encode.h). No
// method exists twice. As in Supervisor: no Content-Length is 411, a body
// that is not a methodCall is 400, a fault is a 200 with <fault>, and an
// internal error is 500.
#pragma once

#include <functional>
#include <string>

#include "common/log_level.h"
#include "supervisord/http_response.h"
#include "supervisord/rpc_methods.h"

namespace sup {

class HttpRouter;

using RouteLog = std::function<void(LogLevel level, const std::string& message)>;

/// Add POST /RPC2 (and anything under it, as medusa matches it) to
/// `router`. `registry` and `services` must outlive the router's use.
void addXmlRpcRoute(HttpRouter& router, const RpcRegistry& registry, const RpcServices& services,
                    RouteLog log);

/// The HTTP response for one call's outcome (exposed for tests).
http::Response xmlRpcResponse(const RpcOutcome& outcome);

}  // namespace sup
