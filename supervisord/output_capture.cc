#include "supervisord/output_capture.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <vector>

#include "common/py_text.h"
#include "supervisord/handover_format.h"
#include "supervisord/log_registry.h"
#include "supervisord/main_log.h"

namespace sup {

namespace {
const std::string& adoptedPath(const handover::Process& p, bool err) {
  return err ? p.err.path : p.out.path;
}
}  // namespace

OutputCapture::OutputCapture(EventLoop& loop, MainLog& log, const ProcessConfig& config,
                             const CaptureSettings& settings, const handover::Process* adopted)
    : loop_(loop),
      log_(log),
      name_(config.name),
      settings_(settings),
      markers_(config.log_policy.markers) {
  setupPolicies(stdout_, config.stdout_log, config.log_policy, config.log_policy.stdout_tee);
  setupStream(stdout_, config.stdout_log, adopted ? &adoptedPath(*adopted, false) : nullptr);
  if (!config.redirect_stderr) {
    setupPolicies(stderr_, config.stderr_log, config.log_policy, config.log_policy.stderr_tee);
    setupStream(stderr_, config.stderr_log, adopted ? &adoptedPath(*adopted, true) : nullptr);
  }
}

OutputCapture::~OutputCapture() {
  for (Stream* s : {&stdout_, &stderr_}) {
    if (s->retry_timer) loop_.cancel(s->retry_timer);
    if (s->file && !s->pending.empty()) s->file->write(s->pending);  // a last try
  }
  closeStream(stdout_);
  closeStream(stderr_);
  if (stdin_fd_ >= 0) {
    loop_.unwatch(stdin_fd_);
    ::close(stdin_fd_);
  }
}

void OutputCapture::setupPolicies(Stream& s, const StreamLogConfig& cfg, const LogPolicy& policy,
                                  const std::string& tee_path) {
  s.events_enabled = cfg.events_enabled;
  if (!cfg.syslog && cfg.capture_maxbytes <= 0 && !policy.timestamps && tee_path.empty()) return;
  s.extra = std::make_unique<Policies>();
  Policies& x = *s.extra;
  if (cfg.syslog) {
    std::string what = "'" + name_ + "' " + s.channel + " syslog " + settings_.syslog_path;
    x.syslog = std::make_unique<SyslogSink>(
        settings_.syslog_path, [this, what](const std::string& error, unsigned long long dropped) {
          if (!error.empty()) {
            log_.error(what + " cannot take lines: " + error + "; dropping them until it can");
          } else {
            log_.info(what + " takes lines again; " + std::to_string(dropped) +
                      " lines were dropped");
          }
        });
  }
  if (cfg.capture_maxbytes > 0) x.capture = std::make_unique<CaptureMode>(cfg.capture_maxbytes);
  x.stamp = policy.timestamps;
  x.tee_path = tee_path;
  if (!tee_path.empty()) x.tee_prefix = policy.tee_prefix;
}

void OutputCapture::setupStream(Stream& s, const StreamLogConfig& cfg,
                                const std::string* auto_path) {
  if (cfg.logfile.kind == LogFileSpec::Kind::None) return;
  if (cfg.logfile.kind == LogFileSpec::Kind::Auto && auto_path && !auto_path->empty()) {
    s.path = *auto_path;  // the previous image's AUTO file, still in use
  } else if (cfg.logfile.kind == LogFileSpec::Kind::Auto) {
    std::string tmpl = settings_.childlogdir + "/" + name_ + "-" + s.channel + "---" +
                       settings_.identifier + "-XXXXXX.log";
    int fd = ::mkstemps(tmpl.data(), 4);
    if (fd < 0) {
      log_.error("Unable to create AUTO log file for " + name_ + " " + s.channel + ": " +
                 std::strerror(errno));
      return;
    }
    ::close(fd);
    s.path = tmpl;
  } else {
    s.path = cfg.logfile.path;
  }
  s.file = std::make_unique<RotatingFile>(s.path, cfg.logfile_maxbytes, cfg.logfile_backups,
                                          settings_.registry);
  std::string err;
  if (!s.file->open(&err)) log_.error("Unable to open " + s.path + ": " + err);
}

void OutputCapture::attach(int stdin_fd, int stdout_fd, int stderr_fd) {
  closeStream(stdout_);
  closeStream(stderr_);
  if (stdin_fd_ >= 0) {
    loop_.unwatch(stdin_fd_);
    ::close(stdin_fd_);
  }
  stdin_fd_ = stdin_fd;
  stdin_buf_.clear();
  stdout_.fd = stdout_fd;
  stderr_.fd = stderr_fd;
  for (Stream* s : {&stdout_, &stderr_}) {
    if (s->fd < 0) continue;
    // 256 KiB (4x Linux's default) lets a chatty child run ahead of us
    // between wake-ups. Not more: bytes that wait longer in a bigger pipe
    // are cold in cache when the kernel copies them to the file; with 1 MiB
    // pipes ten writers at once cost the daemon 1.1-1.9 s of CPU per GiB
    // against 0.38-0.40 s with 256 KiB, and one writer up to 1.3 s against
    // 0.44 (docs/performance.md). Best effort (pipe-max-size). Not again
    // for a pipe that has it: an adopted one after a re-exec.
    if (::fcntl(s->fd, F_GETPIPE_SZ) != kPipeBytes) ::fcntl(s->fd, F_SETPIPE_SZ, kPipeBytes);
    loop_.watch(s->fd, EPOLLIN, [this, s](uint32_t) { onReadable(*s); });
    if (s->extra && !s->extra->tee_path.empty()) openTee(*s);
  }
}

void OutputCapture::onReadable(Stream& s) {
  // One read (or splice) per wake-up: epoll is level-triggered, so bytes
  // left in the pipe wake the loop again, after the other ready fds had a
  // turn, and no read is spent learning that the pipe is empty.
  readOnce(s);
}

bool OutputCapture::mayBypass(const Stream& s) const {
  return s.file && !s.no_splice && s.pending.empty() && !settings_.strip_ansi && !s.extra &&
         !(settings_.registry && settings_.registry->followers.any()) &&
         !log_.enabled(LogLevel::Debug) && !s.events_enabled && !(&s == &stdout_ && protocol_sink_);
}

bool OutputCapture::readOnce(Stream& s) {
  if (mayBypass(s)) {
    // Pipe -> page cache in the kernel: half the copies and syscalls of
    // read()+write(). Rotation points and anything that must see the bytes
    // take the read() path below.
    auto r = s.file->spliceFrom(s.fd, kPipeBytes);
    switch (r.status) {
      case RotatingFile::Spliced::Moved:
        return r.bytes == r.asked;  // less: the pipe is empty now
      case RotatingFile::Spliced::Empty:
        return false;
      case RotatingFile::Spliced::Eof:
        closeStream(s);
        return false;
      case RotatingFile::Spliced::Failed:
        if (errno == EINVAL) s.no_splice = true;
        break;  // read() it, and let store() deal with a full disk
      case RotatingFile::Spliced::NotNow:
        break;
    }
  }
  // One chunk reaches past maxbytes from where spliceFrom() stops. A
  // stream that never splices (timestamps, a tee: docs/program-logs.md)
  // reads the whole pipe at once: half the reads, writes and wake-ups.
  static char buf[kPipeBytes];
  const size_t want =
      s.extra && (s.extra->stamp || s.extra->tee) ? sizeof buf : RotatingFile::kBoundaryWindow;
  ssize_t n = ::read(s.fd, buf, want);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return false;
  if (n <= 0) {
    closeStream(s);
    return false;
  }
  std::string_view data(buf, static_cast<size_t>(n));
  if (&s == &stdout_ && protocol_sink_) {
    protocolOutput(s, data);
  } else if (s.extra && s.extra->capture) {
    s.extra->capture->feed(
        data, [this, &s](std::string_view d) { logOutput(s, d); },
        [this, &s](std::string_view d) { commEvent(s, d); },
        [this, &s](std::string_view d) { capturedOutput(s, d); });
  } else {
    logOutput(s, data);
  }
  // A short read emptied the pipe: another read() would only say EAGAIN
  // (epoll reports the next bytes, and EOF).
  return static_cast<size_t>(n) == want;
}

void OutputCapture::logOutput(Stream& s, std::string_view data) {
  if (settings_.strip_ansi) {
    static std::string stripped;  // one buffer for every read: no allocation
    stripAnsiInto(data, stripped);
    data = stripped;
  }
  if (s.file) toFile(s, data);
  if (Policies* x = s.extra.get()) {
    if (x->tee) teeOutput(s, data);
    if (x->syslog) {
      x->syslog_lines.feed(data,
                           [this, x](std::string_view line) { x->syslog->send(name_, line); });
    }
  }
  if (log_.enabled(LogLevel::Debug)) {
    // '%(name)r %(channel)s output:\n%(data)s', the data as text when it is
    // UTF-8 and as Python's bytes repr otherwise: the main log stays UTF-8.
    log_.debug(py::repr(name_) + " " + s.channel + " output:\n" + py::decodedOrUndecodable(data));
  }
  logEvent(s, data);
}

void OutputCapture::finishOutput(Stream& s) {
  Policies* x = s.extra.get();
  if (!x) return;
  if (x->capture) {
    x->capture->finish([this, &s](std::string_view d) { logOutput(s, d); },
                       [this, &s](std::string_view d) { commEvent(s, d); },
                       [this, &s](std::string_view d) { capturedOutput(s, d); });
  }
  if (x->syslog) {
    x->syslog_lines.flush([this, x](std::string_view line) { x->syslog->send(name_, line); });
  }
  finishTee(s);
}

void OutputCapture::store(Stream& s, std::string_view data) {
  // Keep the order: while earlier output waits, new output queues behind it.
  if (!s.pending.empty()) return keep(s, data);
  size_t written = 0;
  if (s.file->write(data, &written)) return;
  int err = errno;
  // One error line per outage, not one per write.
  log_.error("'" + name_ + "' " + s.channel + " log " + s.path +
             " cannot be written: " + std::strerror(err) + "; keeping up to " +
             std::to_string(kMaxPending >> 20) + " MiB of output until it can");
  keep(s, data.substr(written));
  s.retry_ms = 100;
  s.retry_timer = loop_.after(std::chrono::milliseconds(s.retry_ms), [this, &s] {
    s.retry_timer = 0;
    retryPending(s);
  });
}

void OutputCapture::keep(Stream& s, std::string_view data) {
  s.pending.append(data);
  if (s.pending.size() > kMaxPending) {
    // Drop the oldest bytes, through the end of a line, so what is kept
    // starts with a whole line.
    size_t excess = s.pending.size() - kMaxPending;
    size_t nl = s.pending.find('\n', excess - 1);
    if (nl != std::string::npos) excess = nl + 1;
    s.pending.erase(0, excess);
    s.dropped += excess;
    s.dropped_total += excess;
  }
}

void OutputCapture::retryPending(Stream& s) {
  size_t written = 0;
  bool ok = s.file->write(s.pending, &written);
  s.pending.erase(0, written);
  if (ok) {
    std::string msg = "'" + name_ + "' " + s.channel + " log " + s.path + " writable again";
    if (s.dropped > 0) msg += "; " + std::to_string(s.dropped) + " bytes of output were dropped";
    log_.info(msg);
    s.dropped = 0;
    s.retry_ms = 0;
    return;
  }
  // Back off up to 5 s; no timer runs once the file is writable again.
  s.retry_ms = std::min(s.retry_ms * 2, 5000);
  s.retry_timer = loop_.after(std::chrono::milliseconds(s.retry_ms), [this, &s] {
    s.retry_timer = 0;
    retryPending(s);
  });
}

void OutputCapture::drainAndDetach() {
  for (Stream* s : {&stdout_, &stderr_}) {
    while (s->fd >= 0 && readOnce(*s)) {
    }
    closeStream(*s);
  }
  if (stdin_fd_ >= 0) {
    loop_.unwatch(stdin_fd_);
    ::close(stdin_fd_);
    stdin_fd_ = -1;
  }
  stdin_buf_.clear();
}

void OutputCapture::closeStream(Stream& s) {
  if (s.fd < 0) return;
  loop_.unwatch(s.fd);
  ::close(s.fd);
  s.fd = -1;
  finishOutput(s);
}

void OutputCapture::reopen() {
  for (Stream* s : {&stdout_, &stderr_})
    if (s->file) s->file->reopen();
}

bool OutputCapture::clear() {
  bool ok = true;
  for (Stream* s : {&stdout_, &stderr_})
    if (s->file && !s->file->clear()) ok = false;
  return ok;
}

int OutputCapture::sendStdin(std::string_view data) {
  if (stdin_fd_ < 0) return EPIPE;
  bool was_empty = stdin_buf_.empty();
  stdin_buf_.append(data);
  if (was_empty) flushStdin();
  return stdin_fd_ < 0 ? EPIPE : 0;
}

void OutputCapture::flushStdin() {
  while (!stdin_buf_.empty()) {
    ssize_t n = ::write(stdin_fd_, stdin_buf_.data(), stdin_buf_.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) break;
    if (n < 0) {  // EPIPE: the child closed its stdin
      loop_.unwatch(stdin_fd_);
      ::close(stdin_fd_);
      stdin_fd_ = -1;
      stdin_buf_.clear();
      return;
    }
    stdin_buf_.erase(0, static_cast<size_t>(n));
  }
  if (stdin_buf_.empty()) {
    if (loop_.watching(stdin_fd_)) loop_.unwatch(stdin_fd_);
  } else if (!loop_.watching(stdin_fd_)) {
    loop_.watch(stdin_fd_, EPOLLOUT, [this](uint32_t) { flushStdin(); });
  }
}

}  // namespace sup
