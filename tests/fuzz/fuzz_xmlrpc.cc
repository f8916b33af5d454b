// Fuzz target: the XML-RPC request decoder (expat underneath) and the
// encoder. The input is one request body. A body that decodes must survive
// a round trip: encoding its method and params as Python's xmlrpc.client
// would and decoding that again gives the same name and the same json
// params. The response encoder must accept whatever the decoder produced,
// and the input's raw bytes written as a string value must decode again
// (through a methodCall wrapper), so no output a program logs can break a
// client's parser.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "supervisord/xmlrpc_decode.h"
#include "supervisord/xmlrpc_encode.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  sup::xmlrpc::DecodeLimits limits;
  limits.max_depth = 16;
  auto call = sup::xmlrpc::decodeCall(body, limits);

  // Raw bytes (any program output) as a string value: the encoder must make
  // them into text an XML parser accepts.
  std::string text_param = "<methodCall><methodName>m</methodName><params><param><value><string>";
  sup::xmlrpc::appendText(text_param, body);
  text_param += "</string></value></param></params></methodCall>";
  if (!sup::xmlrpc::decodeCall(text_param).ok()) std::abort();

  if (!call.ok()) {
    if (call.error().message.empty()) std::abort();
    return 0;
  }
  if (call->method.empty() || !call->params.is_array()) std::abort();
  std::string again = sup::xmlrpc::encodeCall(call->method, call->params);
  auto back = sup::xmlrpc::decodeCall(again, limits);
  if (!back.ok()) std::abort();
  if (back->method != call->method || back->params != call->params) std::abort();
  (void)sup::xmlrpc::encodeResponse(call->params);
  (void)sup::xmlrpc::encodeFault(2, call->method);
  return 0;
}
