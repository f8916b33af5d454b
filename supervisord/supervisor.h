// The supervisor: owns the process groups of the running config, carries out
// the state machines' actions (spawn, signal, timers, log lines), reaps
// children, and runs shutdown and restart. It is also the API the control
// server binds its methods to: every public method below is safe to call
// from an event-loop callback and never blocks.
#pragma once

#include <ctime>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/config_model.h"
#include "common/protocol.h"
#include "common/result.h"
#include "supervisord/event.h"
#include "supervisord/event_bus.h"
#include "supervisord/event_loop.h"
#include "supervisord/metrics_format.h"
#include "supervisord/output_capture.h"
#include "supervisord/process_state.h"
#include "supervisord/spawner.h"

namespace sup {

class MainLog;
class Readiness;
class TickTimer;
struct LogRegistry;
class ListeningSocketOpener;
class FcgiSocketManager;
namespace handover {
struct State;
}

/// Supervisor's own states (states.py SupervisorStates).
enum class SupervisorState { Fatal = 2, Running = 1, Restarting = 0, Shutdown = -1 };
const char* supervisorStateName(SupervisorState s);

/// A process addressed by its group and its own name.
struct ProcessId {
  std::string group;
  std::string name;
  bool operator==(const ProcessId&) const = default;
};
/// "group:name", or "name" when they are the same (supervisor_ops.cc).
std::string namespec(const ProcessId& id);

/// reloadConfig: group names that a fresh config adds, changes or removes.
struct ConfigDiff {
  std::vector<std::string> added;
  std::vector<std::string> changed;
  std::vector<std::string> removed;
};

/// How the run ended, for main(): exit, or re-read the config and run again.
enum class RunOutcome { Shutdown, Restart };

class Supervisor {
 public:
  using OpCallback = std::function<void(const proto::CallResult&)>;
  using BatchCallback = std::function<void(std::vector<proto::CallResult>)>;
  /// (process, from, to) after each state change.
  using StateListener = std::function<void(const ProcessId&, ProcessState from, ProcessState to)>;

  /// `logs` is the daemon's registry of log files, where the child logs
  /// register (it outlives this run's Supervisor).
  Supervisor(EventLoop& loop, MainLog& log, Spawner& spawner, Config config, LogRegistry& logs);
  ~Supervisor();
  Supervisor(const Supervisor&) = delete;
  Supervisor& operator=(const Supervisor&) = delete;

  /// Create every group of the config (AUTO log files included) and start
  /// the autostart processes in ascending priority.
  void startup();
  /// Tests: fcgi-program sockets from a fake instead of real ones (before
  /// startup()). The real opener is the default.
  void setSocketOpener(std::unique_ptr<ListeningSocketOpener> opener);
  /// Probe the config's fcgi-program sockets now, as Supervisor does when it
  /// creates its groups: before the control server and daemonizing, so that
  /// the main log has its lines in its order. startup() adopts them.
  void prepareFcgiSockets();
  /// Called (once) when everything has stopped after shutdown()/restart().
  void onFinished(std::function<void(RunOutcome)> cb) { on_finished_ = std::move(cb); }

  // --- signals and children (wired by main) -------------------------------
  /// TERM/INT/QUIT => shutdown, HUP => restart, USR2 => reopen logs, CHLD => reap.
  void handleSignal(int signo);
  /// Reap every exited child and feed the exits to their state machines.
  void reap();
  /// Feed one reaped child (reap() calls this for each; tests call it with
  /// a FakeSpawner's pids). Unknown pids are logged as "reaped unknown pid".
  void childExited(int pid, int wait_status);

