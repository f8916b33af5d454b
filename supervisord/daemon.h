// Process-level setup of supervisord: the single-instance pidfile lock,
// privileges, rlimits and daemonizing, as in Supervisor's options.py.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/result.h"

namespace sup {

/// The pidfile, locked with flock() before daemonizing so that a second
/// supervisord refuses to start with an error on the terminal. The lock is
/// held for the daemon's lifetime (the fd survives fork).
class PidFile {
 public:
  PidFile() = default;
  ~PidFile();
  PidFile(const PidFile&) = delete;
  PidFile& operator=(const PidFile&) = delete;

  /// Open and lock `path`. Error text names the holder's pid when known.
  Status lock(const std::string& path);
  /// Take over `fd`, already open on `path` and locked (after a re-exec).
  void adopt(const std::string& path, int fd);
  /// The locked fd (-1 when none), for the re-exec hand-over.
  int fd() const { return fd_; }
  /// Write "<getpid()>\n" (after daemonizing, so the pid is the daemon's).
  Status write();
  /// Remove the file (clean exit) and drop the lock.
  void remove();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  int fd_ = -1;
};

/// Messages for the main log collected before it exists (Supervisor's
/// parse_criticals / parse_infos), replayed once it is open.
struct StartupMessages {
  std::vector<std::string> criticals;
  std::vector<std::string> infos;
};

/// Switch to [supervisord] user= (initgroups, setgid, setuid), or note the
/// "running as root" CRIT. Error = Supervisor's usage() text.
Status setUidOrExit(const std::optional<std::string>& user, StartupMessages& msgs);

/// Raise RLIMIT_NOFILE/RLIMIT_NPROC soft limits to minfds/minprocs
/// ("Increased RLIMIT_NOFILE limit to N"). Error = Supervisor's text.
Status setRlimitsOrExit(long long minfds, long long minprocs, StartupMessages& msgs);

/// Fork; the parent exits 0 at once; the child chdirs to `directory` (if
/// any), points stdio at /dev/null, calls setsid() and sets `umask`.
/// Returns messages for the main log ("daemonizing the supervisord process").
std::vector<std::pair<bool, std::string>> daemonize(const std::optional<std::string>& directory,
                                                    int umask);

}  // namespace sup
