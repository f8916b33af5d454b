// What `supervisorctl update` does, as data (supervisorctl.py do_update's
// order): stop and remove the groups the config dropped, stop, remove and
// re-add the changed ones, add the new ones, each limited to the groups
// named. `update` carries the steps out; `update --dry-run` prints the
// lines they would print, each prefixed "would: ", and changes nothing.
#pragma once

#include <set>
#include <string>
#include <vector>

namespace sup::ctl {

struct UpdateStep {
  enum class Kind { Remove, Change, Add };
  Kind kind;
  std::string group;
  bool operator==(const UpdateStep&) const = default;
};

/// reloadConfig's [added, changed, removed] as steps in update's order;
/// `wanted` empty means every group ("update" or "update all").
std::vector<UpdateStep> planUpdate(const std::vector<std::string>& added,
                                   const std::vector<std::string>& changed,
                                   const std::vector<std::string>& removed,
                                   const std::set<std::string>& wanted);

/// update --dry-run's output: each line update prints when a step goes
/// well ("g: stopped", "g: removed process group", "g: updated process
/// group", "g: added process group"), prefixed "would: ".
std::vector<std::string> dryRunLines(const std::vector<UpdateStep>& steps);

}  // namespace sup::ctl