  // --- the daemon as a whole ----------------------------------------------
  SupervisorState state() const { return state_; }
  /// Stop everything (descending priority; equal priorities in parallel),
  /// then finish with RunOutcome::Shutdown. Repeated calls are ignored.
  void shutdown();
  /// Same, then RunOutcome::Restart (main re-reads the config).
  void restart();
  /// Set when an essential program ended the run (essential=true): the
  /// status supervisord exits with.
  std::optional<int> essentialExitStatus() const { return essential_exit_; }
  const Config& config() const { return *config_; }
  /// The daemon's log files and their followers (logrotate, tail -f).
  LogRegistry& logRegistry() const { return *capture_settings_.registry; }
  /// Main log path ("" for syslog) and its clear/reopen.
  std::string mainLogPath() const;
  bool clearMainLog();
  /// Reopen the main log and every child log (SIGUSR2).
  void reopenLogs();

  // --- lookup and information ---------------------------------------------
  /// "name" (a process of the same-named group), "group:name", "group:*" or
  /// "group:" (every process of the group). Error text = the name (BAD_NAME).
  Result<std::vector<ProcessId>> resolve(const std::string& namespec) const;
  /// Every process, sorted by group then name (getAllProcessInfo order),
  /// with statename and description filled in.
  std::vector<proto::ProcessInfo> allProcessInfo() const;
  std::optional<proto::ProcessInfo> processInfo(const ProcessId& id) const;
  /// Every process of every active group, in start order ("all").
  std::vector<ProcessId> allProcessIds() const;
  /// Names of the active groups, in start order.
  std::vector<std::string> groupNames() const;
  /// The config of an active group, or nullptr. Its `processes` is empty:
  /// each process's config is kept once, by its state machine
  /// (processConfig()), not a second time here (~1 KB per program).
  const GroupConfig* groupConfig(const std::string& group) const;
  /// The config of an active process, or nullptr.
  const ProcessConfig* processConfig(const ProcessId& id) const;
  /// Processes of a group in start order (empty if no such group).
  std::vector<ProcessId> groupProcesses(const std::string& group) const;
  /// /metrics (supervisor_metrics.cc): every process's numbers, in
  /// getAllProcessInfo's order; `read_proc` (a /proc reader, or a fake) is
  /// asked about each live child.
  using ProcReader = std::function<std::optional<ProcStats>(int pid)>;
  std::vector<ProcessMetrics> processMetrics(const ProcReader& read_proc) const;

  // --- operations on processes ------------------------------------------------
  /// startProcess: faults NO_FILE, NOT_EXECUTABLE, ALREADY_STARTED, FAILED,
  /// SPAWN_ERROR, ABNORMAL_TERMINATION, BAD_NAME, SHUTDOWN_STATE. `done` is
  /// called exactly once: at once for wait=false or an early fault, else
  /// when the process is RUNNING or has failed to get there.
  void startProcess(const ProcessId& id, bool wait, OpCallback done);
  /// stopProcess: NOT_RUNNING, FAILED, BAD_NAME. With wait, `done` runs once
  /// the process is in a stopped state.
  void stopProcess(const ProcessId& id, bool wait, OpCallback done);
  /// signalProcess: NOT_RUNNING, BAD_NAME (the signal number is already
  /// validated by the caller).
  proto::CallResult signalProcess(const ProcessId& id, int signo);
  /// startProcessGroup/startAllProcesses: starts the ones not running, in
  /// order, and reports one result each when all are done.
  void startProcesses(const std::vector<ProcessId>& ids, bool wait, BatchCallback done);
  /// stopProcessGroup/stopAllProcesses: stops the running ones in parallel.
  void stopProcesses(const std::vector<ProcessId>& ids, bool wait, BatchCallback done);
  std::vector<proto::CallResult> signalProcesses(const std::vector<ProcessId>& ids, int signo);
  /// sendProcessStdin: NOT_RUNNING, NO_FILE (stdin closed).
  proto::CallResult sendStdin(const ProcessId& id, const std::string& data);
  /// clearProcessLogs: FAILED if a file could not be removed.
  proto::CallResult clearProcessLogs(const ProcessId& id);

