// A process's stdout/stderr capture: the log files (which outlive each run
// of the child) and the non-blocking pipe readers of the current run.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/config_model.h"
#include "supervisord/ansi_escapes.h"
#include "supervisord/auto_child_logs.h"
#include "supervisord/capture_mode.h"
#include "supervisord/event_loop.h"
#include "supervisord/line_stamper.h"
#include "supervisord/metrics_format.h"
#include "supervisord/rotating_file.h"
#include "supervisord/syslog_sink.h"
#include "supervisord/tee_target.h"

namespace sup {

class MainLog;
struct LogRegistry;
namespace handover {
struct Process;
}

/// Daemon-wide settings that shape child logs.
struct CaptureSettings {
  std::string childlogdir = "/tmp";
  std::string identifier = "supervisor";
  bool strip_ansi = false;
  /// Where stdout_syslog / stderr_syslog lines go (a datagram socket).
  std::string syslog_path = "/dev/log";
  /// Where the log files register (logrotate, tail -f); may be null.
  LogRegistry* registry = nullptr;
};

/// Remove AUTO child logs left by an earlier run (Supervisor's
/// clear_autochildlogdir): the names in childlogdir that isAutoChildLogName().
inline void cleanupAutoChildLogs(const CaptureSettings& settings, MainLog& log) {
  cleanupAutoChildLogs(settings.childlogdir, settings.identifier, log);
}

class OutputCapture {
 public:
  /// Resolves the log file names (creating AUTO files with mkstemp) and
  /// opens them; failures are logged, and that stream is discarded.
  /// An `adopted` process (re-exec) keeps its AUTO log files' names.
  OutputCapture(EventLoop& loop, MainLog& log, const ProcessConfig& config,
                const CaptureSettings& settings, const handover::Process* adopted = nullptr);
  /// `settings` is held by reference: it must outlive the capture.
  OutputCapture(EventLoop&, MainLog&, const ProcessConfig&, CaptureSettings&&,
                const handover::Process* = nullptr) = delete;
  ~OutputCapture();
  OutputCapture(const OutputCapture&) = delete;
  OutputCapture& operator=(const OutputCapture&) = delete;

  /// Start reading a new run's pipes (-1 = absent). Takes ownership of the fds.
  void attach(int stdin_fd, int stdout_fd, int stderr_fd);
  /// The child exited: read everything left in the pipes, then close them.
  void drainAndDetach();
  /// log_markers=true (output_capture_policy.cc): a line in the stdout log
  /// when a run starts (after attach()) and when it ends (after
  /// drainAndDetach(), with the wait(2) status).
  void markSpawned(int pid);
  void markExited(int wait_status);

  /// Log file paths ("" for NONE), as getProcessInfo reports them.
  const std::string& stdoutPath() const { return stdout_.path; }
  const std::string& stderrPath() const { return stderr_.path; }
  /// Reopen both files by name (SIGUSR2).
  void reopen();
  /// Remove and reopen both files (clearProcessLogs). False on failure.
  bool clear();
  /// Re-exec (output_capture_handover.cc): the pipes' fds and everything
  /// read from them but not yet written anywhere, into `into`. Nothing
  /// changes here: if the exec fails, capture goes on as before.
  void handOver(handover::Process& into) const;
  /// The new image: read `from`'s pipes and continue its unwritten bytes.
  void resume(const handover::Process& from);
  /// Queue bytes for the child's stdin. Returns 0, or EPIPE when there is no
  /// stdin to write to (not running, or the child closed it).
  int sendStdin(std::string_view data);
  /// The counters /metrics reports for a stream: bytes written to its log
  /// file, its rotations and the bytes dropped while it could not be written.
  LogStreamMetrics counters(bool is_stderr) const {
    const Stream& s = is_stderr ? stderr_ : stdout_;
    LogStreamMetrics m;
    m.has_file = s.file != nullptr;
    if (s.file) {
      m.written_bytes = s.file->writtenTotal();
      m.rotations = s.file->rotations();
    }
    m.dropped_bytes = s.dropped_total;
    return m;
  }
  /// After a re-exec: these counters go on from the old image's.
  void carryOverCounters(bool is_stderr, const LogStreamMetrics& old) {
    Stream& s = is_stderr ? stderr_ : stdout_;
    if (s.file) s.file->carryOverTotals(old.written_bytes, old.rotations);
    s.dropped_total += old.dropped_bytes;
  }

