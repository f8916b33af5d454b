#include "supervisord/rotating_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

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

RotatingFile::Spliced RotatingFile::spliceFrom(int pipe_fd, size_t max) {
  // Below this much room before maxbytes, write() takes over and rotates.
  constexpr long long kMinRoom = 64 * 1024;
  if (fd_ < 0 || !seekable_ || rotate_due_) return {Spliced::NotNow};
  // Append at the file's real end, as O_APPEND would: a second writer or an
  // external truncation (logrotate copytruncate) may have moved it.
  struct stat st {};
  if (::fstat(fd_, &st) == 0 && st.st_size != size_) {
    size_ = st.st_size;
    tail_known_ = false;
  }
  if (maxbytes_ > 0) {
    long long room = maxbytes_ - size_ - 1;
    if (room < kMinRoom) return {Spliced::NotNow};
    if (static_cast<long long>(max) > room) max = static_cast<size_t>(room);
  }
  if (!setAppend(false)) return {Spliced::Failed};
  loff_t off = size_;
  ssize_t n = ::splice(pipe_fd, nullptr, fd_, &off, max, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
  if (n < 0) return {errno == EAGAIN ? Spliced::Empty : Spliced::Failed};
  if (n == 0) return {Spliced::Eof};
  size_ += n;
  tail_known_ = false;
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
        at_line_start_ = p[-1] == '\n';
        publish(data.substr(0, done));
      }
      errno = err;
      return false;
    }
    p += n;
    left -= static_cast<size_t>(n);
    size_ += n;
  }
  if (written) *written += data.size();
  if (!data.empty()) {
    at_line_start_ = data.back() == '\n';
    publish(data);
  }
  return true;
}

bool RotatingFile::write(std::string_view data, size_t* written) {
  if (written) *written = 0;
  if (fd_ < 0 && !open()) return false;
  if (!append_ && !setAppend(true)) return false;
  if (!tail_known_) atLineStart();
  if (rotate_due_ && seekable_ && (maxbytes_ <= 0 || size_ < maxbytes_)) {
    // A rotation was asked for mid-line: this file takes the end of that
    // line, the new file what follows. (Past maxbytes the rules below apply.)
    size_t nl = data.find('\n');
    size_t cut = nl == std::string_view::npos ? data.size() : nl + 1;
    if (!writeAll(data.substr(0, cut), written)) return false;
    data.remove_prefix(cut);
    if (nl == std::string_view::npos) return true;
    if (!rotate() && !data.empty()) return false;
  }
  if (!seekable_ || maxbytes_ <= 0) return writeAll(data, written);
  while (!data.empty()) {
    long long room = maxbytes_ - size_;
    if (room > static_cast<long long>(data.size())) return writeAll(data, written);
    // A rotation is due within this chunk: the old file takes the lines
    // that fit, the new one the rest.
    size_t window = room > 0 ? static_cast<size_t>(room) : 0;
    size_t last_nl = window > 0 ? data.rfind('\n', window - 1) : std::string_view::npos;
    size_t cut;
    if (last_nl != std::string_view::npos) {
      cut = last_nl + 1;
    } else {
      if (size_ > 0 && at_line_start_) {
        rotate();
        if (size_ == 0) continue;  // the next line starts the new file
      }
      // An empty file, or a line already begun in this one: finish the line
      // here (a line longer than maxbytes spans), then rotate.
      size_t first_nl = data.find('\n');
      cut = first_nl == std::string_view::npos ? data.size() : first_nl + 1;
    }
    if (!writeAll(data.substr(0, cut), written)) return false;
    data.remove_prefix(cut);
    rotate();
  }
  return true;
}

bool RotatingFile::rotate() {
  if (!seekable_) return true;
  rotate_due_ = false;
  if (backups_ > 0) {
    for (int i = backups_ - 1; i >= 1; --i) {
      std::string from = path_ + "." + std::to_string(i);
      std::string to = path_ + "." + std::to_string(i + 1);
      if (::access(from.c_str(), F_OK) == 0) ::rename(from.c_str(), to.c_str());
    }
    ::rename(path_.c_str(), (path_ + ".1").c_str());
    bool ok = open();
    replaced();
    return ok;
  }
  if (fd_ < 0) return false;
  // No backups: keep the name, drop the content.
  if (::ftruncate(fd_, 0) != 0) return false;
  size_ = 0;
  at_line_start_ = true;
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
