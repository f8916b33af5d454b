// Encoding of the hand-over (docs/reexec.md): a 32-byte header, then a body
// of fields, each "u16 tag, u32 length, payload", little-endian; integers
// are 8-byte two's complement, strings raw bytes, records nested fields.
#include "supervisord/handover_format.h"

#include <algorithm>
#include <cstring>
#include <set>

#include "common/process_states.h"

namespace sup::handover {
namespace {

// ---- tags (docs/reexec.md lists them) ---------------------------------------
enum Top : std::uint16_t {
  kEncodedAt = 1,
  kPid = 2,
  kPidfilePath = 3,
  kPidfileFd = 4,
  kListener = 5,
  kGroup = 6,
  kExtension = 7,
};
enum ListenerTag : std::uint16_t { kListenerFd = 1, kListenerAddress = 2 };
enum GroupTag : std::uint16_t { kGroupName = 1, kGroupHeader = 2, kGroupProcess = 3 };
enum ExtensionTag : std::uint16_t { kExtName = 1, kExtData = 2 };
enum ProcessTag : std::uint16_t {
  kName = 1,
  kConfig = 2,
  kState = 3,
  kProcPid = 4,
  kBackoff = 5,
  kKilling = 6,
  kEverStarted = 7,
  kLastStartMono = 8,
  kLastStartWall = 9,
  kLastStopWall = 10,
  kSpawnErr = 11,
  kExitStatus = 12,
  kTimerDeadline = 13,
  kExecError = 14,
  kStdinFd = 15,
  kStdinPending = 16,
  kStdout = 17,
  kStderr = 18,
};
enum StreamTag : std::uint16_t {
  kPath = 1,
  kFd = 2,
  kPending = 3,
  kDropped = 4,
  kSyslogPartial = 5,
  kCapturing = 6,
  kCaptureHeld = 7,
  kCaptured = 8,
  kMidLine = 9,
  kTeePartial = 10,
};

constexpr std::size_t kHeaderSize = 32;

std::uint64_t fnv1a64(std::string_view data) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : data) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

void putLe(std::string& out, std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

std::uint64_t getLe(std::string_view in, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i)
    v |= static_cast<std::uint64_t>(static_cast<unsigned char>(in[static_cast<size_t>(i)]))
         << (8 * i);
  return v;
}

class Writer {
 public:
  void bytes(std::uint16_t tag, std::string_view payload) {
    putLe(out_, tag, 2);
    putLe(out_, payload.size(), 4);
    out_.append(payload);
  }
  void integer(std::uint16_t tag, std::int64_t v) {
    std::string payload;
    putLe(payload, static_cast<std::uint64_t>(v), 8);
    bytes(tag, payload);
  }
  void flag(std::uint16_t tag, bool v) {
    if (v) integer(tag, 1);
  }
  // Empty strings and default numbers are left out: absent means default.
  void text(std::uint16_t tag, std::string_view s) {
    if (!s.empty()) bytes(tag, s);
  }
  void nonzero(std::uint16_t tag, std::int64_t v) {
    if (v != 0) integer(tag, v);
  }
  void fd(std::uint16_t tag, int v) {
    if (v >= 0) integer(tag, v);
  }
  std::string& str() { return out_; }

 private:
  std::string out_;
};

std::string encodeStream(const Stream& s) {
  Writer w;
  w.text(kPath, s.path);
  w.fd(kFd, s.fd);
  w.text(kPending, s.pending);
  w.nonzero(kDropped, static_cast<std::int64_t>(s.dropped));
  w.text(kSyslogPartial, s.syslog_partial);
  w.flag(kCapturing, s.capturing);
  w.text(kCaptureHeld, s.capture_held);
  w.text(kCaptured, s.captured);
  w.flag(kMidLine, s.mid_line);
  w.text(kTeePartial, s.tee_partial);
  return std::move(w.str());
}

std::string encodeProcess(const Process& p) {
  Writer w;
  w.bytes(kName, p.name);
  w.bytes(kConfig, p.config_json);
  w.integer(kState, p.state);
  w.nonzero(kProcPid, p.pid);
  w.nonzero(kBackoff, p.backoff);
  w.flag(kKilling, p.killing);
  w.flag(kEverStarted, p.ever_started);
  w.nonzero(kLastStartMono, p.laststart_mono_ns);
  w.nonzero(kLastStartWall, p.laststart_wall);
  w.nonzero(kLastStopWall, p.laststop_wall);
  w.text(kSpawnErr, p.spawnerr);
  w.nonzero(kExitStatus, p.exitstatus);
  if (p.timer_deadline_mono_ns) w.integer(kTimerDeadline, *p.timer_deadline_mono_ns);
  w.text(kExecError, p.exec_error);
  w.fd(kStdinFd, p.stdin_fd);
  w.text(kStdinPending, p.stdin_pending);
  w.bytes(kStdout, encodeStream(p.out));
  w.bytes(kStderr, encodeStream(p.err));
  return std::move(w.str());
}

// ---- decoding ----------------------------------------------------------------

struct Field {
  std::uint16_t tag;
  std::string_view payload;
};

// Splits a record into its fields; false (and `error`) when they do not tile it.
bool fields(std::string_view record, std::vector<Field>& out, std::string& error) {
  while (!record.empty()) {
    if (record.size() < 6) {
      error = "a field header is cut short";
      return false;
    }
    auto tag = static_cast<std::uint16_t>(getLe(record, 2));
    std::uint64_t len = getLe(record.substr(2), 4);
    record.remove_prefix(6);
    if (len > record.size()) {
      error = "field " + std::to_string(tag) + " runs past the end of its record";
      return false;
    }
    out.push_back(Field{tag, record.substr(0, len)});
    record.remove_prefix(len);
  }
  return true;
}

class RecordReader {
 public:
  RecordReader(std::string_view what, std::string& error) : what_(what), error_(error) {}

