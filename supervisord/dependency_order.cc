#include "supervisord/dependency_order.h"

#include <functional>
#include <optional>
#include <queue>

namespace sup {

DependencyVerdict dependencyVerdict(const std::vector<ProcessState>& states, bool missing) {
  bool ready = !missing;
  for (ProcessState s : states) {
    if (s == ProcessState::kFatal) return DependencyVerdict::Fail;
    ready = ready && s == ProcessState::kRunning;
  }
  return ready ? DependencyVerdict::Ready : DependencyVerdict::Wait;
}

std::vector<std::size_t> dependenciesFirst(const std::vector<std::vector<std::size_t>>& deps) {
  // Kahn's algorithm, always taking the earliest index whose dependencies
  // are placed.
  const std::size_t n = deps.size();
  std::vector<std::size_t> unmet(n, 0);
  std::vector<std::vector<std::size_t>> dependents(n);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t d : deps[i]) {
      if (d >= n || d == i) continue;
      ++unmet[i];
      dependents[d].push_back(i);
    }
  }
  std::priority_queue<std::size_t, std::vector<std::size_t>, std::greater<>> ready;
  for (std::size_t i = 0; i < n; ++i)
    if (unmet[i] == 0) ready.push(i);
  std::vector<std::size_t> order;
  std::vector<bool> placed(n, false);
  while (!ready.empty()) {
    std::size_t i = ready.top();
    ready.pop();
    order.push_back(i);
    placed[i] = true;
    for (std::size_t j : dependents[i])
      if (--unmet[j] == 0) ready.push(j);
  }
  for (std::size_t i = 0; i < n; ++i)  // a cycle (never in a checked config): as given
    if (!placed[i]) order.push_back(i);
  return order;
}

std::vector<std::size_t> nextStopWave(const std::vector<StopCandidate>& c) {
  auto blocked = [&](const StopCandidate& x) {
    for (std::size_t d : x.dependents)
      if (!c[d].stopped) return true;
    return false;
  };
  std::optional<int> free_level, any_level;
  for (const StopCandidate& x : c) {
    if (x.stopped) continue;
    if (!any_level || x.priority > *any_level) any_level = x.priority;
    if (!blocked(x) && (!free_level || x.priority > *free_level)) free_level = x.priority;
  }
  std::vector<std::size_t> wave;
  if (!any_level) return wave;
  for (std::size_t i = 0; i < c.size(); ++i) {
    if (c[i].stopped) continue;
    if (free_level ? (c[i].priority == *free_level && !blocked(c[i])) : c[i].priority == *any_level)
      wave.push_back(i);
  }
  return wave;
}

}  // namespace sup
