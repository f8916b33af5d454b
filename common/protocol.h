// The control protocol shared by supervisord and supervisorctl: JSON-RPC 2.0,
// one compact JSON object per line in both directions, over the
// [unix_http_server] socket. Method names, arguments, result structs and fault
// codes are Supervisor's XML-RPC API (API version 3.0), so a script ported
// from XML-RPC changes only its transport. docs/protocol.md is the user-facing
// description; this header is the single definition both binaries compile.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/process_states.h"
#include "common/result.h"

namespace sup::proto {

using json = nlohmann::json;

/// What supervisor.getAPIVersion returns; supervisorctl refuses other values.
inline constexpr std::string_view kApiVersion = "3.0";
/// What supervisor.getSupervisorVersion returns (the Supervisor we replace).
inline constexpr std::string_view kSupervisorVersion = "4.2.5";

// ---- method names -------------------------------------------------------
namespace method {
// Connection setup (ours): username/password check, required first when the
// server section sets username=. params [username, password] -> true.
inline constexpr std::string_view kAuth = "auth";

inline constexpr std::string_view kGetAPIVersion = "supervisor.getAPIVersion";
inline constexpr std::string_view kGetVersion = "supervisor.getVersion";
inline constexpr std::string_view kGetSupervisorVersion = "supervisor.getSupervisorVersion";
inline constexpr std::string_view kGetIdentification = "supervisor.getIdentification";
inline constexpr std::string_view kGetState = "supervisor.getState";
inline constexpr std::string_view kGetPID = "supervisor.getPID";
inline constexpr std::string_view kReadLog = "supervisor.readLog";
inline constexpr std::string_view kReadMainLog = "supervisor.readMainLog";
inline constexpr std::string_view kClearLog = "supervisor.clearLog";
inline constexpr std::string_view kShutdown = "supervisor.shutdown";
inline constexpr std::string_view kRestart = "supervisor.restart";
inline constexpr std::string_view kReloadConfig = "supervisor.reloadConfig";
inline constexpr std::string_view kAddProcessGroup = "supervisor.addProcessGroup";
inline constexpr std::string_view kRemoveProcessGroup = "supervisor.removeProcessGroup";
inline constexpr std::string_view kStartProcess = "supervisor.startProcess";
inline constexpr std::string_view kStartProcessGroup = "supervisor.startProcessGroup";
inline constexpr std::string_view kStartAllProcesses = "supervisor.startAllProcesses";
inline constexpr std::string_view kStopProcess = "supervisor.stopProcess";
inline constexpr std::string_view kStopProcessGroup = "supervisor.stopProcessGroup";
inline constexpr std::string_view kStopAllProcesses = "supervisor.stopAllProcesses";
inline constexpr std::string_view kSignalProcess = "supervisor.signalProcess";
inline constexpr std::string_view kSignalProcessGroup = "supervisor.signalProcessGroup";
inline constexpr std::string_view kSignalAllProcesses = "supervisor.signalAllProcesses";
inline constexpr std::string_view kGetProcessInfo = "supervisor.getProcessInfo";
inline constexpr std::string_view kGetAllProcessInfo = "supervisor.getAllProcessInfo";
inline constexpr std::string_view kGetAllConfigInfo = "supervisor.getAllConfigInfo";
inline constexpr std::string_view kReadProcessLog = "supervisor.readProcessLog";
inline constexpr std::string_view kReadProcessStdoutLog = "supervisor.readProcessStdoutLog";
inline constexpr std::string_view kReadProcessStderrLog = "supervisor.readProcessStderrLog";
inline constexpr std::string_view kTailProcessLog = "supervisor.tailProcessLog";
inline constexpr std::string_view kTailProcessStdoutLog = "supervisor.tailProcessStdoutLog";
inline constexpr std::string_view kTailProcessStderrLog = "supervisor.tailProcessStderrLog";
inline constexpr std::string_view kClearProcessLog = "supervisor.clearProcessLog";
inline constexpr std::string_view kClearProcessLogs = "supervisor.clearProcessLogs";
inline constexpr std::string_view kClearAllProcessLogs = "supervisor.clearAllProcessLogs";
inline constexpr std::string_view kSendProcessStdin = "supervisor.sendProcessStdin";
inline constexpr std::string_view kSendRemoteCommEvent = "supervisor.sendRemoteCommEvent";

// Ours, beyond XML-RPC (the HTTP /logtail and /mainlogtail equivalents):
// streaming calls. The reply (true) comes first, then "log" notifications on
// the same connection until the client closes it.
/// params [namespec, channel ("stdout"|"stderr"), backlog_bytes (default 1024)]
inline constexpr std::string_view kTailProcessLogFollow = "supervisor.tailProcessLogFollow";
/// params [backlog_bytes (default 1024)]
inline constexpr std::string_view kTailMainLogFollow = "supervisor.tailMainLogFollow";
/// Which files hold which program's output. params [] -> list of LogFileEntry
/// (current path per process stream plus the main log, with backups count).
inline constexpr std::string_view kGetLogFiles = "supervisor.getLogFiles";
/// Rotate logs now (supervisorctl logrotate), shaped like clearProcessLogs,
/// clearAllProcessLogs and clearLog: params [namespec] -> true (faults
/// BAD_NAME, FAILED); params [] -> list of CallResult; params [] -> true
/// (NO_FILE when the main log is syslog, FAILED). A file that ends mid-line
/// rotates right after that line ends; an empty file, a pipe or a device is
/// left as it is.
inline constexpr std::string_view kRotateProcessLogs = "supervisor.rotateProcessLogs";
inline constexpr std::string_view kRotateAllProcessLogs = "supervisor.rotateAllProcessLogs";
inline constexpr std::string_view kRotateLog = "supervisor.rotateLog";
/// Re-exec in place, programs kept running (docs/reexec.md). params [] or
/// [binary] -> true just before the exec; FAILED with the reason when the
/// binary cannot take over (the running daemon is kept).
inline constexpr std::string_view kReexec = "supervisor.reexec";
/// The JSON event stream (docs/protocol.md): params [types (array of event
/// type names, default every type), names (array of namespecs, default
/// every process), backlog (recent events sent first, default 0)] -> true,
/// then "event" notifications (EventRecord) until the client closes it.
inline constexpr std::string_view kSubscribeEvents = "supervisor.subscribeEvents";
/// Recent events: params [types, names, count (default 100)] -> list of
/// EventRecord, oldest first.
inline constexpr std::string_view kGetEvents = "supervisor.getEvents";
/// reloadConfig's answer, [[added, changed, removed]], without adopting the
/// re-read config: nothing changes (supervisorctl update --dry-run).
inline constexpr std::string_view kReloadConfigDryRun = "supervisor.reloadConfigDryRun";
/// The daemon's metrics as Prometheus text, what GET /metrics serves
/// (docs/metrics.md): params [] -> string (supervisorctl metrics).
inline constexpr std::string_view kGetMetrics = "supervisor.getMetrics";

inline constexpr std::string_view kListMethods = "system.listMethods";
inline constexpr std::string_view kMethodHelp = "system.methodHelp";
inline constexpr std::string_view kMethodSignature = "system.methodSignature";
inline constexpr std::string_view kMulticall = "system.multicall";

/// Notification method of the streaming calls.
inline constexpr std::string_view kLogNotification = "log";
inline constexpr std::string_view kEventNotification = "event";
}  // namespace method

// ---- faults -------------------------------------------------------------
/// Supervisor's xmlrpc.Faults. They travel as JSON-RPC error codes.
enum class Fault : int {
  kUnknownMethod = 1,
  kIncorrectParameters = 2,
  kBadArguments = 3,
  kSignatureUnsupported = 4,
  kShutdownState = 6,
  kBadName = 10,
  kBadSignal = 11,
  kNoFile = 20,
  kNotExecutable = 21,
  kFailed = 30,
  kAbnormalTermination = 40,
  kSpawnError = 50,
  kAlreadyStarted = 60,
  kNotRunning = 70,
  kSuccess = 80,
  kAlreadyAdded = 90,
  kStillRunning = 91,
  kCantReread = 92,
};

/// "BAD_NAME" for 10; "" for an unknown code.
std::string_view faultName(int code);
/// Supervisor's fault string: "NAME" or "NAME: extra".
std::string faultString(Fault fault, std::string_view extra = {});

// JSON-RPC 2.0's own error codes (framing problems, not Supervisor faults).
inline constexpr int kParseError = -32700;
inline constexpr int kInvalidRequest = -32600;
inline constexpr int kInternalError = -32603;
/// Ours: a method other than "auth" before a successful auth, or a bad
/// username/password. Message "UNAUTHORIZED" (HTTP 401 in Supervisor).
inline constexpr int kUnauthorized = -32001;
/// Ours: the peer's uid/gid may not use this socket (SO_PEERCRED check).
inline constexpr int kForbidden = -32003;
/// Ours: a request line longer than the server accepts; the server then closes.
inline constexpr int kRequestTooLarge = -32004;

struct RpcError {
  int code = 0;
  std::string message;
};

// ---- messages -----------------------------------------------------------
struct Request {
  json id;  ///< null for a notification (no reply expected)
  std::string method;
  json params = json::array();  ///< always an array (positional, as in XML-RPC)
  bool has_id = false;
};

/// A parsed incoming line on the client side: a reply or a notification.
struct Message {
  bool is_notification = false;
  json id;
  std::string method;  ///< notifications
  json params;         ///< notifications
  json result;         ///< replies without error
  std::optional<RpcError> error;
};

/// Parse one request line. Errors are JSON-RPC errors to send back
/// (kParseError for bad JSON, kInvalidRequest for a bad shape). When the line
/// is valid JSON with an id, `id_out` receives it so the error can echo it.
Result<Request> parseRequest(std::string_view line, json* id_out = nullptr);
/// Parse one line the server sent.
Result<Message> parseMessage(std::string_view line);

json makeRequest(const json& id, std::string_view method, json params = json::array());
json makeResult(const json& id, json result);
json makeError(const json& id, int code, std::string_view message);
json makeFault(const json& id, Fault fault, std::string_view extra = {});
json makeNotification(std::string_view method, json params);

/// Serialise one message as a compact line ending in '\n'. Invalid UTF-8 in
/// strings (raw program output) is replaced by U+FFFD instead of throwing.
std::string encodeLine(const json& message);

// ---- result structs -----------------------------------------------------
/// supervisor.getProcessInfo's struct. Times are epoch seconds; pid 0 when
/// the process is not running; logfile is stdout_logfile ("" when none).
struct ProcessInfo {
  std::string name;
  std::string group;
  std::int64_t start = 0;
  std::int64_t stop = 0;
  std::int64_t now = 0;
  int state = 0;
  std::string statename;
  std::string spawnerr;
  int exitstatus = 0;
  std::string logfile;
  std::string stdout_logfile;
  std::string stderr_logfile;
  int pid = 0;
  std::string description;
  // Ours, and only on the wire while non-empty (docs/dependencies.md); a
  // client that knows Supervisor's fields only never sees them. The XML-RPC
  // struct never carries them.
  /// STARTING without a child: the depends_on processes not ready yet.
  std::vector<std::string> waiting_for;
  /// STARTING with a child: the ready= check that has not passed yet.
  std::string awaiting_ready;
};
void to_json(json& j, const ProcessInfo& info);
void from_json(const json& j, ProcessInfo& info);

/// The "description" field, computed as Supervisor's rpcinterface does:
/// RUNNING "pid 8607, uptime 0:00:04"; BACKOFF/FATAL the spawn error or
/// 'unknown error (try "tail name")'; STOPPED/EXITED the local stop time
/// "Nov 22 02:06 AM" or "Not started"; other states "".
std::string describeProcess(const ProcessInfo& info);
/// Python timedelta text: "0:00:04", "1 day, 1:02:05", "3 days, 0:00:00".
std::string formatUptime(std::int64_t seconds);
/// strftime("%b %d %I:%M %p") of the local time, C locale.
std::string formatStopTime(std::int64_t epoch);

/// {name, group, status, description} returned by the group/all calls.
/// status is a Fault code (kSuccess = 80); description "OK" or fault text.
struct CallResult {
  std::string name;
  std::string group;
  int status = static_cast<int>(Fault::kSuccess);
  std::string description = "OK";
  Fault fault() const { return static_cast<Fault>(status); }
};
void to_json(json& j, const CallResult& r);
void from_json(const json& j, CallResult& r);

/// One process of supervisor.getAllConfigInfo (supervisorctl avail reads
/// name, group, inuse, autostart, group_prio, process_prio). Optional config
/// values are "none" and AUTO log files "auto" on the wire, as in Supervisor.
struct ConfigInfo {
  std::string name;
  std::string group;
  bool inuse = false;
  bool autostart = false;
  int group_prio = 999;
  int process_prio = 999;
  std::string command;
  std::string directory = "none";
  std::string uid = "none";
  std::vector<int> exitcodes{0};
  bool killasgroup = false;
  bool redirect_stderr = false;
  int startretries = 3;
  int startsecs = 1;
  int stopsignal = 15;
  int stopwaitsecs = 10;
  std::string serverurl = "none";
  std::string stdout_logfile = "auto";
  int stdout_logfile_backups = 10;
  std::int64_t stdout_logfile_maxbytes = 52428800;
  std::int64_t stdout_capture_maxbytes = 0;
  bool stdout_events_enabled = false;
  bool stdout_syslog = false;
  std::string stderr_logfile = "auto";
  int stderr_logfile_backups = 10;
  std::int64_t stderr_logfile_maxbytes = 52428800;
  std::int64_t stderr_capture_maxbytes = 0;
  bool stderr_events_enabled = false;
  bool stderr_syslog = false;
};
void to_json(json& j, const ConfigInfo& c);
void from_json(const json& j, ConfigInfo& c);

/// One entry of supervisor.getLogFiles: the current file of one process
/// stream (channel "stdout"/"stderr"), or of the main log (namespec
/// "supervisord", channel "main"). Rotated copies are path.1 .. path.backups.
struct LogFileEntry {
  std::string namespec;  ///< "name" or "group:name"
  std::string group;
  std::string name;
  std::string channel;
  std::string path;  ///< "" when the stream is not logged to a file
  int backups = 0;
  std::int64_t maxbytes = 0;
};
void to_json(json& j, const LogFileEntry& e);
void from_json(const json& j, LogFileEntry& e);

/// params of a "log" notification: new bytes of a followed log. `truncated`
/// is set once when the file shrank or was replaced (rotation, clear); `eof`
/// when the stream ends for good (process group removed, daemon stopping).
struct LogChunk {
  std::string name;     ///< namespec, or "supervisord" for the main log
  std::string channel;  ///< "stdout", "stderr" or "main"
  std::string data;
  bool truncated = false;
  bool eof = false;
};
void to_json(json& j, const LogChunk& c);
void from_json(const json& j, LogChunk& c);

// ---- numbers ------------------------------------------------------------
/// `d` as an int64 when it is a whole number within int64's range: a JSON
/// client may send 5.0 for 5. Anything else (2.5, 1e22, NaN, infinities)
/// gives nullopt; converting it would be undefined behaviour.
std::optional<std::int64_t> wholeInt64(double d);

// ---- names --------------------------------------------------------------
/// Supervisor's make_namespec: "name" when group == name, else "group:name".
std::string makeNamespec(std::string_view group, std::string_view name);
/// Supervisor's split_namespec: "g:*" and "g:" give {g, nullopt};
/// "name" gives {name, name}.
std::pair<std::string, std::optional<std::string>> splitNamespec(std::string_view namespec);

}  // namespace sup::proto
