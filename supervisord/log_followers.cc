#include "supervisord/log_followers.h"

#include <vector>

namespace sup {

std::uint64_t LogFollowers::subscribe(std::string path, Sink sink) {
  std::uint64_t id = next_id_++;
  followers_.emplace(id, Follower{std::move(path), std::move(sink)});
  return id;
}

void LogFollowers::unsubscribe(std::uint64_t id) {
  followers_.erase(id);
}

void LogFollowers::ended(const std::string& path) {
  deliver(path, {}, false, true);
  for (auto it = followers_.begin(); it != followers_.end();) {
    it = it->second.path == path ? followers_.erase(it) : std::next(it);
  }
}

void LogFollowers::deliver(const std::string& path, std::string_view data, bool truncated,
                           bool eof) {
  if (followers_.empty()) return;
  // A sink may unsubscribe itself or others (a connection closing on
  // overflow): collect the ids first and look each up again before calling.
  std::vector<std::uint64_t> ids;
  for (const auto& [id, f] : followers_)
    if (f.path == path) ids.push_back(id);
  for (std::uint64_t id : ids) {
    auto it = followers_.find(id);
    if (it == followers_.end()) continue;
    Sink sink = it->second.sink;  // the call may erase the entry
    sink(data, truncated, eof);
  }
}

}  // namespace sup
