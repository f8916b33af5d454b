#include "supervisord/rotating_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace sup {

RotatingFile::RotatingFile(std::string path, long long maxbytes, int backups)
    : path_(std::move(path)), maxbytes_(maxbytes), backups_(backups) {}

RotatingFile::~RotatingFile() {
  if (fd_ >= 0) ::close(fd_);
}

bool RotatingFile::open(std::string* error) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    if (error) *error = std::strerror(errno);
    return false;
  }
  struct stat st{};
  if (::fstat(fd_, &st) == 0) {
    // Only regular files can be measured and renamed; a pipe or a tty (for
    // /dev/stdout in a container) is written to and never rotated.
    seekable_ = S_ISREG(st.st_mode);
    size_ = seekable_ ? st.st_size : 0;
  }
  return true;
}

bool RotatingFile::write(std::string_view data) {
  if (fd_ < 0 && !open()) return false;
  const char* p = data.data();
  size_t left = data.size();
  while (left > 0) {
    ssize_t n = ::write(fd_, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    p += n;
    left -= static_cast<size_t>(n);
    size_ += n;
  }
  if (seekable_ && maxbytes_ > 0 && size_ >= maxbytes_) rotate();
  return true;
}

void RotatingFile::rotate() {
  if (!seekable_) return;
  if (backups_ > 0) {
    for (int i = backups_ - 1; i >= 1; --i) {
      std::string from = path_ + "." + std::to_string(i);
      std::string to = path_ + "." + std::to_string(i + 1);
      if (::access(from.c_str(), F_OK) == 0) ::rename(from.c_str(), to.c_str());
    }
    ::rename(path_.c_str(), (path_ + ".1").c_str());
    open();
  } else if (fd_ >= 0) {
    // No backups: keep the name, drop the content.
    if (::ftruncate(fd_, 0) == 0) size_ = 0;
  }
}

bool RotatingFile::reopen() { return open(); }

bool RotatingFile::clear() {
  // Never unlink a device or a pipe (logfile=/dev/stdout): just reopen it.
  if (!seekable_) return open();
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
  if (::unlink(path_.c_str()) < 0 && errno != ENOENT) return false;
  return open();
}

}  // namespace sup
