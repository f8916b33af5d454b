// The effective configuration, as plain data. No I/O lives here: the INI
// reader and config parser fill these structs, supervisord runs from them,
// supervisorctl reads [supervisorctl] from them, and `--print-config` dumps
// them as the corpus JSON. Field names follow Supervisor's own so that the
// mapping to options.py and to the corpus schema stays obvious.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/env_vars.h"

namespace sup {

/// autorestart= : never, only on an exit code not in exitcodes, or always.
enum class AutoRestart { False, Unexpected, True };

/// A stdout_logfile/stderr_logfile value after parsing.
struct LogFileSpec {
  enum class Kind { None, Auto, Path };
  Kind kind = Kind::Auto;
  std::string path;  ///< only for Kind::Path (expanded, not normalised)
  bool operator==(const LogFileSpec&) const = default;
};

/// The per-stream logging options of a process (stdout or stderr).
struct StreamLogConfig {
  LogFileSpec logfile;
  long long logfile_maxbytes = 50LL * 1024 * 1024;
  int logfile_backups = 10;
  long long capture_maxbytes = 0;
  bool events_enabled = false;
  bool syslog = false;
  bool operator==(const StreamLogConfig&) const = default;
};

/// How a process that keeps failing is retried (docs/restart-policies.md).
/// Ours, not Supervisor's: Python Supervisor ignores these keys, and the
/// defaults are its behaviour exactly (wait n seconds after the n-th failed
/// start, FATAL after startretries, restart at once after RUNNING).
struct RestartPolicy {
  enum class Backoff { Linear, Exponential };
  Backoff backoff = Backoff::Linear;  ///< n-th failure waits n s, or 2^(n-1) s
  int backoff_max = 0;                ///< cap on one wait, seconds; 0 = none
  int backoff_jitter = 0;             ///< percent of each wait taken off at random
  /// Seconds a run must last to reset the failure count; 0 = reaching
  /// RUNNING resets it (Supervisor's rule).
  int backoff_reset = 0;
  bool never_give_up = false;  ///< past startretries keep retrying instead of FATAL
  /// restart_limit = N/SECONDS: more than N automatic restarts after RUNNING
  /// within SECONDS go through BACKOFF; 0 = no limit.
  int restart_limit = 0;
  int restart_limit_seconds = 0;
  bool operator==(const RestartPolicy&) const = default;
};

/// ready= : when a started process counts as ready (docs/dependencies.md).
/// Ours, not Supervisor's: Python Supervisor ignores the key.
struct ReadyCheck {
  enum class Kind {
    Running,  ///< RUNNING after startsecs, as Supervisor
    Notify,   ///< sd_notify READY=1 on the NOTIFY_SOCKET the daemon hands over
    Tcp,      ///< a TCP connect to host:port succeeds
    Exec,     ///< a command exits 0
  };
  Kind kind = Kind::Running;
  std::string host;               ///< Tcp: a numeric IPv4 or IPv6 address
  int port = 0;                   ///< Tcp
  std::string command;            ///< Exec: as written
  std::vector<std::string> argv;  ///< Exec: shlex.split(command)
  bool operator==(const ReadyCheck&) const = default;
};

/// What goes into a program's logs besides its bytes, and where else its
/// lines go (docs/program-logs.md). Ours, not Supervisor's: Python
/// Supervisor ignores these keys, and the defaults are its behaviour.
struct LogPolicy {
  bool timestamps = false;  ///< log_timestamps: an ISO-8601 stamp before each line
  bool markers = false;     ///< log_markers: "--- spawned pid N ---" lines in stdout's log
  std::string stdout_tee;   ///< stdout_tee: a second target for each line; "" = none
  std::string stderr_tee;
  /// tee_prefix, %-expanded; kept only when a tee is set ("" otherwise), so
  /// a program without a tee compares equal to one read back from JSON.
  std::string tee_prefix;
  bool operator==(const LogPolicy&) const = default;
};

/// One process to supervise: a [program:x] expands to numprocs of these.
struct ProcessConfig {
  std::string name;   ///< expanded process_name
  std::string group;  ///< owning group name
  std::string command;  ///< after %-expansion (may contain '\n')
  /// shlex.split(command) in POSIX mode; empty optional when splitting failed,
  /// and then argv_error holds the spawn-time message.
  std::optional<std::vector<std::string>> argv;
  std::optional<std::string> argv_error;
  int priority = 999;
  int startsecs = 1;
  int startretries = 3;
  int stopwaitsecs = 10;
  bool autostart = true;
  AutoRestart autorestart = AutoRestart::Unexpected;
  std::vector<int> exitcodes{0};
  int stopsignal = 15;  ///< signal number (SIGTERM)
  bool stopasgroup = false;
  bool killasgroup = false;
  bool redirect_stderr = false;
  std::optional<std::string> user;       ///< as written
  std::optional<std::string> directory;  ///< as written after expansion
  std::optional<int> umask;
  /// [supervisord] environment updated with the program's own, as Python's
  /// dict.update (program wins; its new names come after the daemon's).
  EnvVars environment;
  std::optional<std::string> serverurl;  ///< nullopt = AUTO
  StreamLogConfig stdout_log;
  StreamLogConfig stderr_log;
  // Ours, after Supervisor's keys (docs/restart-policies.md):
  RestartPolicy restart;
  /// essential=true: when this process goes FATAL, or exits and will not be
  /// restarted, supervisord stops everything and exits with its status.
  bool essential = false;
  // Ours too (docs/program-logs.md):
  LogPolicy log_policy;
  // Ours too (docs/dependencies.md):
  /// depends_on= entries as written: "name" (a group), "group:name", "group:*".
  std::vector<std::string> depends_on;
  ReadyCheck ready;
  int ready_timeout = 60;  ///< seconds from spawn to ready; 0 = no limit
  bool operator==(const ProcessConfig&) const = default;
};

/// [fcgi-program:x] socket= and its options.
struct FcgiSocketConfig {
  std::string url;
  int backlog = 0;
  std::optional<std::pair<std::string, std::optional<std::string>>> owner;
  int mode = 0700;
  /// The owner came from the program's user= (no socket_owner=): Supervisor
  /// then gives the socket that user's primary group as well.
  bool owner_is_program_user = false;
  bool operator==(const FcgiSocketConfig&) const = default;
};

/// A process group: from [program:x], [group:x], [eventlistener:x] or
/// [fcgi-program:x].
struct GroupConfig {
  enum class Kind { Program, Group, EventListener, FcgiProgram };
  std::string name;
  Kind kind = Kind::Program;
  int priority = 999;
  /// True if an earlier group in start order has the same name; Supervisor
  /// silently ignores such a group when adding it.
  bool shadowed = false;
  std::vector<ProcessConfig> processes;  ///< in Supervisor's order
  // eventlistener only
  int buffer_size = 10;
  std::vector<std::string> events;  ///< sorted event type names
  std::string result_handler;
  // fcgi-program only
  std::optional<FcgiSocketConfig> socket;
  bool operator==(const GroupConfig&) const = default;
};

/// [supervisord] after realize(): paths normalised, defaults filled in.
struct SupervisordConfig {
  std::string logfile;  ///< absolute path, or the literal "syslog"
  std::string pidfile;  ///< absolute path
  long long logfile_maxbytes = 50LL * 1024 * 1024;
  int logfile_backups = 10;
  std::string loglevel = "info";  ///< critical error warn info debug trace blather
  bool nodaemon = false;
  bool silent = false;
  bool nocleanup = false;
  bool strip_ansi = false;
  /// Ours: `service supervisord restart` and package upgrades re-exec the
  /// daemon instead of stopping and starting it (docs/reexec.md).
  bool restart_keeps_programs = false;
  long long minfds = 1024;
  long long minprocs = 200;
  int umask = 022;
  std::optional<std::string> user;
  std::string identifier = "supervisor";
  std::optional<std::string> directory;
  std::string childlogdir = "/tmp";
  EnvVars environment;
};

/// [unix_http_server] or [inet_http_server] (and their ":name" variants).
struct ServerConfig {
  enum class Type { Inet, Unix };
  Type type = Type::Unix;
  std::string section;
  // inet
  std::string host;  ///< lower-cased; "" = all interfaces
  int port = 0;
  // unix
  std::string file;  ///< normalised absolute path
  int chmod = 0700;
  std::optional<std::pair<std::string, std::optional<std::string>>> chown;
  std::optional<std::string> username;
  std::optional<std::string> password;
};

/// [rpcinterface:x]: accepted and reported, never imported.
struct RpcInterfaceConfig {
  std::string name;
  std::string factory;
  std::map<std::string, std::string> extras;
};

/// [supervisorctl]: what the control tool reads.
struct CtlConfig {
  std::optional<std::string> serverurl;
  std::optional<std::string> username;
  std::optional<std::string> password;
  std::string prompt = "supervisor";
  std::optional<std::string> history_file;
};

/// Everything a config file (plus its includes) says.
struct Config {
  std::string path;  ///< the -c file as given
  SupervisordConfig supervisord;
  std::vector<ServerConfig> servers;  ///< inet ones first, then unix ones
  std::optional<std::string> serverurl;  ///< fallback URL handed to children
  std::vector<RpcInterfaceConfig> rpcinterfaces;
  std::vector<GroupConfig> groups;  ///< in start order (priority, then name)
  std::optional<CtlConfig> ctl;     ///< present if [supervisorctl] exists
  std::vector<std::string> warnings;  ///< parse warnings, logged at WARN
  std::vector<std::string> infos;     ///< parse infos, logged at INFO
};

}  // namespace sup
