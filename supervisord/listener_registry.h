// The daemon's listening sockets by address ("unix:/path", "inet:host:port"),
// for the re-exec: the old image hands over every socket registered here,
// and in the new image a server about to bind an address first takes the
// inherited socket for it, so that clients connecting during the exec wait
// in its backlog instead of being refused (docs/reexec.md). Process-wide
// like the fd table it mirrors; servers register what they open (the control
// socket now; the HTTP and fcgi sockets can do the same).
#pragma once

#include <string>
#include <vector>

#include "supervisord/handover_format.h"

namespace sup {

class ListenerRegistry {
 public:
  /// A server listens on `fd` at `address` / stopped listening on `fd`.
  void add(const std::string& address, int fd);
  void remove(int fd);
  /// Every listening socket, for the hand-over.
  const std::vector<handover::Listener>& all() const { return open_; }

  /// The new image, before any server opens: the previous image's sockets.
  void inherit(std::vector<handover::Listener> listeners);
  /// The inherited socket for `address` (now the caller's), or -1.
  int takeInherited(const std::string& address);
  /// Inherited sockets no server took (the config no longer has them):
  /// closed, and a Unix socket's file removed. Returns their addresses.
  std::vector<std::string> closeUnclaimed();

 private:
  std::vector<handover::Listener> open_;
  std::vector<handover::Listener> inherited_;
};

ListenerRegistry& listenerRegistry();

/// "unix:" + path, the address of a Unix socket.
std::string unixListenerAddress(const std::string& path);

}  // namespace sup