  bool integer(const Field& f, std::int64_t& out) {
    if (f.payload.size() != 8) return fail("field " + std::to_string(f.tag) + " is not 8 bytes");
    out = static_cast<std::int64_t>(getLe(f.payload, 8));
    return true;
  }
  bool ranged(const Field& f, int& out, std::int64_t lo, std::int64_t hi) {
    std::int64_t v = 0;
    if (!integer(f, v)) return false;
    if (v < lo || v > hi) return fail("field " + std::to_string(f.tag) + " out of range");
    out = static_cast<int>(v);
    return true;
  }
  bool boolean(const Field& f, bool& out) {
    int v = 0;
    if (!ranged(f, v, 0, 1)) return false;
    out = v == 1;
    return true;
  }
  bool fd(const Field& f, int& out) { return ranged(f, out, 3, (1 << 20) - 1); }
  bool fail(const std::string& why) {
    if (error_.empty()) error_ = std::string(what_) + ": " + why;
    return false;
  }

 private:
  std::string_view what_;
  std::string& error_;
};

bool decodeStream(std::string_view record, Stream& s, std::string& error) {
  std::vector<Field> fs;
  if (!fields(record, fs, error)) return false;
  RecordReader r("stream", error);
  for (const Field& f : fs) {
    std::int64_t v = 0;
    bool ok = true;
    switch (f.tag) {
      case kPath:
        s.path = f.payload;
        break;
      case kFd:
        ok = r.fd(f, s.fd);
        break;
      case kPending:
        s.pending = f.payload;
        break;
      case kDropped:
        ok = r.integer(f, v) && (v >= 0 || r.fail("negative dropped count"));
        s.dropped = static_cast<std::uint64_t>(v);
        break;
      case kSyslogPartial:
        s.syslog_partial = f.payload;
        break;
      case kCapturing:
        ok = r.boolean(f, s.capturing);
        break;
      case kCaptureHeld:
        s.capture_held = f.payload;
        break;
      case kCaptured:
        s.captured = f.payload;
        break;
      case kMidLine:
        ok = r.boolean(f, s.mid_line);
        break;
      case kTeePartial:
        s.tee_partial = f.payload;
        break;
      default:
        break;  // a newer writer's optional field
    }
    if (!ok) return false;
  }
  return true;
}

bool validState(int state) {
  switch (static_cast<proto::ProcessState>(state)) {
    case proto::ProcessState::kStopped:
    case proto::ProcessState::kStarting:
    case proto::ProcessState::kRunning:
    case proto::ProcessState::kBackoff:
    case proto::ProcessState::kStopping:
    case proto::ProcessState::kExited:
    case proto::ProcessState::kFatal:
    case proto::ProcessState::kUnknown:
      return true;
  }
  return false;
}

bool decodeProcess(std::string_view record, Process& p, std::string& error) {
  std::vector<Field> fs;
  if (!fields(record, fs, error)) return false;
  RecordReader r("process", error);
  bool have_name = false, have_config = false, have_state = false;
  constexpr std::int64_t kIntMax = 0x7fffffff;
  for (const Field& f : fs) {
    bool ok = true;
    std::int64_t deadline = 0;
    switch (f.tag) {
      case kName:
        p.name = f.payload;
        have_name = true;
        break;
      case kConfig:
        p.config_json = f.payload;
        have_config = true;
        break;
      case kState:
        ok = r.ranged(f, p.state, 0, 1000) && (validState(p.state) || r.fail("no such state"));
        have_state = true;
        break;
      case kProcPid:
        ok = r.ranged(f, p.pid, 2, kIntMax);
        break;
      case kBackoff:
        ok = r.ranged(f, p.backoff, 0, kIntMax);
        break;
      case kKilling:
        ok = r.boolean(f, p.killing);
        break;
      case kEverStarted:
        ok = r.boolean(f, p.ever_started);
        break;
      case kLastStartMono:
        ok = r.integer(f, p.laststart_mono_ns);
        break;
      case kLastStartWall:
        ok = r.integer(f, p.laststart_wall);
        break;
      case kLastStopWall:
        ok = r.integer(f, p.laststop_wall);
        break;
      case kSpawnErr:
        p.spawnerr = f.payload;
        break;
      case kExitStatus:
        ok = r.ranged(f, p.exitstatus, -kIntMax - 1, kIntMax);
        break;
      case kTimerDeadline:
        ok = r.integer(f, deadline);
        p.timer_deadline_mono_ns = deadline;
        break;
      case kExecError:
        p.exec_error = f.payload;
        break;
      case kStdinFd:
        ok = r.fd(f, p.stdin_fd);
        break;
      case kStdinPending:
        p.stdin_pending = f.payload;
        break;
      case kStdout:
        ok = decodeStream(f.payload, p.out, error);
        break;
      case kStderr:
        ok = decodeStream(f.payload, p.err, error);
        break;
      default:
        break;
    }
    if (!ok) return false;
  }
  if (!have_name || p.name.empty()) return r.fail("no name");
  if (!have_config) return r.fail("'" + p.name + "' has no config");
  if (!have_state) return r.fail("'" + p.name + "' has no state");
  // A pid belongs to exactly the states in which a child runs (UNKNOWN may
  // or may not have one).
  auto s = static_cast<proto::ProcessState>(p.state);
  bool needs_pid = s == proto::ProcessState::kRunning || s == proto::ProcessState::kStopping;
  bool may_have_pid =
      needs_pid || s == proto::ProcessState::kStarting || s == proto::ProcessState::kUnknown;
  if (needs_pid && p.pid == 0) return r.fail("'" + p.name + "' is running without a pid");
  if (!may_have_pid && p.pid != 0) return r.fail("'" + p.name + "' has a pid but is not running");
  if (p.pid == 0 && (p.out.fd >= 0 || p.err.fd >= 0 || p.stdin_fd >= 0))
    return r.fail("'" + p.name + "' has pipes but no pid");
  return true;
}

bool decodeGroup(std::string_view record, Group& g, std::string& error) {
  std::vector<Field> fs;
  if (!fields(record, fs, error)) return false;
  RecordReader r("group", error);
  bool have_name = false, have_header = false;
  std::set<std::string> names;
  for (const Field& f : fs) {
    switch (f.tag) {
      case kGroupName:
        g.name = f.payload;
        have_name = true;
        break;
      case kGroupHeader:
        g.header_json = f.payload;
        have_header = true;
        break;
      case kGroupProcess: {
        Process p;
        if (!decodeProcess(f.payload, p, error)) return false;
        if (!names.insert(p.name).second) return r.fail("process '" + p.name + "' twice");
        g.processes.push_back(std::move(p));
        break;
      }
      default:
        break;
    }
  }
  if (!have_name || g.name.empty()) return r.fail("no name");
  if (!have_header) return r.fail("'" + g.name + "' has no config");
  return true;
}

}  // namespace

