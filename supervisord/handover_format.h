// The re-exec hand-over: everything the old image of supervisord passes to
// the new one across execve(2) so that the programs keep running (same
// pids, same pipes, uptime and timers continuous), as plain data, and its
// versioned binary encoding (docs/reexec.md describes it byte by byte).
// Pure code: no fds are touched here; the numbers are just numbers. The
// encoder and decoder are unit-tested and the decoder is fuzzed
// (tests/fuzz/fuzz_handover.cc): a hand-over that does not decode whole and
// consistent is refused, and the new image falls back (reexec.h).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace sup::handover {

/// The format this build writes, and the range it reads.
inline constexpr std::uint32_t kVersion = 1;
inline constexpr std::uint32_t kMinVersion = 1;
inline constexpr std::string_view kMagic = "SUPVHOVR";
/// A hand-over larger than this is refused unread.
inline constexpr std::uint64_t kMaxBytes = 1ull << 30;

/// One output stream (stdout or stderr) of a process.
struct Stream {
  std::string path;            ///< the log file in use ("" = none), AUTO names resolved
  int fd = -1;                 ///< the pipe's read end, -1 = none
  std::string pending;         ///< read, not yet in the file (file unwritable)
  std::uint64_t dropped = 0;   ///< bytes dropped while it was unwritable
  std::string syslog_partial;  ///< a line begun, not yet sent to syslog
  bool capturing = false;      ///< capture mode: between BEGIN and END tokens
  std::string capture_held;    ///< bytes that may begin a token
  std::string captured;        ///< the capture log so far
  bool mid_line = false;       ///< log_timestamps: the file's last line is unfinished
  std::string tee_partial;     ///< a line begun, not yet sent to the tee
  bool operator==(const Stream&) const = default;
};

/// One process and its state machine's state.
struct Process {
  std::string name;
  /// The ProcessConfig in the --print-config schema (common/config_json.h);
  /// the new image compares it with its freshly parsed one.
  std::string config_json;
  int state = 0;  ///< proto::ProcessState's number
  int pid = 0;
  int backoff = 0;
  bool killing = false;
  bool ever_started = false;
  std::int64_t laststart_mono_ns = 0;  ///< CLOCK_MONOTONIC (same in both images)
  std::int64_t laststart_wall = 0;     ///< seconds since the epoch
  std::int64_t laststop_wall = 0;
  std::string spawnerr;
  int exitstatus = 0;
  /// The state machine's one timer (startsecs, backoff, stopwaitsecs).
  std::optional<std::int64_t> timer_deadline_mono_ns;
  std::string exec_error;
  int stdin_fd = -1;
  std::string stdin_pending;  ///< queued for the child's stdin, not yet written
  Stream out;
  Stream err;
  bool operator==(const Process&) const = default;
};

struct Group {
  std::string name;
  std::string header_json;  ///< the GroupConfig without processes, same schema
  std::vector<Process> processes;
  bool operator==(const Group&) const = default;
};

/// A listening socket (control socket, HTTP server, fcgi socket): the new
/// image takes it instead of binding a new one, so connects made during the
/// exec queue in its backlog.
struct Listener {
  int fd = -1;
  std::string address;  ///< "unix:/path" or "inet:host:port" (listener_sockets.h)
  bool operator==(const Listener&) const = default;
};

struct State {
  std::int64_t encoded_at_mono_ns = 0;
  int pid = 0;  ///< the daemon's pid (the same after execve)
  std::string pidfile_path;
  int pidfile_fd = -1;  ///< holds the pidfile's flock
  std::vector<Listener> listeners;
  std::vector<Group> groups;  ///< in start order
  /// Opaque per-subsystem state by name, for parts of the daemon that keep
  /// their own (e.g. "events": event serials). A reader skips names it does
  /// not know; a writer that needs to be understood bumps kVersion.
  std::map<std::string, std::string> extensions;
  bool operator==(const State&) const = default;

  std::size_t processCount() const;
  /// Every fd the hand-over names (pidfile, listeners, pipes).
  std::vector<int> fds() const;
  /// The processes' pipes alone.
  std::vector<int> pipeFds() const;
};

std::string encode(const State& state);
/// The version field of an encoded hand-over (0 if it has no header).
std::uint32_t peekVersion(std::string_view bytes);
/// Decode and check: magic, a version in [kMinVersion, kVersion], length,
/// checksum, every record's required fields, states, pids and fds (>= 3,
/// each used once). The error says what is wrong.
Result<State> decode(std::string_view bytes);

}  // namespace sup::handover
