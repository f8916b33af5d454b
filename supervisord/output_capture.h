// A process's stdout/stderr capture: the log files (which outlive each run
// of the child) and the non-blocking pipe readers of the current run.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/config_model.h"
#include "supervisord/capture_mode.h"
#include "supervisord/event_loop.h"
#include "supervisord/rotating_file.h"
#include "supervisord/syslog_sink.h"

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
void cleanupAutoChildLogs(const CaptureSettings& settings, MainLog& log);

/// Whether Supervisor's re.match(r'.+?---<identifier>-\S+\.log\.{0,1}\d{0,4}')
/// accepts this file name. Anchored at the start only, the optional tail can
/// match nothing, so this is: at least one character (no newline), then
/// "---<identifier>-", then one or more non-whitespace characters up to a
/// ".log". The identifier is matched literally: Supervisor pastes it into
/// the pattern unescaped, which only changes anything for an identifier
/// holding regex syntax (and one like "a(b" makes Python fail at startup).
bool isAutoChildLogName(std::string_view name, std::string_view identifier);

/// Strip ANSI escapes `ESC[` ... up to one of "HfABCDRsuJKhlpm".
std::string stripAnsi(std::string_view data);

class OutputCapture {
 public:
  /// Resolves the log file names (creating AUTO files with mkstemp) and
  /// opens them; failures are logged, and that stream is discarded.
  /// An `adopted` process (re-exec) keeps its AUTO log files' names.
  OutputCapture(EventLoop& loop, MainLog& log, const ProcessConfig& config,
                const CaptureSettings& settings, const handover::Process* adopted = nullptr);
  ~OutputCapture();
  OutputCapture(const OutputCapture&) = delete;
  OutputCapture& operator=(const OutputCapture&) = delete;

  /// Start reading a new run's pipes (-1 = absent). Takes ownership of the fds.
  void attach(int stdin_fd, int stdout_fd, int stderr_fd);
  /// The child exited: read everything left in the pipes, then close them.
  void drainAndDetach();

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

 private:
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
    unsigned long long dropped = 0;
    EventLoop::TimerId retry_timer = 0;
    int retry_ms = 0;
    // splice(2) failed with EINVAL (the file system cannot take it): read.
    bool no_splice = false;
    // *_syslog=true: each line also goes to syslog.
    std::unique_ptr<SyslogSink> syslog;
    SyslogLines syslog_lines;
    // *_capture_maxbytes > 0: Supervisor's capture mode.
    std::unique_ptr<CaptureMode> capture;
  };
  static constexpr size_t kMaxPending = 4 << 20;
  /// Bytes for the normal log: strip_ansi, the file, syslog, debug echo.
  void logOutput(Stream& s, std::string_view data);
  /// The end of a run's output: held capture bytes and a partial syslog line.
  void finishOutput(Stream& s);
  void store(Stream& s, std::string_view data);
  void keep(Stream& s, std::string_view data);
  void retryPending(Stream& s);
  void setupStream(Stream& s, const StreamLogConfig& cfg, const std::string* auto_path);
  void onReadable(Stream& s);
  bool readOnce(Stream& s);  // false when the pipe is empty, at EOF or error
  /// No one needs to see this stream's bytes: they may go pipe -> file.
  bool mayBypass(const Stream& s) const;
  void closeStream(Stream& s);
  void flushStdin();

  EventLoop& loop_;
  MainLog& log_;
  std::string name_;
  CaptureSettings settings_;
  Stream stdout_{"stdout"};
  Stream stderr_{"stderr"};
  int stdin_fd_ = -1;
  std::string stdin_buf_;
};

}  // namespace sup
