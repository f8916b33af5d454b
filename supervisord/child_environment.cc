#include "supervisord/child_environment.h"

#include <cstring>
#include <string_view>
#include <unordered_map>

namespace sup {

namespace {

// A dict of NAME -> "NAME=value" in insertion order.
class OrderedEnv {
 public:
  void set(std::string_view name, std::string_view value) {
    std::string entry;
    entry.reserve(name.size() + 1 + value.size());
    entry.append(name).append("=").append(value);
    auto [it, inserted] = index_.try_emplace(std::string(name), entries_.size());
    if (inserted) {
      entries_.push_back(std::move(entry));
    } else {
      entries_[it->second] = std::move(entry);
    }
  }
  std::vector<std::string> take() { return std::move(entries_); }

 private:
  std::vector<std::string> entries_;
  std::unordered_map<std::string, size_t> index_;
};

}  // namespace

std::vector<std::string> childEnvironment(const char* const* inherited, const ProcessConfig& config,
                                          const std::string& server_url,
                                          const std::map<std::string, std::string>& extra) {
  OrderedEnv env;
  for (const char* const* e = inherited; e && *e; ++e) {
    const char* eq = std::strchr(*e, '=');
    if (!eq) continue;
    env.set(std::string_view(*e, static_cast<size_t>(eq - *e)), eq + 1);
  }
  env.set("SUPERVISOR_ENABLED", "1");
  const std::string& url = config.serverurl ? *config.serverurl : server_url;
  if (!url.empty()) env.set("SUPERVISOR_SERVER_URL", url);
  env.set("SUPERVISOR_PROCESS_NAME", config.name);
  env.set("SUPERVISOR_GROUP_NAME", config.group);
  for (const auto& [name, value] : config.environment) env.set(name, value);
  for (const auto& [name, value] : extra) env.set(name, value);
  return env.take();
}

}  // namespace sup
