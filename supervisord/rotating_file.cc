#include "supervisord/rotating_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include "supervisord/log_registry.h"

namespace sup {

RotatingFile::RotatingFile(std::string path, long long maxbytes, int backups, LogRegistry* registry)
    : path_(std::move(path)), maxbytes_(maxbytes), backups_(backups), registry_(registry) {
  if (registry_) registry_->files.add(this);
}

RotatingFile::~RotatingFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!registry_) return;
  registry_->files.remove(this);
  // Its process (group) was removed, or the daemon is stopping: a tail -f
  // of this file ends, unless another stream still writes the same file.
  LogFollowers& followers = registry_->followers;
  if (followers.any() && registry_->files.at(path_).empty()) followers.ended(path_);
}

bool RotatingFile::open(std::string* error) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    if (error) *error = std::strerror(errno);
    return false;
  }
  struct stat st {};
  if (::fstat(fd_, &st) == 0) {
    // Only regular files can be measured and renamed; a pipe or a tty (for
    // /dev/stdout in a container) is written to and never rotated. Nor is a
    // name under /dev or /proc that leads to a regular file (/dev/stdout
    // when the daemon's stdout is redirected to a file): renaming it would
    // move the system's link, not rotate the log.
    bool device_name = path_.rfind("/dev/", 0) == 0 || path_.rfind("/proc/", 0) == 0;
    seekable_ = S_ISREG(st.st_mode) && !device_name;
    size_ = seekable_ ? st.st_size : 0;
  }
  rotate_due_ = false;
  append_ = true;
  // Appending to an earlier run's file: does it end mid-line?
  tail_known_ = false;
  line_start_ = size_ == 0 ? 0 : -1;
  atLineStart();
  return true;
}

bool RotatingFile::atLineStart() {
  if (tail_known_) return at_line_start_;
  tail_known_ = true;
  at_line_start_ = true;
  if (size_ <= 0) return true;
  int rfd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  char last = '\n';
  if (rfd >= 0) {
    if (::pread(rfd, &last, 1, size_ - 1) == 1) at_line_start_ = last == '\n';
    ::close(rfd);
  }
  return at_line_start_;
}

bool RotatingFile::setAppend(bool on) {
  if (append_ == on) return true;
  int flags = ::fcntl(fd_, F_GETFL);
  if (flags < 0) return false;
  flags = on ? flags | O_APPEND : flags & ~O_APPEND;
  if (::fcntl(fd_, F_SETFL, flags) < 0) return false;
  append_ = on;
  return true;
}

long long RotatingFile::lineStart() {
  if (line_start_ >= 0) return line_start_;
  // Only bytes that arrived by splice are unknown; look for their last
  // newline, back from the end of the file, no further than maxbytes + 1
  // bytes: a line found to reach that far is cut anyway.
  long long floor = maxbytes_ > 0 ? std::max(0LL, size_ - maxbytes_ - 1) : 0;
  line_start_ = size_;  // unreadable: as if the line began now (never tear)
  int rfd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (rfd < 0) return line_start_;
  std::vector<char> buf(64 * 1024);
  long long end = size_;
  while (true) {
    if (end <= floor) {
      line_start_ = floor;
      break;
    }
    size_t n = static_cast<size_t>(std::min<long long>(buf.size(), end - floor));
    if (::pread(rfd, buf.data(), n, end - static_cast<long long>(n)) != static_cast<ssize_t>(n))
      break;
    if (const void* nl = ::memrchr(buf.data(), '\n', n)) {
      line_start_ =
          end - static_cast<long long>(n) + (static_cast<const char*>(nl) - buf.data()) + 1;
      break;
    }
    end -= static_cast<long long>(n);
  }
  ::close(rfd);
  return line_start_;
}

void RotatingFile::appended(std::string_view bytes) {
  if (bytes.empty()) return;
  tail_known_ = true;
  at_line_start_ = bytes.back() == '\n';
  // From the end: in line-oriented output the last newline is a few bytes back.
  if (const void* nl = ::memrchr(bytes.data(), '\n', bytes.size())) {
    size_t after =
        bytes.size() - static_cast<size_t>(static_cast<const char*>(nl) - bytes.data()) - 1;
    line_start_ = size_ - static_cast<long long>(after);
  }
}

