#include "supervisord/listener_registry.h"

#include <unistd.h>

#include <algorithm>

namespace sup {

void ListenerRegistry::add(const std::string& address, int fd) {
  remove(fd);
  open_.push_back(handover::Listener{fd, address});
}

void ListenerRegistry::remove(int fd) {
  open_.erase(std::remove_if(open_.begin(), open_.end(),
                             [fd](const handover::Listener& l) { return l.fd == fd; }),
              open_.end());
}

void ListenerRegistry::inherit(std::vector<handover::Listener> listeners) {
  inherited_ = std::move(listeners);
}

int ListenerRegistry::takeInherited(const std::string& address) {
  auto it = std::find_if(inherited_.begin(), inherited_.end(),
                         [&](const handover::Listener& l) { return l.address == address; });
  if (it == inherited_.end()) return -1;
  int fd = it->fd;
  inherited_.erase(it);
  return fd;
}

std::vector<std::string> ListenerRegistry::closeUnclaimed() {
  std::vector<std::string> out;
  for (const auto& l : inherited_) {
    ::close(l.fd);
    if (l.address.rfind("unix:", 0) == 0) ::unlink(l.address.substr(5).c_str());
    out.push_back(l.address);
  }
  inherited_.clear();
  return out;
}

ListenerRegistry& listenerRegistry() {
  static ListenerRegistry registry;
  return registry;
}

std::string unixListenerAddress(const std::string& path) {
  return "unix:" + path;
}

}  // namespace sup
