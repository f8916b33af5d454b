// The daemon's log files as one registry: every open log file by path, and
// who follows which. runDaemon makes one per daemon and hands it to the main
// log, to each run's Supervisor (for the child logs) and to the control API,
// so that `supervisorctl logrotate` and `tail -f` reach a file through the
// path getProcessInfo reports. No globals: tests make their own, or none.
#pragma once

#include "supervisord/log_followers.h"
#include "supervisord/open_log_files.h"
#include "supervisord/tee_target.h"

namespace sup {

struct LogRegistry {
  OpenLogFiles files;
  LogFollowers followers;
  /// stdout_tee= / stderr_tee= targets, one per path (docs/program-logs.md).
  TeeTargets tees;
};

}  // namespace sup
