// XML-RPC output: method responses and faults laid out byte for byte as
// Python's xmlrpc.client.dumps() writes them (what Supervisor sends), from
// the json values the method registry answers with. Types follow the json
// value: boolean -> <boolean>, integer -> <int>, string -> <string>, float
// -> <double>, array -> <array>, object -> <struct>, null -> <nil/>
// (Supervisor never sends one; Python's client reads it anyway).
//
// Where Python Supervisor would send bytes no XML parser accepts (a
// program's output with ESC or other control characters, invalid UTF-8),
// we send U+FFFD in their place, so the client reads the rest; a CR is sent
// as &#13; so it survives the parser's line-end normalisation. Integers
// beyond 32 bits are sent as <int> too: Python's client reads any size.
// Pure code.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/protocol.h"

namespace sup::xmlrpc {

/// A <methodResponse> carrying `value` as its one param.
std::string encodeResponse(const proto::json& value);
/// A <methodResponse> carrying a <fault> {faultCode, faultString}.
std::string encodeFault(int code, std::string_view text);
/// The response of getAllProcessInfo written straight from the structs
/// (the fields of common/process_info_fields.h), the same bytes as
/// encodeResponse(json(infos)) without building the tree.
std::string encodeProcessInfoList(const std::vector<proto::ProcessInfo>& infos);
/// A <methodCall>, as xmlrpc.client.dumps(params, method) writes it (for
/// tests, the fuzz target's round trip and benchmarks).
std::string encodeCall(std::string_view method, const proto::json& params);

/// Append "<value>...</value>" for `value`.
void appendValue(std::string& out, const proto::json& value);
/// Append `text` as XML character data: &, <, > escaped, CR as &#13;,
/// characters XML cannot carry and invalid UTF-8 as U+FFFD.
void appendText(std::string& out, std::string_view text);
/// Whether appendText writes `text` as it is, apart from escapes: valid
/// UTF-8 of characters XML 1.0 can carry (tab, LF and CR the only controls).
/// A decoded value outside this set could not be sent back unchanged.
bool isXmlText(std::string_view text);

}  // namespace sup::xmlrpc
