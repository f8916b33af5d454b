// Environment variables as Supervisor keeps them: a Python dict, so the
// iteration order is the order keys were first set, and setting a key again
// replaces its value in place. The order reaches the child (Python builds its
// environment as os.environ, then these, in this order); equality ignores it,
// as dict equality does (a reordered environment= is not a config change).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sup {

class EnvVars {
 public:
  using Entry = std::pair<std::string, std::string>;

  /// D[key] = value: a new key goes last, an existing one keeps its place.
  void set(const std::string& key, std::string value);
  /// The value, or nullptr when the key is absent.
  const std::string* find(std::string_view key) const;
  /// The value; throws std::out_of_range when absent (as std::map::at).
  const std::string& at(std::string_view key) const;
  size_t count(std::string_view key) const { return find(key) ? 1 : 0; }
  /// D.update(other): other's keys in other's order.
  void update(const EnvVars& other);

  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  std::vector<Entry>::const_iterator begin() const { return entries_.begin(); }
  std::vector<Entry>::const_iterator end() const { return entries_.end(); }

  /// Same keys with the same values, in any order.
  bool operator==(const EnvVars& other) const;

 private:
  std::vector<Entry> entries_;
};

}  // namespace sup
