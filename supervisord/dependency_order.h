// The decisions depends_on makes in the daemon (docs/dependencies.md), as
// pure functions over process states: whether a process waiting for its
// dependencies may spawn, must keep waiting or must give up; and which
// processes a shutdown stops next, so that a process stops before what it
// depends on. supervisor_deps.cc applies them; unit-tested in
// tests/unit/dependency_order_test.cc.
#pragma once

#include <cstddef>
#include <vector>

#include "supervisord/process_state.h"

namespace sup {

enum class DependencyVerdict {
  Ready,  ///< every dependency is RUNNING (ready): spawn
  Wait,   ///< some dependency is not ready yet, or names a group not in use
  Fail,   ///< some dependency is FATAL: give up (FATAL), as systemd fails a job
};
/// `states` of the dependencies in use; `missing` when an entry names a
/// group not in use (yet: `update` may add it next).
DependencyVerdict dependencyVerdict(const std::vector<ProcessState>& states, bool missing);

/// The order a start request (a group, `start all`) starts its processes
/// in, given in priority order: each after those of the batch it depends on
/// (`deps[i]`: indices within the batch), otherwise as given. So a process
/// is not pulled in by a dependent and then reported "already started".
std::vector<std::size_t> dependenciesFirst(const std::vector<std::vector<std::size_t>>& deps);

/// A process as the shutdown sees it.
struct StopCandidate {
  int priority = 0;                     ///< its group's priority
  bool stopped = false;                 ///< in a stopped state already
  std::vector<std::size_t> dependents;  ///< candidates that depend on it
};
/// The candidates to stop now, in the order given: not stopped, no
/// dependent still up, and of the highest group priority among such.
/// Without dependencies this is Supervisor's rule (descending priority,
/// one level at a time). Empty when everything has stopped. Should
/// dependents block every candidate (a cycle, which the config check
/// forbids), the highest level stops regardless rather than hang.
std::vector<std::size_t> nextStopWave(const std::vector<StopCandidate>& candidates);

}  // namespace sup
