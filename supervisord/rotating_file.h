// A size-rotating append-only file with Supervisor's naming: when a write
// brings the file to >= maxbytes, f.(n-1) -> f.n, ..., f -> f.1 and f is
// reopened empty. Unlike Supervisor, a rotation never tears a line: the
// bytes up to the last newline that fits go to the old file, the rest to
// the new one. Only a line of maxbytes bytes or more is cut (see write()). Used
// by the main log and by every child log.
//
// Child output reaches it two ways: spliceFrom() moves bytes pipe -> file in
// the kernel while the file is far from maxbytes, and write() takes the
// last kBoundaryWindow bytes before the limit, where the bytes must be seen
// to cut after a newline.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace sup {

struct LogRegistry;

class RotatingFile {
 public:
  /// maxbytes 0 = never rotate; backups 0 = truncate instead of renaming.
  /// With a registry, the file is listed there by its path while it lives
  /// and publishes what it writes to the path's followers.
  RotatingFile(std::string path, long long maxbytes, int backups, LogRegistry* registry = nullptr);
  ~RotatingFile();
  RotatingFile(const RotatingFile&) = delete;
  RotatingFile& operator=(const RotatingFile&) = delete;

  /// Open (create, append) the file. Returns an errno-style message on failure.
  bool open(std::string* error = nullptr);
  bool isOpen() const { return fd_ >= 0; }
  /// Append all of `data` (retrying short writes and EINTR), rotating at a
  /// line boundary when the file reaches maxbytes: the whole lines that fit
  /// stay in this file (the last newline before maxbytes, found with
  /// memrchr), the rest starts the new one. A line begun below maxbytes is
  /// finished in this file, even when its end comes in a later write; only
  /// a line that reaches maxbytes bytes without a newline is cut there.
  /// Returns false if a write failed; `*written` (if given)
  /// then says how many bytes of `data` are in a file, so the caller can
  /// keep the rest.
  bool write(std::string_view data, size_t* written = nullptr);
  /// Close and open again by name (after an external logrotate; SIGUSR2).
  bool reopen();
  /// Remove the file and reopen it empty; backups are kept (Supervisor's clear).
  bool clear();
  /// Rename the chain and start an empty file now. False if the new file
  /// could not be opened (output then waits for the next write to retry).
  bool rotate();
  /// Rotate on request (supervisorctl logrotate) without tearing a line: at
  /// once if the file ends with a newline, else right after the next newline
  /// written. An empty file, a pipe or a device is left as it is. False if
  /// an immediate rotation failed.
  bool rotateSoon();
  /// A requested rotation waits for the end of a line.
  bool rotationDue() const { return rotate_due_; }
  /// The file ends with a newline, or is empty (read back after splices):
  /// where log_markers can write its line without joining another.
  bool endsLine() { return atLineStart(); }

  /// How close to maxbytes spliceFrom() goes: one read of this size then
  /// reaches past the limit, so write() sees where the cut falls.
  static constexpr long long kBoundaryWindow = 128 * 1024;

  /// What spliceFrom() did.
  struct Spliced {
    enum Status { Moved, Empty, Eof, NotNow, Failed } status;
    size_t bytes = 0;
    size_t asked = 0;  ///< bytes == asked: the pipe may hold more
  };
  /// Move up to `max` bytes from the pipe `pipe_fd` into the file with
  /// splice(2), without copying them through user space, and never past
  /// maxbytes - kBoundaryWindow: the bytes around the limit go through
  /// write(), which sees them and cuts at a newline. NotNow: within
  /// kBoundaryWindow of maxbytes, a rotation is due, or the file is not a
  /// regular file; read kBoundaryWindow bytes and write() them. Empty:
  /// nothing in the pipe. Eof: the pipe's writers are gone.
  /// Failed: errno says why (EINVAL: this file system cannot splice;
  /// ENOSPC...); nothing was lost, the bytes are still in the pipe.
  /// Followers are not told: callers splice only when no one follows.
  Spliced spliceFrom(int pipe_fd, size_t max);

  const std::string& path() const { return path_; }
  /// Bytes in the current file as far as this writer knows.
  long long size() const { return size_; }
  /// False for pipes, ttys and character devices such as /dev/stdout.
  bool seekable() const { return seekable_; }
  /// Since this object was made (/metrics): bytes it wrote (by write or
  /// splice) and rotations it began (rotate(), size or request).
  unsigned long long writtenTotal() const { return written_total_; }
  unsigned long long rotations() const { return rotations_; }
  /// A re-exec's new image carries on the old image's totals.
  void carryOverTotals(unsigned long long written, unsigned long long rotations) {
    written_total_ += written;
    rotations_ += rotations;
  }

 private:
  std::string path_;
  long long maxbytes_;
  int backups_;
  LogRegistry* registry_;  // may be null: then nobody can look this file up
  int fd_ = -1;
  long long size_ = 0;
  bool seekable_ = true;
  /// The file ends with '\n' (or is empty): rotating now tears no line.
  bool at_line_start_ = true;
  /// rotateSoon() was called mid-line: rotate after the next newline.
  bool rotate_due_ = false;
  /// at_line_start_ holds; false after a splice (read back when needed).
  bool tail_known_ = true;
  /// lineStart(), or -1 when unknown (after a splice).
  long long line_start_ = 0;
  /// fd_ has O_APPEND (splice(2) refuses it; write() wants it so an external
  /// `logrotate copytruncate` or a second writer never leaves a hole).
  bool append_ = true;
  unsigned long long written_total_ = 0;
  unsigned long long rotations_ = 0;

  /// Does the file end with '\n' (or is it empty)? Reads the last byte back
  /// when splices made it unknown.
  bool atLineStart();
  /// Where the file's last, unfinished line begins (size_ if it ends with a
  /// newline). Read back from the file when splices made it unknown, at most
  /// maxbytes + 1 bytes back: all write() needs to know is whether that line
  /// has reached maxbytes.
  long long lineStart();
  /// Bookkeeping for bytes just appended (size_ already counts them).
  void appended(std::string_view bytes);
  /// rename(from, to) as Supervisor's doRollover does it: an existing `to`
  /// is removed first, and a missing `from` is no error.
  static void shiftBackup(const std::string& from, const std::string& to);
  bool setAppend(bool on);
  bool writeAll(std::string_view data, size_t* written);
  /// Tell the followers of this path (tail -f) about new bytes / a new file.
  void publish(std::string_view data);
  void replaced();
};

}  // namespace sup
