// The web status page's HTML, pure: the process table rendered from a
// snapshot of getAllProcessInfo, every name and text escaped. The page works
// as it is (a table with POST forms and GET links, no JavaScript needed);
// its embedded script (web_assets.h) then keeps it live from /events,
// filling a clone of the row <template> rendered here, so there is one
// markup of a row. rowJson() is what /events sends about a process.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/protocol.h"

namespace sup::web {

struct PageOptions {
  std::string token;           ///< the CSRF token every form carries
  std::string message;         ///< the result of the last action (from ?message=)
  std::string filter;          ///< name/group substring (from ?filter=)
  std::string state;           ///< a state name, or "" for any (from ?state=)
  std::string identification;  ///< [supervisord] identifier, shown in the title
};

/// "running", "busy", "stopped" or "error": the colour class of a state.
std::string_view stateClass(std::string_view statename);

/// Python's str(timedelta(seconds=s)): "0:00:05", "1 day, 2:03:04".
std::string formatUptime(std::int64_t seconds);

/// Seconds a process has been up: now - start while RUNNING, else 0.
std::int64_t uptimeSeconds(const proto::ProcessInfo& info);

/// The filter rule, as the script applies it too: `filter` is a substring
/// of the namespec (case-insensitive for ASCII), `state` the exact state
/// name; empty means any.
bool matchesFilter(const proto::ProcessInfo& info, std::string_view filter, std::string_view state);

/// One <tr> of the table.
std::string renderRow(const proto::ProcessInfo& info, std::string_view token);

/// The whole page.
std::string renderPage(const std::vector<proto::ProcessInfo>& infos, const PageOptions& options);

/// A process as the script reads it: {"name", "group", "state",
/// "description", "pid", "uptime"}; invalid UTF-8 replaced, never thrown on.
std::string rowJson(const proto::ProcessInfo& info);
/// The list of rows, for the first event of a stream.
std::string rowsJson(const std::vector<proto::ProcessInfo>& infos);

}  // namespace sup::web
