// stdout_tee= / stderr_tee= (docs/program-logs.md): one open target (a file,
// a FIFO, /dev/stdout...), shared by every stream that tees to its path, so
// their lines reach it whole and in order. Writes never block the loop: the
// fd is O_NONBLOCK (a socket, such as a journal's stdout, gets
// MSG_DONTWAIT), what the target does not take now waits in a bounded
// TeeBuffer and goes out when epoll says it is writable, and a line that
// does not fit is dropped (the caller counts it). A target that fails
// (EPIPE, EIO...) is reported once and drops everything until the next
// start of a program that uses it opens it again.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "supervisord/tee_buffer.h"

namespace sup {

class EventLoop;
class MainLog;

class TeeTarget {
 public:
  TeeTarget(EventLoop& loop, MainLog& log, std::string path, int fd, bool use_send, bool pollable);
  ~TeeTarget();
  TeeTarget(const TeeTarget&) = delete;
  TeeTarget& operator=(const TeeTarget&) = delete;

  const std::string& path() const { return path_; }
  /// Queue prefix + line + "\n". False: dropped (full, or the target failed).
  bool push(std::string_view prefix, std::string_view line);
  /// Write what is queued as far as the target takes it now; the rest
  /// waits for EPOLLOUT.
  void flush();
  bool failed() const { return fd_ < 0; }

 private:
  /// Write until the target would block; an errno when it failed.
  int writeSome();
  void fail(int err);

  EventLoop& loop_;
  MainLog& log_;
  std::string path_;
  int fd_;
  bool use_send_;  ///< a socket we share with the daemon's own stdout
  bool pollable_;  ///< not a regular file: epoll can tell when it is writable
  bool watching_ = false;
  bool blocked_ = false;  ///< the last write said EAGAIN (reset by flush())
  TeeBuffer buf_;
};

/// The open targets by path. A failed target is opened again by the next
/// get(); the last stream to let go of a target closes it.
class TeeTargets {
 public:
  /// The target for `path`, opened now if no stream holds it (O_WRONLY |
  /// O_APPEND | O_NONBLOCK, creating a file 0644). Null with `*error` set when
  /// it cannot be opened.
  std::shared_ptr<TeeTarget> get(EventLoop& loop, MainLog& log, const std::string& path,
                                 std::string* error);

 private:
  std::map<std::string, std::weak_ptr<TeeTarget>> open_;
};

}  // namespace sup
