// depends_on= (ours, docs/dependencies.md): its entries, what they name
// among a set of processes, and cycles. Pure. The config parser uses it so
// that an unknown name or a cycle is a config error (at load and at
// reread); the daemon uses it to link the processes of the groups in use.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/config_model.h"
#include "common/result.h"

namespace sup {

/// One depends_on entry: every process of `group`, or the one named `process`.
struct DependencySpec {
  std::string group;
  std::optional<std::string> process;  ///< nullopt: the whole group
};

/// "name" (every process of the group `name`, which for a plain
/// [program:name] is the program), "group:name" (one process) or "group:*".
/// Error: "invalid 'depends_on' entry 'x' (...)".
Result<DependencySpec> parseDependencySpec(std::string_view entry);

namespace cv {
/// depends_on= as a whole: comma-separated entries, each checked by
/// parseDependencySpec; duplicates dropped, order kept; "" gives [].
Result<std::vector<std::string>> dependsOn(std::string_view text);
}  // namespace cv

/// A process as the graph sees it; `depends_on` must outlive the call.
struct DependencyNode {
  std::string_view group;
  std::string_view name;
  const std::vector<std::string>* depends_on = nullptr;
};

/// What each node's entries name.
struct DependencyEdges {
  std::vector<std::vector<std::size_t>> deps;     ///< per node: nodes it depends on, no repeats
  std::vector<std::vector<std::string>> missing;  ///< per node: entries that name nothing
};
DependencyEdges resolveDependencies(const std::vector<DependencyNode>& nodes);

/// A cycle as node indices with first == last ([i, i] for a node that
/// depends on itself), or empty. The first cycle found from node 0 on.
std::vector<std::size_t> findDependencyCycle(const std::vector<std::vector<std::size_t>>& deps);

/// The parse-time check over every (unshadowed) group: each entry names at
/// least one process and no process depends on itself, directly or not.
/// `where(process)` is the message's tail naming its section and file.
/// Errors: "depends_on names unknown program or group 'db'<where>",
/// "depends_on makes a cycle: web -> db -> web<where>".
Status checkDependencies(const std::vector<GroupConfig>& groups,
                         const std::function<std::string(const ProcessConfig&)>& where);

}  // namespace sup
