// XML-RPC input: a <methodCall> body decoded into the method name and the
// json params array the method registry's handlers take, so XML-RPC is a
// second codec over the same methods, never a second implementation.
//
// Parsed with expat (the parser Python's own xmlrpc and Supervisor use),
// streaming, with its billion-laughs protection; a DOCTYPE is refused
// outright (no client sends one, and it is the door to entity tricks).
// Values map as Supervisor's unmarshallers read them: <int>/<i4> (and
// <i8>) -> integer, <boolean> -> true/false, <string> or a bare <value>
// text -> string, <double> -> float, <base64> -> its bytes as a string,
// <dateTime.iso8601> -> its text, <nil/> -> null, <array>, <struct>.
// Anything else is an error with a reason for the log: the HTTP side
// answers 400, as Supervisor does for an unmarshallable request. Pure code.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/protocol.h"
#include "common/result.h"

namespace sup::xmlrpc {

struct Call {
  std::string method;
  proto::json params = proto::json::array();
};

struct DecodeLimits {
  std::size_t max_depth = 64;  ///< nested <array>/<struct> levels
};

/// Decode one methodCall document. Error text says what was wrong ("not
/// well-formed (invalid token) at line 1", "no method name", ...).
Result<Call> decodeCall(std::string_view xml, DecodeLimits limits = {});

}  // namespace sup::xmlrpc
