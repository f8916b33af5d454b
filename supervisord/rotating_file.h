// A size-rotating append-only file with Supervisor's naming: when a write
// brings the file to >= maxbytes, f.(n-1) -> f.n, ..., f -> f.1 and f is
// reopened empty. Unlike Supervisor, a rotation never tears a line: the
// bytes up to the last newline that fits go to the old file, the rest to
// the new one (a line longer than maxbytes may span files). Used by the
// main log and by every child log.
#pragma once

#include <cstddef>
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
  /// Append all of `data` (retrying short writes and EINTR), rotating at a
  /// line boundary when the file reaches maxbytes. Returns false if a write
  /// failed; `*written` (if given) then says how many bytes of `data` are
  /// in a file, so the caller can keep the rest.
  bool write(std::string_view data, size_t* written = nullptr);
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
  /// The file ends with '\n' (or is empty): rotating now tears no line.
  bool at_line_start_ = true;

  bool writeAll(std::string_view data, size_t* written);
  /// Tell the followers of this path (tail -f) about new bytes / a new file.
  void publish(std::string_view data);
  void replaced();
};

}  // namespace sup
