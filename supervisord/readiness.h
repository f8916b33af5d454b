// The ready= checks of started programs (docs/dependencies.md), run on the
// event loop's fds and timers: no thread, no busy wait, no blocking call.
//   notify  a datagram socket per run, handed to the program as NOTIFY_SOCKET
//           (sd_notify's protocol); READY=1 from the program's user passes.
//   tcp     a non-blocking connect(2) to host:port, retried on a timer.
//   exec    a probe command spawned through the Spawner (the program's
//           user, directory and environment), retried while it exits non-zero.
// When to call it RUNNING, and ready_timeout, are the state machine's
// (process_state.h); this only reports "ready" once per run.
//
// The pure parts (the notify message, who may send it, the retry delays)
// are declared first and unit-tested; the class holds the syscalls
// (readiness_posix.cc).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "common/config_model.h"
#include "common/result.h"
#include "supervisord/event_loop.h"

namespace sup {

class MainLog;
class Spawner;

/// True when one sd_notify datagram (newline-separated VAR=value lines)
/// holds the line READY=1.
bool notifySaysReady(std::string_view message);

/// Whether a notify datagram counts for a program whose child is `main_pid`
/// and runs as `program_uid`, given the sender's kernel-checked credentials:
/// the child itself, or any process of the program's user (a wrapper
/// script's `systemd-notify --ready`, which may be gone before we read its
/// datagram, so its pid cannot be looked up), or root. Like systemd's
/// NotifyAccess=all, bounded by the user instead of a cgroup.
bool notifySenderAccepted(pid_t sender_pid, uid_t sender_uid, pid_t main_pid, uid_t program_uid);

/// Delay before tcp/exec attempt number `attempt` (0 = the first, right
/// after the spawn): 100 ms doubling to at most 1 s.
std::chrono::milliseconds readyProbeDelay(int attempt);

class Readiness {
 public:
  /// Identifies one process (the Supervisor passes its record's address).
  using Key = const void*;
  using Callback = std::function<void()>;

  /// Exec probes get `server_url` and `minfds` as a program would.
  Readiness(EventLoop& loop, Spawner& spawner, MainLog& log, std::string server_url,
            long long minfds);
  ~Readiness();
  Readiness(const Readiness&) = delete;
  Readiness& operator=(const Readiness&) = delete;

  /// ready=notify, before the spawn: a fresh socket for this run. Returns
  /// the NOTIFY_SOCKET value ("@..." for Linux's abstract namespace).
  Result<std::string> prepareNotify(Key key, const ProcessConfig& config);
  /// After the spawn of `pid`: check until ready, then call `on_ready` once,
  /// from a loop callback (never from inside begin()).
  void begin(Key key, const ProcessConfig& config, int pid, Callback on_ready);
  /// No more checking wanted (ready, stopping, killed for ready_timeout):
  /// timers, probes and connects end. A notify socket stays open, drained,
  /// until end(): a program may keep sending (STATUS=, STOPPING=1).
  void settle(Key key);
  /// The run is over (the child exited, the spawn failed, the group went).
  void end(Key key);
  /// A child the supervisor reaped: true if it was one of our probes.
  bool reaped(int pid, int wait_status);

 private:
  struct Watch;
  Watch* find(Key key);
  void schedule(Watch& w);
  void attempt(Watch& w);
  void connectProbe(Watch& w);
  void execProbe(Watch& w);
  void attemptFailed(Watch& w, const std::string& why);
  void succeed(Watch& w);
  void stopProbing(Watch& w);
  void readNotify(Watch& w);

  EventLoop& loop_;
  Spawner& spawner_;
  MainLog& log_;
  std::string server_url_;
  long long minfds_;
  std::map<Key, std::unique_ptr<Watch>> watches_;
  /// Exec probes not yet reaped -> their watch (nullptr once it has ended).
  std::map<int, Key> probes_;
  unsigned long long sockets_made_ = 0;
};

}  // namespace sup
