#include "logsearch/log_follow.h"

#include <poll.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <set>
#include <string>

namespace sup {

namespace {

std::string directoryOf(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

// Reads what is new in one followed file and notices rotation or truncation.
void catchUp(ScanContext& ctx, FollowTarget& target) {
  if (!target.scanner->isOpen()) {
    if (!target.scanner->open()) return;  // not created yet
  }
  target.scanner->readAvailable(false);
  struct stat open_st {}, path_st {};
  if (::fstat(target.scanner->fd(), &open_st) != 0) return;
  bool replaced = ::stat(target.scanner->path().c_str(), &path_st) == 0 &&
                  (path_st.st_ino != open_st.st_ino || path_st.st_dev != open_st.st_dev);
  if (replaced) {
    // Rotated: finish the old file (now path.1), then read the new one.
    target.scanner->readAvailable(false);
    target.scanner->finishPartialLine();
    std::string path = target.scanner->path();
    target.scanner = std::make_unique<FileScanner>(ctx, *target.tally, path);
    if (target.scanner->open()) target.scanner->readAvailable(false);
  } else if (static_cast<std::uint64_t>(open_st.st_size) < target.scanner->offset()) {
    target.scanner->restartFromBeginning();
    target.scanner->readAvailable(false);
  }
}

}  // namespace

void followLogs(ScanContext& ctx, std::vector<FollowTarget>& targets, int stop_fd) {
  int inotify_fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (inotify_fd >= 0) {
    std::set<std::string> dirs;
    for (const auto& t : targets) dirs.insert(directoryOf(t.scanner->path()));
    for (const auto& dir : dirs) {
      ::inotify_add_watch(inotify_fd, dir.c_str(),
                          IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE |
                              IN_CLOSE_WRITE | IN_ATTRIB);
    }
  }
  while (true) {
    // Watches are in place before we read, so no write can slip between.
    bool any_left = false;
    for (auto& target : targets) {
      if (target.tally->done) continue;
      catchUp(ctx, target);
      any_left = any_left || !target.tally->done;
    }
    ctx.output.flush();
    if (!any_left) break;
    pollfd fds[2] = {{inotify_fd, POLLIN, 0}, {stop_fd, POLLIN, 0}};
    // Without inotify (instance limit reached) fall back to checking twice a second.
    int rc = ::poll(fds, 2, inotify_fd >= 0 ? -1 : 500);
    if (rc < 0 && errno != EINTR) break;
    if (stop_fd >= 0 && (fds[1].revents & (POLLIN | POLLHUP))) break;
    if (inotify_fd >= 0 && (fds[0].revents & POLLIN)) {
      alignas(inotify_event) char events[16 * 1024];
      while (::read(inotify_fd, events, sizeof events) > 0) {
      }
    }
  }
  if (inotify_fd >= 0) ::close(inotify_fd);
}

}  // namespace sup