RotatingFile::Spliced RotatingFile::spliceFrom(int pipe_fd, size_t max) {
  if (fd_ < 0 || !seekable_ || rotate_due_) return {Spliced::NotNow};
  // Append at the file's real end, as O_APPEND would: a second writer or an
  // external truncation (logrotate copytruncate) may have moved it.
  struct stat st {};
  if (::fstat(fd_, &st) == 0 && st.st_size != size_) {
    size_ = st.st_size;
    tail_known_ = false;
    line_start_ = -1;
  }
  if (maxbytes_ > 0) {
    // The last kBoundaryWindow bytes before maxbytes go through write().
    long long room = maxbytes_ - size_ - kBoundaryWindow;
    if (room <= 0) return {Spliced::NotNow};
    if (static_cast<long long>(max) > room) max = static_cast<size_t>(room);
  }
  if (!setAppend(false)) return {Spliced::Failed};
  loff_t off = size_;
  ssize_t n = ::splice(pipe_fd, nullptr, fd_, &off, max, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
  if (n < 0) return {errno == EAGAIN ? Spliced::Empty : Spliced::Failed};
  if (n == 0) return {Spliced::Eof};
  size_ += n;
  written_total_ += static_cast<unsigned long long>(n);
  tail_known_ = false;
  line_start_ = -1;
  return {Spliced::Moved, static_cast<size_t>(n), max};
}

void RotatingFile::publish(std::string_view data) {
  if (registry_ && registry_->followers.any()) registry_->followers.published(path_, data);
}

void RotatingFile::replaced() {
  if (registry_ && registry_->followers.any()) registry_->followers.truncated(path_);
}

bool RotatingFile::writeAll(std::string_view data, size_t* written) {
  const char* p = data.data();
  size_t left = data.size();
  while (left > 0) {
    ssize_t n = ::write(fd_, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      size_t done = data.size() - left;
      if (written) *written += done;
      if (done > 0) {
        appended(data.substr(0, done));
        publish(data.substr(0, done));
      }
      errno = err;
      return false;
    }
    p += n;
    left -= static_cast<size_t>(n);
    size_ += n;
    written_total_ += static_cast<unsigned long long>(n);
  }
  if (written) *written += data.size();
  if (!data.empty()) {
    appended(data);
    publish(data);
  }
  return true;
}

bool RotatingFile::write(std::string_view data, size_t* written) {
  if (written) *written = 0;
  if (fd_ < 0 && !open()) return false;
  if (!append_ && !setAppend(true)) return false;
  if (!seekable_) return writeAll(data, written);
  if (rotate_due_ && (maxbytes_ <= 0 || size_ < maxbytes_)) {
    // A rotation was asked for mid-line: this file takes the end of that
    // line, the new file what follows. (Past maxbytes the rules below apply.)
    auto* nl = static_cast<const char*>(std::memchr(data.data(), '\n', data.size()));
    size_t cut = nl ? static_cast<size_t>(nl - data.data()) + 1 : data.size();
    if (!writeAll(data.substr(0, cut), written)) return false;
    data.remove_prefix(cut);
    if (!nl) return true;
    if (!rotate() && !data.empty()) return false;
  }
  if (maxbytes_ <= 0) return writeAll(data, written);
  while (!data.empty()) {
    long long room = maxbytes_ - size_;
    if (room > static_cast<long long>(data.size())) return writeAll(data, written);
    // A rotation is due within this chunk: the old file takes the lines
    // that fit, the new one the rest.
    size_t window = room > 0 ? static_cast<size_t>(room) : 0;
    size_t cut;
    bool rotate_after = true;
    if (auto* last = static_cast<const char*>(::memrchr(data.data(), '\n', window))) {
      cut = static_cast<size_t>(last - data.data()) + 1;
    } else if (size_ > 0 && atLineStart() && rotate() && size_ == 0) {
      continue;  // no whole line fits: the next one starts the new file
    } else if (auto* first =
                   static_cast<const char*>(std::memchr(data.data(), '\n', data.size()))) {
      // An empty file, or a line already begun in this one: finish the
      // line here, however long, then rotate.
      cut = static_cast<size_t>(first - data.data()) + 1;
    } else {
      // Its end has not come yet: wait for it (the next write finishes it
      // here), unless the line already holds maxbytes bytes.
      cut = data.size();
      rotate_after = size_ + static_cast<long long>(cut) - lineStart() >= maxbytes_;
    }
    if (!writeAll(data.substr(0, cut), written)) return false;
    data.remove_prefix(cut);
    if (rotate_after) rotate();
  }
  return true;
}

void RotatingFile::shiftBackup(const std::string& from, const std::string& to) {
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return;
  if (errno == ENOENT) return;  // no such backup yet
  // Removing first, as Supervisor does, also spares the daemon ext4's
  // flush of a file renamed over another one (auto_da_alloc).
  if (errno == EEXIST) ::unlink(to.c_str());
  ::rename(from.c_str(), to.c_str());  // EINVAL above: no RENAME_NOREPLACE here
}

bool RotatingFile::rotate() {
  if (!seekable_) return true;
  rotate_due_ = false;
  ++rotations_;
  if (backups_ > 0) {
    std::string stem = path_ + ".";
    for (int i = backups_ - 1; i >= 1; --i)
      shiftBackup(stem + std::to_string(i), stem + std::to_string(i + 1));
    shiftBackup(path_, stem + "1");
    bool ok = open();
    replaced();
    return ok;
  }
  if (fd_ < 0) return false;
  // No backups: keep the name, drop the content.
  if (::ftruncate(fd_, 0) != 0) return false;
  size_ = 0;
  at_line_start_ = true;
  tail_known_ = true;
  line_start_ = 0;
  replaced();
  return true;
}

bool RotatingFile::rotateSoon() {
  if (fd_ < 0 && !open()) return false;
  if (!seekable_ || size_ == 0) return true;
  if (!atLineStart()) {
    rotate_due_ = true;
    return true;
  }
  return rotate();
}

bool RotatingFile::reopen() {
  bool ok = open();
  replaced();
  return ok;
}

bool RotatingFile::clear() {
  // Never unlink a device or a pipe (logfile=/dev/stdout): just reopen it.
  if (!seekable_) return open();
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
  if (::unlink(path_.c_str()) < 0 && errno != ENOENT) return false;
  bool ok = open();
  replaced();
  return ok;
}

}  // namespace sup
