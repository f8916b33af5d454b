// Starting, signalling and reaping child processes, behind an interface so
// the supervisor's logic is testable with a fake and the fork/exec code stays
// thin and in one file (spawner_posix.cc).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/config_model.h"
#include "common/result.h"

namespace sup {

/// What to spawn and the daemon-wide facts the child's environment needs.
struct SpawnRequest {
  const ProcessConfig* config = nullptr;
  /// Value for SUPERVISOR_SERVER_URL when the program sets no serverurl=;
  /// empty = the variable is not set (no control server configured).
  std::string server_url;
  /// Fds >= 3 are closed in the child; minfds bounds the fallback loop.
  long long minfds = 1024;
  /// Set last, over the program's environment (NOTIFY_SOCKET for ready=notify).
  std::map<std::string, std::string> extra_environment;
  /// A short-lived helper run for a program (a ready=exec: probe), not the
  /// program itself: the orphan guard does not record it.
  bool helper = false;
  /// An fcgi-program's listening socket: the child's fd 0 instead of a
  /// stdin pipe (then SpawnedChild::stdin_fd is -1). -1 = a pipe.
  int stdin_socket = -1;
};

/// A forked child as the parent sees it. Fds are the parent's ends,
/// non-blocking and close-on-exec; -1 when absent (stderr with
/// redirect_stderr). The caller owns and must close them.
struct SpawnedChild {
  int pid = 0;
  int stdin_fd = -1;
  int stdout_fd = -1;
  int stderr_fd = -1;
  /// Why the child gave up between fork and exec ("couldn't chdir to /x:
  /// ENOENT", "couldn't exec /x: EACCES", ...) before exiting 127; "" when it
  /// exec'd. The caller acts on it once the child has been reaped.
  std::string exec_error;
};

/// A child that has exited, as waitpid() reports it.
struct ReapedChild {
  int pid = 0;
  int wait_status = 0;
};

/// Supervisor's pre-exec check (get_execv_args + check_execv_args).
struct CommandCheck {
  std::string filename;  ///< what execve() will run
  std::string error;     ///< "" when the command looks runnable
  bool not_found = false;  ///< "can't find command" (RPC fault NO_FILE, else NOT_EXECUTABLE)
  bool ok() const { return error.empty(); }
};

/// Resolve argv[0] on the program's PATH (environment PATH, else supervisord's,
/// else /bin:/usr/bin:/usr/local/bin) and check it the way Supervisor does.
CommandCheck resolveCommand(const ProcessConfig& config);

/// Everything the Supervisor does to child processes, so that its logic runs
/// against a fake in tests (tests/unit/supervisor_fixture.h) and the code
/// that forks, signals and waits stays in one file (spawner_posix.cc).
class Spawner {
 public:
  virtual ~Spawner() = default;
  /// The check startProcess makes before spawning (NO_FILE, NOT_EXECUTABLE).
  virtual CommandCheck checkCommand(const ProcessConfig& config) = 0;
  /// Fork and exec. An Error carries Supervisor's spawnerr text
  /// ("can't find command 'x'", "too many open files to spawn 'x'", ...).
  virtual Result<SpawnedChild> spawn(const SpawnRequest& request) = 0;
  /// kill(2); returns 0 or the errno. pid < 0 addresses a process group.
  virtual int kill(int pid, int signo) = 0;
  /// Every child that has exited since the last call (possibly none): one
  /// SIGCHLD may stand for many exits.
  virtual std::vector<ReapedChild> reap() = 0;
};

/// The real fork/exec spawner.
std::unique_ptr<Spawner> makePosixSpawner();

}  // namespace sup
