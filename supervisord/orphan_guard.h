// Orphans of a killed supervisord: a daemon that dies by SIGKILL (or a
// crash, or the OOM killer) cannot stop its programs, which live on,
// reparented to init. Started again with the same config, it would spawn
// every program a second time. To prevent that, supervisord keeps a small
// state file next to its pidfile ("<pidfile>.children") listing each child
// it has spawned and not yet reaped: pid, the process's start time (field 22
// of /proc/<pid>/stat, so a reused pid is never mistaken for our child), the
// program's stop settings and its name. Each spawn appends a record and each
// exit a "- name" line (one write per loop turn, whatever the number of
// programs); once the dropped lines outnumber the live ones the file is
// rewritten whole (write + rename, so a daemon killed meanwhile leaves the
// old file or the new one). It is removed when nothing runs, so a clean
// shutdown leaves none. At start-up, holding the pidfile
// lock and before spawning anything, supervisord stops each recorded child
// that is still alive with the same start time and the same boot: its
// stopsignal (to the process group with stopasgroup), then SIGKILL (to the
// group with killasgroup) after stopwaitsecs, logging one line per orphan.
//
// Why not PR_SET_PDEATHSIG alone: the kernel clears it when the child execs
// a setuid/setgid or file-capability binary, it sends one fixed signal (a
// program that ignores it survives, with no SIGKILL to follow), it is tied
// to the forking thread rather than the process, and it would kill every
// program the moment the daemon dies even when nobody restarts the daemon,
// which Python Supervisor never does. The state file covers all of those.
// Neither reaches a process that left the program's process group or whose
// group leader has already exited: Supervisor cannot stop those either.
//
// This header holds the pure parts (record format, /proc parsing, the stop
// decision), unit-tested in tests/unit/orphan_guard_test.cc; the file and
// signal work is in orphan_guard_posix.cc.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/config_model.h"
#include "supervisord/spawner.h"

namespace sup {

class EventLoop;

class MainLog;
class Supervisor;

/// One spawned, not yet reaped child, as the state file records it.
struct ChildRecord {
  int pid = 0;
  unsigned long long start_time = 0;  ///< /proc/<pid>/stat field 22 (ticks since boot)
  int stopsignal = 15;
  bool stopasgroup = false;
  bool killasgroup = false;
  int stopwaitsecs = 10;
  std::string name;  ///< "group:process"
  bool operator==(const ChildRecord&) const = default;
};

/// The records of one daemon, and the boot they belong to.
struct ChildState {
  std::string boot_id;  ///< /proc/sys/kernel/random/boot_id
  std::vector<ChildRecord> children;
  bool operator==(const ChildState&) const = default;
};

/// "<pidfile>.children".
std::string childStatePath(const std::string& pidfile);
/// The record of a child just spawned from `config`.
ChildRecord makeChildRecord(int pid, unsigned long long start_time, const ProcessConfig& config);
/// "boot <id>\n" then one "pid start_time stopsignal stopasgroup killasgroup
/// stopwaitsecs group:name" line per child.
std::string formatChildState(const ChildState& state);
/// One such record line, as appended on a spawn.
std::string formatChildRecord(const ChildRecord& record);
/// "- group:name\n", appended when that child is gone.
std::string formatChildGone(const std::string& name);
/// The inverse, replayed in order: a record adds or replaces the child of
/// its name, "- name" drops it. Lines that do not parse are skipped, and so
/// is a last line without its newline (an append cut short): a torn or
/// foreign file must never make the daemon signal a wrong pid.
ChildState parseChildState(const std::string& text);

/// What /proc/<pid>/stat says about a process now.
struct ProcStat {
  char state = '?';  ///< R, S, D, Z, ...
  unsigned long long start_time = 0;
};
/// Parse /proc/<pid>/stat: the fields after the last ')' (comm may hold
/// spaces and parentheses). nullopt if it does not parse.
std::optional<ProcStat> parseProcStat(const std::string& text);

/// How to stop one leftover child.
struct OrphanStop {
  int stop_target = 0;  ///< kill() target of the stop signal: pid, or -pid for the group
  int stop_signal = 15;
  int kill_target = 0;            ///< kill() target of the SIGKILL that follows
  std::chrono::seconds wait{10};  ///< stopwaitsecs before the SIGKILL
};
/// nullopt when the record must be left alone: another boot, the pid is
/// gone, a zombie, or a different process now (another start time).
std::optional<OrphanStop> planOrphanStop(const ChildRecord& record, const std::string& record_boot,
                                         const std::string& current_boot,
                                         const std::optional<ProcStat>& now);

// ---------------------------------------------------------------- with I/O

/// Keeps the state file while the daemon runs, and stops the leftovers of a
/// killed predecessor at start-up. Wired by run_daemon.cc in three places.
class OrphanGuard {
 public:
  OrphanGuard();
  ~OrphanGuard();
  OrphanGuard(const OrphanGuard&) = delete;
  OrphanGuard& operator=(const OrphanGuard&) = delete;

  /// Once, with the pidfile lock held and before anything is spawned: stop
  /// what the state file of `pidfile` lists and still runs (bounded: the
  /// largest stopwaitsecs, then up to 2 s after SIGKILL), log one line per
  /// orphan, and keep the file there from now on.
  void stopLeftovers(const std::string& pidfile, MainLog& log);
  /// After a re-exec, instead of stopLeftovers(): the children the file
  /// lists are this process's own, adopted; keep recording from there.
  void resume(const std::string& pidfile, MainLog& log);
  /// Write the file now if a write is pending (just before a re-exec).
  void saveNow();
  /// `inner`, recording each child it spawns in the state file.
  std::unique_ptr<Spawner> wrap(std::unique_ptr<Spawner> inner);
  /// Drop a process's record whenever `supervisor` sees it without a pid
  /// (STOPPED, EXITED, BACKOFF, FATAL). From now on the file is written once
  /// at the end of each loop turn that changed it, not once per change, and
  /// by appending: a rewrite costs milliseconds (rename on ext4) and grows
  /// with the number of programs, which must not sit between a crash and its
  /// restart, nor be paid 1,000 times for a burst of spawns.
  void track(Supervisor& supervisor, EventLoop& loop);

  /// Called by the wrapped spawner and the tracker.
  void recordSpawn(int pid, const ProcessConfig& config);
  void forget(const std::string& group, const std::string& name);

 private:
  void save();
  void saveSoon();
  /// Write the whole file anew (tmp + rename).
  bool rewrite();

  std::string path_;  ///< "" until stopLeftovers(): record nothing
  std::string boot_id_;
  MainLog* log_ = nullptr;
  bool write_failed_ = false;  ///< log a failing write once, not per spawn
  EventLoop* loop_ = nullptr;  ///< set by track(); until then save at once
  bool save_pending_ = false;
  std::map<std::string, ChildRecord> children_;  ///< by "group:name"
  std::string unsaved_;                          ///< lines not yet appended
  size_t file_lines_ = 0;                        ///< record and "- name" lines in the file
  bool have_file_ = false;                       ///< the file is there to append to
};

}  // namespace sup
