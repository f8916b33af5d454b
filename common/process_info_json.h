// getAllProcessInfo's reply written straight to text. Building an
// nlohmann::json tree per process and dumping it cost the daemon ~65,000
// instructions per program (13 M for 200, every `supervisorctl status`);
// these writers produce the same bytes as the tree's dump() directly.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/protocol.h"

namespace sup::proto {

/// Append `json(info).dump()`'s exact text: keys in the tree's (sorted)
/// order, strings escaped as encodeLine() escapes them.
void appendProcessInfoJson(std::string& out, const ProcessInfo& info);

/// `json(infos).dump()`'s exact text: a JSON array of the above.
std::string processInfoListJson(const std::vector<ProcessInfo>& infos);

/// encodeLine(makeResult(id, R)) for a result R given as its compact JSON
/// text; the line is built in result_json's buffer.
std::string encodeResultLine(const json& id, std::string result_json);

}  // namespace sup::proto