  // --- reload / update ----------------------------------------------------
  /// Compare the active groups with a freshly parsed config (GroupConfig ==).
  ConfigDiff diffConfig(const Config& fresh) const;
  /// addProcessGroup: ALREADY_ADDED if active; autostart processes start.
  proto::Fault addGroup(const GroupConfig& group);
  /// removeProcessGroup: BAD_NAME, STILL_RUNNING (some process not stopped).
  proto::Fault removeGroup(const std::string& name);
  /// Adopt a freshly parsed config as "the" config (after update).
  /// Running groups whose config it holds unchanged move onto it.
  void setConfig(Config config);

  // --- re-exec (supervisor_handover.cc; the exec itself is reexec.h's) -----
  using ReexecDone = std::function<void(const Status&)>;
  using ReexecHandler = std::function<void(const std::string& binary, ReexecDone done)>;
  /// supervisor.reexec and SIGURG: hand the request to runDaemon's re-exec
  /// (`binary` "" = the running one). `done` gets a refusal, or success just
  /// before the exec.
  void requestReexec(const std::string& binary, ReexecDone done);
  void onReexecRequest(ReexecHandler handler) { reexec_handler_ = std::move(handler); }
  /// A reaped child that is no process of ours (the re-exec's probe): the
  /// handler returns true when it was its own, else it is logged as unknown.
  void onUnknownChild(std::function<bool(int pid, int wait_status)> handler) {
    unknown_child_ = std::move(handler);
  }
  /// The old image, just before execve: every group and process into `into`.
  void handOver(handover::State& into) const;
  /// The new image, instead of startup(): take over the processes of
  /// `state`, then apply config() as `update` does (changed groups restart,
  /// added ones start, removed ones stop). An Error adopts nothing.
  Status adopt(const handover::State& state);

  // --- notifications ------------------------------------------------------
  /// Called on every process state change; returns an id for unsubscribe.
  int subscribe(StateListener listener);
  void unsubscribe(int id);

  // --- events (supervisor_events.cc) ----------------------------------------
  /// This run's events: listener pools, observers (the JSON event stream).
  EventBus& events() { return *events_; }
  /// Stamp an event with the wall-clock time and publish it.
  void publish(Event event);

 private:
  struct Process;
  struct Group;
  static bool sameConfig(const Group& current, const GroupConfig& fresh);
  struct Waiter;

  Process* find(const ProcessId& id) const;
  /// Every process by group then name (getAllProcessInfo's order).
  const std::vector<const Process*>& sortedProcesses() const;
  Group* findGroup(const std::string& name) const;
  void addGroupInternal(const GroupConfig& config);
  void insertGroup(std::unique_ptr<Group> group);
  void applyUpdateAfterAdoption();
  Group* createGroup(std::shared_ptr<const GroupConfig> config);
  /// An alias into config_ when `g` is one of its groups, else a copy.
  std::shared_ptr<const GroupConfig> shareGroupConfig(const GroupConfig& g) const;
  void startGroup(Group& g);
  // supervisor_events.cc: the hooks into the event system.
  struct PoolPort;
  void setUpEvents(Group& g);
  void stateEvent(Process& p, const Action& change);
  void listenerSpawned(Process& p);
  void listenerGone(Process& p);
  // Re-exec: the event serials and listener states, as the hand-over's
  // "events" extension (JSON).
  std::string eventsHandOver() const;
  void adoptEvents(const std::string& handed_over);
  // Re-exec: /metrics' counters, as the "metrics" extension
  // (supervisor_metrics.cc), so a re-exec resets none of them.
  std::string metricsHandOver() const;
  void adoptMetrics(const std::string& handed_over);
  void apply(Process& p, const Actions& actions);
  void doSpawn(Process& p);
  // fcgi-program pools (supervisor_fcgi.cc): the group's socket manager, and
  // the reference a spawning process takes (false: spawn error, logged).
  std::unique_ptr<FcgiSocketManager> makeFcgiSocket(const FcgiSocketConfig& config);
  void attachFcgiSocket(Group& g);
  /// After a re-exec: the live adopted children of an fcgi pool hold their
  /// references to the inherited socket again.
  void adoptFcgiLeases(Group& g);
  bool takeFcgiSocket(Process& p, SpawnRequest& req);
  void armTimer(Process& p, std::chrono::milliseconds delay);
  void cancelTimer(Process& p);
  void onStateChanged(Process& p, const Action& change);
  void watchEssential(Process& p, ProcessState to);  // supervisor_essential.cc
  void resolveWaiters(Process& p);
  void stopReport(Process& p);
  proto::CallResult fault(const ProcessId& id, proto::Fault f, const std::string& extra) const;
  proto::ProcessInfo info(const Process& p, std::time_t now) const;
  void beginStopAll(SupervisorState mood);
  void continueStopAll();
  void continueStopAllInDependencyOrder();
  void stopForShutdown(Process& p);
  void finishStopAll();
  void shutdownReport();
  Now now() const;

