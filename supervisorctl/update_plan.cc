#include "supervisorctl/update_plan.h"

namespace sup::ctl {

std::vector<UpdateStep> planUpdate(const std::vector<std::string>& added,
                                   const std::vector<std::string>& changed,
                                   const std::vector<std::string>& removed,
                                   const std::set<std::string>& wanted) {
  std::vector<UpdateStep> steps;
  auto take = [&](const std::vector<std::string>& groups, UpdateStep::Kind kind) {
    for (const auto& g : groups)
      if (wanted.empty() || wanted.count(g)) steps.push_back(UpdateStep{kind, g});
  };
  take(removed, UpdateStep::Kind::Remove);
  take(changed, UpdateStep::Kind::Change);
  take(added, UpdateStep::Kind::Add);
  return steps;
}

std::vector<std::string> dryRunLines(const std::vector<UpdateStep>& steps) {
  std::vector<std::string> out;
  for (const auto& s : steps) {
    const std::string would = "would: " + s.group + ": ";
    switch (s.kind) {
      case UpdateStep::Kind::Remove:
        out.push_back(would + "stopped");
        out.push_back(would + "removed process group");
        break;
      case UpdateStep::Kind::Change:
        out.push_back(would + "stopped");
        out.push_back(would + "updated process group");
        break;
      case UpdateStep::Kind::Add:
        out.push_back(would + "added process group");
        break;
    }
  }
  return out;
}

}  // namespace sup::ctl