std::size_t State::processCount() const {
  std::size_t n = 0;
  for (const auto& g : groups) n += g.processes.size();
  return n;
}

std::vector<int> State::fds() const {
  std::vector<int> out;
  auto add = [&](int fd) {
    if (fd >= 0) out.push_back(fd);
  };
  add(pidfile_fd);
  for (const auto& l : listeners) add(l.fd);
  for (const auto& g : groups) {
    for (const auto& p : g.processes) {
      add(p.stdin_fd);
      add(p.out.fd);
      add(p.err.fd);
    }
  }
  return out;
}

std::vector<int> State::pipeFds() const {
  std::vector<int> out;
  for (const auto& g : groups)
    for (const auto& p : g.processes)
      for (int fd : {p.stdin_fd, p.out.fd, p.err.fd})
        if (fd >= 0) out.push_back(fd);
  return out;
}

std::string encode(const State& state) {
  Writer body;
  body.integer(kEncodedAt, state.encoded_at_mono_ns);
  body.integer(kPid, state.pid);
  body.text(kPidfilePath, state.pidfile_path);
  body.fd(kPidfileFd, state.pidfile_fd);
  for (const auto& l : state.listeners) {
    Writer w;
    w.integer(kListenerFd, l.fd);
    w.bytes(kListenerAddress, l.address);
    body.bytes(kListener, w.str());
  }
  for (const auto& g : state.groups) {
    Writer w;
    w.bytes(kGroupName, g.name);
    w.bytes(kGroupHeader, g.header_json);
    for (const auto& p : g.processes) w.bytes(kGroupProcess, encodeProcess(p));
    body.bytes(kGroup, w.str());
  }
  for (const auto& [name, data] : state.extensions) {
    Writer w;
    w.bytes(kExtName, name);
    w.bytes(kExtData, data);
    body.bytes(kExtension, w.str());
  }
  std::string out(kMagic);
  putLe(out, kVersion, 4);
  putLe(out, 0, 4);
  putLe(out, body.str().size(), 8);
  putLe(out, fnv1a64(body.str()), 8);
  out += body.str();
  return out;
}

