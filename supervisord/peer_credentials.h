// Who is on the other end of a control connection: the kernel's
// SO_PEERCRED on the Unix socket, the address on TCP ([inet_http_server]).
#pragma once

#include <sys/types.h>

#include <string>

namespace sup {

struct PeerCredentials {
  pid_t pid = 0;
  uid_t uid = 0;
  gid_t gid = 0;
  /// "127.0.0.1:53412" on TCP, where pid/uid/gid are unknown; "" on Unix.
  std::string address;
};

/// For log lines: "pid 4242 uid 1000", or the TCP address.
inline std::string describePeer(const PeerCredentials& peer) {
  if (!peer.address.empty()) return peer.address;
  return "pid " + std::to_string(peer.pid) + " uid " + std::to_string(peer.uid);
}

}  // namespace sup
