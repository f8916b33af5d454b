#include "supervisord/xmlrpc_route.h"

#include "common/py_text.h"
#include "supervisord/http_router.h"
#include "supervisord/xmlrpc_decode.h"
#include "supervisord/xmlrpc_encode.h"

namespace sup {

http::Response xmlRpcResponse(const RpcOutcome& outcome) {
  if (outcome.isError() && outcome.code <= 0) {
    // Not a Supervisor fault (a method's internal error): Python Supervisor
    // answers an unexpected exception with 500 too.
    return http::errorResponse(500);
  }
  http::Response r;
  r.headers.push_back({"Content-Type", "text/xml"});
  if (outcome.isError()) {
    r.body = xmlrpc::encodeFault(outcome.code, outcome.message);
  } else if (outcome.process_infos) {
    r.body = xmlrpc::encodeProcessInfoList(*outcome.process_infos);
  } else {
    r.body = xmlrpc::encodeResponse(*outcome.result);
  }
  return r;
}

void addXmlRpcRoute(HttpRouter& router, const RpcRegistry& registry, const RpcServices& services,
                    RouteLog log) {
  auto handler = [&registry, &services, log](const http::Request& request,
                                             const PeerCredentials& peer, HttpExchange exchange) {
    if (!request.content_length) return exchange.respondError(411);
    auto call = xmlrpc::decodeCall(request.body);
    if (!call) {
      log(LogLevel::Error, "control: XML-RPC request from " + describePeer(peer) +
                               " is invalid: " + call.error().message);
      return exchange.respondError(400);
    }
    // A name with a line break in it must not forge log lines: such names
    // (no method has one) are logged as Python's repr() writes them.
    bool plain = call->method.find_first_of("\r\n") == std::string::npos;
    log(LogLevel::Debug, "control: " + describePeer(peer) + " calls " +
                             (plain ? call->method : py::repr(call->method)));
    RpcContext ctx;
    ctx.services = &services;
    ctx.peer_uid = peer.uid;
    ctx.peer_pid = peer.pid;
    ctx.peer_address = peer.address;
    // No ControlConnection: the JSON streaming calls answer that they need
    // one; Supervisor's clients stream through GET /logtail instead.
    std::string method = call->method;
    RpcReply reply([exchange, log, method](RpcOutcome outcome) {
      if (outcome.isError() && outcome.code <= 0) {
        log(LogLevel::Critical, "control: XML-RPC " + method + " failed: " + outcome.message);
      }
      exchange.respond(xmlRpcResponse(outcome));
    });
    registry.call(ctx, call->method, call->params, reply);
  };
  router.add("POST", "/RPC2", handler, HttpRouter::Match::kPrefix);
}

}  // namespace sup