std::uint32_t peekVersion(std::string_view bytes) {
  if (bytes.size() < 12 || bytes.substr(0, kMagic.size()) != kMagic) return 0;
  return static_cast<std::uint32_t>(getLe(bytes.substr(8), 4));
}

Result<State> decode(std::string_view bytes) {
  if (bytes.size() < kHeaderSize) return Error{"the hand-over is shorter than its header"};
  if (bytes.substr(0, kMagic.size()) != kMagic) return Error{"the hand-over has no magic"};
  std::uint32_t version = peekVersion(bytes);
  if (version < kMinVersion || version > kVersion) {
    return Error{"hand-over format version " + std::to_string(version) +
                 " (this supervisord reads " + std::to_string(kMinVersion) + " to " +
                 std::to_string(kVersion) + ")"};
  }
  std::uint64_t length = getLe(bytes.substr(16), 8);
  std::string_view body = bytes.substr(kHeaderSize);
  if (length > kMaxBytes || length != body.size()) {
    return Error{"the hand-over's length says " + std::to_string(length) + " bytes, it has " +
                 std::to_string(body.size())};
  }
  if (getLe(bytes.substr(24), 8) != fnv1a64(body))
    return Error{"the hand-over's checksum is wrong"};

  State state;
  std::string error;
  std::vector<Field> fs;
  if (!fields(body, fs, error)) return Error{error};
  RecordReader r("hand-over", error);
  bool have_pid = false;
  std::set<std::string> group_names;
  for (const Field& f : fs) {
    bool ok = true;
    switch (f.tag) {
      case kEncodedAt:
        ok = r.integer(f, state.encoded_at_mono_ns);
        break;
      case kPid:
        ok = r.ranged(f, state.pid, 1, 0x7fffffff);
        have_pid = true;
        break;
      case kPidfilePath:
        state.pidfile_path = f.payload;
        break;
      case kPidfileFd:
        ok = r.fd(f, state.pidfile_fd);
        break;
      case kListener: {
        std::vector<Field> lf;
        ok = fields(f.payload, lf, error);
        Listener l;
        RecordReader lr("listener", error);
        for (const Field& x : lf) {
          if (!ok) break;
          if (x.tag == kListenerFd) ok = lr.fd(x, l.fd);
          if (x.tag == kListenerAddress) l.address = x.payload;
        }
        if (ok && (l.fd < 0 || l.address.empty())) ok = lr.fail("fd or address missing");
        state.listeners.push_back(std::move(l));
        break;
      }
      case kGroup: {
        Group g;
        ok = decodeGroup(f.payload, g, error);
        if (ok && !group_names.insert(g.name).second) ok = r.fail("group '" + g.name + "' twice");
        state.groups.push_back(std::move(g));
        break;
      }
      case kExtension: {
        std::vector<Field> ef;
        ok = fields(f.payload, ef, error);
        std::string name, data;
        for (const Field& x : ef) {
          if (x.tag == kExtName) name = x.payload;
          if (x.tag == kExtData) data = x.payload;
        }
        if (ok && name.empty()) ok = r.fail("an extension has no name");
        state.extensions[name] = std::move(data);
        break;
      }
      default:
        break;
    }
    if (!ok) return Error{error};
  }
  if (!have_pid) return Error{"the hand-over names no pid"};
  std::vector<int> fds = state.fds();
  std::sort(fds.begin(), fds.end());
  if (std::adjacent_find(fds.begin(), fds.end()) != fds.end())
    return Error{"the hand-over names fd " +
                 std::to_string(*std::adjacent_find(fds.begin(), fds.end())) + " twice"};
  return state;
}

}  // namespace sup::handover
