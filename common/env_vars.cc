#include "common/env_vars.h"

#include <stdexcept>

namespace sup {

void EnvVars::set(const std::string& key, std::string value) {
  for (Entry& e : entries_) {
    if (e.first == key) {
      e.second = std::move(value);
      return;
    }
  }
  entries_.emplace_back(key, std::move(value));
}

const std::string* EnvVars::find(std::string_view key) const {
  // Linear: an environment= line holds a handful of names.
  for (const Entry& e : entries_) {
    if (e.first == key) return &e.second;
  }
  return nullptr;
}

const std::string& EnvVars::at(std::string_view key) const {
  if (const std::string* v = find(key)) return *v;
  throw std::out_of_range("EnvVars::at: no " + std::string(key));
}

void EnvVars::update(const EnvVars& other) {
  for (const Entry& e : other.entries_) set(e.first, e.second);
}

bool EnvVars::operator==(const EnvVars& other) const {
  if (size() != other.size()) return false;
  for (const Entry& e : entries_) {
    const std::string* v = other.find(e.first);
    if (!v || *v != e.second) return false;
  }
  return true;
}

}  // namespace sup
