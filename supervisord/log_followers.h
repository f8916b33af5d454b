// Who follows which log file (supervisor.tail*LogFollow). RotatingFile
// publishes every chunk it writes, and every rotation, clear or reopen, to
// the followers of its path, so a follower sees new output the moment the
// daemon writes it: no inotify, no polling. Part of the daemon's LogRegistry.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace sup {

class LogFollowers {
 public:
  /// data: bytes just appended; truncated: the file was replaced or emptied
  /// (rotation, clear, reopen) and what follows starts a new file; eof: no
  /// one writes the file any more (its process group was removed, or the
  /// daemon is stopping), the last call for this follower.
  using Sink = std::function<void(std::string_view data, bool truncated, bool eof)>;

  std::uint64_t subscribe(std::string path, Sink sink);
  void unsubscribe(std::uint64_t id);
  /// Cheap check for the write path: anyone following anything?
  bool any() const { return !followers_.empty(); }

  void published(const std::string& path, std::string_view data) {
    deliver(path, data, false, false);
  }
  void truncated(const std::string& path) { deliver(path, {}, true, false); }
  /// The last writer of `path` is gone: tell its followers and drop them.
  void ended(const std::string& path);

 private:
  struct Follower {
    std::string path;
    Sink sink;
  };
  void deliver(const std::string& path, std::string_view data, bool truncated, bool eof);

  std::map<std::uint64_t, Follower> followers_;
  std::uint64_t next_id_ = 1;
};

}  // namespace sup
