// The reader beside process_info_json.h's writer: the fast path for
// supervisorctl's largest reply, supervisor.getAllProcessInfo, decoded
// straight from the reply line into ProcessInfo structs, in one pass,
// without building a JSON tree first (for 1,000 programs the tree, its copy
// and the per-field lookups were most of `supervisorctl status`'s work).
//
// It accepts only the plain shape our daemon sends: {"jsonrpc":...,"id":N,
// "result":[{...},...]} with known fields of the right JSON types, integers
// without fraction or exponent, ASCII strings with simple escapes. Anything
// else (an error reply, another id, a float, a \u escape, non-ASCII bytes, an
// unknown field, bad JSON) makes it return false, and the caller takes the
// general path (proto::parseMessage + from_json), which gives the exact result
// or error. So the two paths agree on everything the fast one accepts.
#pragma once

#include <string_view>
#include <vector>

#include "common/protocol.h"

namespace sup::proto {

/// Decode `line` as the reply with id `expected_id` whose result is a list of
/// ProcessInfo. On true, `out` holds the list; on false, `out` is unspecified.
bool decodeProcessInfoReply(std::string_view line, long expected_id,
                            std::vector<proto::ProcessInfo>& out);

}  // namespace sup::proto
