// A child known by a pidfd: fork(2) through clone3 with CLONE_PIDFD, and
// waitid(2) on that pidfd. For the daemon's own short-lived children (the
// re-exec probe, the web page's grep), which the event loop watches through
// their pidfd rather than through SIGCHLD and the Supervisor's waitpid(-1).
#pragma once

#include <sys/types.h>
#include <sys/wait.h>

namespace sup {

/// As fork(2): 0 in the child, the child's pid in the parent, -1 with errno
/// set on failure; the parent also gets the child's pidfd in *pidfd.
/// exit_signal is the signal the parent gets when the child ends: SIGCHLD,
/// or 0 for a child only its pidfd tells about.
long forkWithPidfd(int* pidfd, int exit_signal);

/// waitid(P_PIDFD, pidfd, info, options).
int waitPidfd(int pidfd, siginfo_t* info, int options);

}  // namespace sup
