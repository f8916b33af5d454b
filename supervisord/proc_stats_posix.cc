#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <charconv>
#include <cstdio>
#include <cstring>

#include "supervisord/proc_stats.h"

namespace sup {

std::optional<ProcStats> parseProcStat(std::string_view line, long clock_ticks, long page_size) {
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so
  // the fields are counted from the last ')'.
  std::size_t close = line.rfind(')');
  if (close == std::string_view::npos || clock_ticks <= 0) return std::nullopt;
  std::string_view rest = line.substr(close + 1);
  unsigned long long utime = 0, stime = 0;
  long long rss = 0;
  int field = 2;  // the ')' ends field 2
  std::size_t i = 0;
  bool got_rss = false;
  while (i < rest.size() && !got_rss) {
    while (i < rest.size() && rest[i] == ' ') ++i;
    std::size_t end = rest.find(' ', i);
    if (end == std::string_view::npos) end = rest.size();
    if (end == i) break;
    ++field;
    const char* b = rest.data() + i;
    const char* e = rest.data() + end;
    if (field == 14 && std::from_chars(b, e, utime).ec != std::errc()) return std::nullopt;
    if (field == 15 && std::from_chars(b, e, stime).ec != std::errc()) return std::nullopt;
    if (field == 24) {
      if (std::from_chars(b, e, rss).ec != std::errc()) return std::nullopt;
      got_rss = true;
    }
    i = end;
  }
  if (!got_rss) return std::nullopt;
  ProcStats s;
  s.cpu_seconds = static_cast<double>(utime + stime) / static_cast<double>(clock_ticks);
  s.rss_bytes =
      rss > 0 ? static_cast<std::uint64_t>(rss) * static_cast<std::uint64_t>(page_size) : 0;
  return s;
}

namespace {

std::optional<std::uint64_t> countFds(int proc_fd, const char* dir_path) {
  // Since Linux 6.2 the size of /proc/PID/fd is its number of entries: one
  // stat() instead of reading the directory.
  struct stat st {};
  if (::fstatat(proc_fd, dir_path, &st, 0) != 0) return std::nullopt;
  if (st.st_size > 0) return static_cast<std::uint64_t>(st.st_size);
  int dfd = ::openat(proc_fd, dir_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return std::nullopt;
  DIR* dir = ::fdopendir(dfd);
  if (!dir) {
    ::close(dfd);
    return std::nullopt;
  }
  std::uint64_t n = 0;
  while (const dirent* e = ::readdir(dir)) {
    if (e->d_name[0] != '.') ++n;
  }
  ::closedir(dir);
  return n;
}

}  // namespace

ProcDir::ProcDir() : fd_(::open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC)) {}

ProcDir::~ProcDir() {
  if (fd_ >= 0) ::close(fd_);
}

std::optional<ProcStats> ProcDir::read(pid_t pid, bool with_fds) const {
  static const long clock_ticks = ::sysconf(_SC_CLK_TCK);
  static const long page_size = ::sysconf(_SC_PAGESIZE);
  if (fd_ < 0) return std::nullopt;
  char path[32];
  if (pid == 0) {
    std::snprintf(path, sizeof path, "self/stat");
  } else {
    std::snprintf(path, sizeof path, "%d/stat", static_cast<int>(pid));
  }
  int fd = ::openat(fd_, path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  char buf[1024];
  ssize_t n = ::read(fd, buf, sizeof buf - 1);
  ::close(fd);
  if (n <= 0) return std::nullopt;
  auto stats =
      parseProcStat(std::string_view(buf, static_cast<std::size_t>(n)), clock_ticks, page_size);
  if (stats && with_fds) {
    std::size_t len = std::strlen(path);
    std::memcpy(path + len - 4, "fd", 3);  // "PID/stat" -> "PID/fd"
    stats->open_fds = countFds(fd_, path);
  }
  return stats;
}

}  // namespace sup