  // depends_on and ready= (supervisor_deps.cc, docs/dependencies.md).
  struct StopPlan;
  void linkDependencies();
  void startWithDependencies(Process& p);
  std::vector<Process*> dependenciesFirst(const std::vector<Process*>& todo) const;
  bool holdForDependencies(Process& p);
  bool prepareReadyCheck(Process& p, SpawnRequest& request);
  void beginReadyCheck(Process& p);
  void afterStateChange(Process& p, ProcessState from, ProcessState to);
  void reviewWaiting();
  bool hasLiveDependents(const Process& p) const;
  void describeWait(const Process& p, proto::ProcessInfo& info) const;
  void stopInDependencyOrder(std::vector<ProcessId> todo, bool wait,
                             std::function<void(const proto::CallResult&)> one);
  void advanceStopPlans();
  void forgetProcess(Process& p);

  EventLoop& loop_;
  MainLog& log_;
  // Declared first among what it outlives: pools unsubscribe from it.
  std::unique_ptr<EventBus> events_;
  std::unique_ptr<TickTimer> ticks_;
  Process* exiting_ = nullptr;  // reaped, its exit not yet reported to its pool
  bool exit_changed_ = false;   // exiting_ has made its exit's state change
  Spawner& spawner_;
  // Immutable once read: running groups and their state machines share its
  // parts (aliasing shared_ptrs), so a replaced config lives on as long as
  // a group that came from it. One copy of each program's config in all.
  std::shared_ptr<const Config> config_;
  CaptureSettings capture_settings_;
  std::unique_ptr<ListeningSocketOpener> socket_opener_;
  std::map<std::string, std::unique_ptr<FcgiSocketManager>> prepared_sockets_;  // by group
  SupervisorState state_ = SupervisorState::Running;
  std::vector<std::unique_ptr<Group>> groups_;  // start order
  // Lookups that stay cheap with 10,000 programs: groups by name, every
  // process in getAllProcessInfo's order (rebuilt after a group comes or
  // goes), and per group priority the processes not in a stopped state
  // (what shutdown waits for, kept as states change).
  std::unordered_map<std::string_view, Group*> group_index_;
  mutable std::vector<const Process*> info_order_;
  mutable bool info_order_stale_ = true;
  std::map<int, int> live_by_priority_;
  std::optional<int> stopping_level_;  // the priority whose stops were sent
  std::map<int, Process*> by_pid_;
  std::map<int, StateListener> listeners_;
  int next_listener_ = 1;
  std::function<void(RunOutcome)> on_finished_;
  ReexecHandler reexec_handler_;
  std::function<bool(int, int)> unknown_child_;
  bool finished_ = false;
  bool stopping_all_ = false;
  int stop_priority_ = 0;  // the priority level being stopped right now
  EventLoop::TimerId report_timer_ = 0;
  bool stop_scheduled_ = false;
  std::optional<int> essential_exit_;
  bool has_dependencies_ = false;  // some process in use has depends_on
  bool review_scheduled_ = false;
  std::vector<std::shared_ptr<StopPlan>> stop_plans_;
  std::unique_ptr<Readiness> readiness_;
  // Deferred callbacks hold a weak_ptr to this: after a restart the loop
  // outlives the Supervisor that queued them.
  std::shared_ptr<char> alive_ = std::make_shared<char>(0);
};

}  // namespace sup
