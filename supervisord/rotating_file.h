// A size-rotating append-only file with Supervisor's naming: after a write
// leaves the file at >= maxbytes, f.(n-1) -> f.n, ..., f -> f.1 and f is
// reopened empty. Used by the main log and by every child log.
#pragma once

#include <string>
#include <string_view>

namespace sup {

class RotatingFile {
 public:
  /// maxbytes 0 = never rotate; backups 0 = truncate instead of renaming.
  RotatingFile(std::string path, long long maxbytes, int backups);
  ~RotatingFile();
  RotatingFile(const RotatingFile&) = delete;
  RotatingFile& operator=(const RotatingFile&) = delete;

  /// Open (create, append) the file. Returns an errno-style message on failure.
  bool open(std::string* error = nullptr);
  bool isOpen() const { return fd_ >= 0; }
  /// Append all of `data` (retrying short writes and EINTR), then rotate if
  /// the file reached maxbytes. Returns false if the write failed.
  bool write(std::string_view data);
  /// Close and open again by name (after an external logrotate; SIGUSR2).
  bool reopen();
  /// Remove the file and reopen it empty; backups are kept (Supervisor's clear).
  bool clear();
  /// Rename the chain and start an empty file now.
  void rotate();

  const std::string& path() const { return path_; }
  /// Bytes in the current file as far as this writer knows.
  long long size() const { return size_; }
  /// False for pipes, ttys and character devices such as /dev/stdout.
  bool seekable() const { return seekable_; }

 private:
  std::string path_;
  long long maxbytes_;
  int backups_;
  int fd_ = -1;
  long long size_ = 0;
  bool seekable_ = true;
};

}  // namespace sup