  /// Where this process's output events go (output_events.cc): PROCESS_LOG_*
  /// for a stream with *_events_enabled, PROCESS_COMMUNICATION_* in capture
  /// mode. Called with the bytes as Supervisor's events carry them.
  using EventSink = std::function<void(bool is_stderr, bool communication, std::string_view data)>;
  void setEventSink(EventSink sink) { event_sink_ = std::move(sink); }
  /// An event listener's stdout is its protocol channel: each read goes to
  /// `sink` (and to its stdout log file, as Supervisor writes it there), never
  /// to events, capture mode, syslog or the debug output line.
  using ProtocolSink = std::function<void(std::string_view data)>;
  void setProtocolSink(ProtocolSink sink) { protocol_sink_ = std::move(sink); }

 private:
  struct Policies {
    // *_syslog=true: each line also goes to syslog.
    std::unique_ptr<SyslogSink> syslog;
    SyslogLines syslog_lines;
    // *_capture_maxbytes > 0: Supervisor's capture mode.
    std::unique_ptr<CaptureMode> capture;
    // log_timestamps=true: a stamp before each line in the file.
    bool stamp = false;
    LineStamper stamper;
    StampFormat stamp_format;
    // *_tee=PATH: each line also goes there, after the tee_prefix. The
    // target is kept between runs (what it has not taken yet still goes).
    std::string tee_path;
    std::string tee_prefix;
    std::shared_ptr<TeeTarget> tee;
    TeeLines tee_lines;
    unsigned long long tee_dropped = 0;  ///< lines dropped in this run
  };
  struct Stream {
    explicit Stream(const char* c) : channel(c) {}
    const char* channel;  // "stdout" / "stderr"
    std::string path;
    std::unique_ptr<RotatingFile> file;
    int fd = -1;
    // While the file cannot be written (disk full, directory gone): output
    // waits here, at most kMaxPending bytes (the oldest is dropped beyond),
    // and a timer with backoff retries. The pipe keeps being drained so the
    // child never blocks on its stdout.
    std::string pending;
    unsigned long long dropped = 0;        // since the outage began (its log line)
    unsigned long long dropped_total = 0;  // ever (/metrics)
    EventLoop::TimerId retry_timer = 0;
    int retry_ms = 0;
    // splice(2) failed with EINVAL (the file system cannot take it): read.
    bool no_splice = false;
    bool events_enabled = false;
    // What the stream does besides its file (syslog, capture mode,
    // timestamps, a tee): null for the many programs that use none of it,
    // which saves ~0.3 KB per program (docs/performance.md).
    std::unique_ptr<Policies> extra;
  };
  static constexpr size_t kMaxPending = 4 << 20;
  /// A child's stdout/stderr pipe size, and so the most one splice moves.
  static constexpr int kPipeBytes = 256 << 10;
  /// Bytes for the normal log: strip_ansi, the file, syslog, debug echo.
  void logOutput(Stream& s, std::string_view data);
  /// The end of a run's output: held capture bytes and a partial syslog line.
  void finishOutput(Stream& s);
  void store(Stream& s, std::string_view data);
  // output_capture_policy.cc: timestamps, markers and tees.
  /// Bytes for the log file: stamped when log_timestamps is on.
  void toFile(Stream& s, std::string_view data);
  void teeOutput(Stream& s, std::string_view data);
  void openTee(Stream& s);
  /// The run's end: its last partial line, and one WARN for its drops.
  void finishTee(Stream& s);
  void writeMarker(const std::string& line);
  void keep(Stream& s, std::string_view data);
  void retryPending(Stream& s);
  void setupStream(Stream& s, const StreamLogConfig& cfg, const std::string* auto_path);
  void setupPolicies(Stream& s, const StreamLogConfig& cfg, const LogPolicy& policy,
                     const std::string& tee_path);
  void onReadable(Stream& s);
  bool readOnce(Stream& s);  // false when the pipe is empty, at EOF or error
  /// No one needs to see this stream's bytes: they may go pipe -> file.
  bool mayBypass(const Stream& s) const;
  void closeStream(Stream& s);
  void flushStdin();
  // output_events.cc: the event side of the output.
  void commEvent(Stream& s, std::string_view data);
  void capturedOutput(Stream& s, std::string_view data);
  void logEvent(Stream& s, std::string_view data);
  void protocolOutput(Stream& s, std::string_view data);

  EventLoop& loop_;
  MainLog& log_;
  std::string name_;
  const CaptureSettings& settings_;  // the Supervisor's: one copy for every program
  Stream stdout_{"stdout"};
  Stream stderr_{"stderr"};
  int stdin_fd_ = -1;
  std::string stdin_buf_;
  EventSink event_sink_;
  ProtocolSink protocol_sink_;
  bool markers_ = false;
  /// Tee targets when there is no daemon-wide registry (tests).
  std::unique_ptr<TeeTargets> own_tees_;
};

}  // namespace sup
