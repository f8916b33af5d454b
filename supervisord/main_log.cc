#include "supervisord/main_log.h"

#include <syslog.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>

#include "supervisord/rotating_file.h"

namespace sup {

// Where the main log's lines go, each already in Supervisor's format.
// Single-threaded by design: the daemon logs from its one event loop.
class MainLogSink {
 public:
  bool echo_stdout = false;
  bool use_syslog = false;
  std::unique_ptr<RotatingFile> file;
  long long maxbytes = 0;

  void write(LogLevel level, std::string_view body) {
    if (use_syslog) {
      ::syslog(LOG_INFO, "%s %.*s", logLevelLabel(level), static_cast<int>(body.size()),
               body.data());
    }
    std::string line = timestamp(std::chrono::system_clock::now());
    line += ' ';
    line += logLevelLabel(level);
    line += ' ';
    line.append(body);
    line += '\n';
    if (file) {
      // Supervisor's RotatingFileHandler: the whole line, then a rotation
      // once the file has reached maxbytes (it may pass it by this line).
      file->write(line);
      if (maxbytes > 0 && file->size() >= maxbytes) file->rotate();
    }
    if (echo_stdout) {
      const char* p = line.data();
      size_t left = line.size();
      while (left > 0) {
        ssize_t n = ::write(STDOUT_FILENO, p, left);
        if (n <= 0) break;
        p += n;
        left -= static_cast<size_t>(n);
      }
    }
  }

 private:
  static std::string timestamp(std::chrono::system_clock::time_point tp) {
    auto since = tp.time_since_epoch();
    auto secs = std::chrono::duration_cast<std::chrono::seconds>(since);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(since - secs).count();
    std::time_t t = static_cast<std::time_t>(secs.count());
    std::tm tm{};
    ::localtime_r(&t, &tm);
    char buf[64];
    size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
    std::snprintf(buf + n, sizeof buf - n, ",%03d", static_cast<int>(ms));
    return buf;
  }
};

MainLog::MainLog() : sink_(std::make_unique<MainLogSink>()) {}
MainLog::~MainLog() = default;

bool MainLog::open(const MainLogOptions& opts, std::string* error) {
  level_ = opts.level;
  sink_->echo_stdout = opts.echo_stdout;
  if (opts.path == "syslog") {
    ::openlog("supervisord", LOG_PID, LOG_DAEMON);
    sink_->use_syslog = true;
    sink_->file.reset();
  } else {
    // Rotated here, by Supervisor's rule for whole records, not by the
    // file's own cut at the last newline that fits (child logs' rule).
    auto file = std::make_unique<RotatingFile>(opts.path, 0, opts.backups, opts.registry);
    sink_->maxbytes = opts.maxbytes;
    if (!file->open(error)) return false;
    sink_->file = std::move(file);
  }
  opened_ = true;
  auto pending = std::move(pending_);
  pending_.clear();
  for (auto& [level, line] : pending) log(level, line);
  return true;
}

void MainLog::log(LogLevel level, std::string_view message) {
  if (level < level_) return;
  if (!opened_) {
    pending_.emplace_back(level, std::string(message));
    return;
  }
  sink_->write(level, message);
}

void MainLog::setEchoStdout(bool on) {
  sink_->echo_stdout = on;
}

void MainLog::reopen() {
  if (sink_->file) sink_->file->reopen();
}

bool MainLog::clear() {
  return sink_->file ? sink_->file->clear() : false;
}

std::string MainLog::path() const {
  return sink_->file ? sink_->file->path() : std::string();
}

}  // namespace sup
