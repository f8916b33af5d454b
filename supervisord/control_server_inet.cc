// The TCP side of the control server ([inet_http_server]): the same
// protocols as the Unix socket, on host:port. There are no peer credentials
// on TCP, so the section's username/password are the only guard, and a
// server any other machine could reach is refused without them (the road to
// CVE-2019-12105, where an open port meant remote command execution, stays
// closed).
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "supervisord/control_server.h"
#include "supervisord/listener_registry.h"

namespace sup {

bool inetNeedsPassword(std::uint32_t ipv4_host_order) {
  return (ipv4_host_order >> 24) != 127;
}

Error inetWithoutPasswordError(const InetEndpoint& e) {
  std::string where = (e.host.empty() ? std::string("*") : e.host) + ":" + std::to_string(e.port);
  return Error{"[" + e.section + "] port=" + where +
               " accepts connections from other machines, and it has no password: anyone who "
               "reaches it could run any command as this daemon's user. Set username= and "
               "password= in [" +
               e.section + "], or listen on this machine only (port=127.0.0.1:" +
               std::to_string(e.port) + ")."};
}

Status ControlServer::openInet() {
  const InetEndpoint& ep = *options_.inet;
  // After a re-exec the previous image's TCP socket is still listening.
  if (int fd = listenerRegistry().takeInherited(listenerAddress()); fd >= 0) {
    ::fcntl(fd, F_SETFD, FD_CLOEXEC);
    return listenOn(fd);
  }
  addrinfo hints{};
  hints.ai_family = AF_INET;  // Supervisor's inet server is IPv4, host "" any interface
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* found = nullptr;
  std::string port = std::to_string(ep.port);
  int rc = ::getaddrinfo(ep.host.empty() ? nullptr : ep.host.c_str(), port.c_str(), &hints, &found);
  if (rc != 0 || found == nullptr) {
    // Python's socket.gaierror carries the same (negative) EAI_ code.
    return Error{"Cannot open an HTTP server: socket.error reported " + std::to_string(rc)};
  }
  sockaddr_in addr{};
  std::memcpy(&addr, found->ai_addr, sizeof addr);
  ::freeaddrinfo(found);
  if (inetNeedsPassword(ntohl(addr.sin_addr.s_addr)) && !options_.password) {
    return inetWithoutPasswordError(ep);
  }
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return socketError(errno);
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);  // as medusa does
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0 || ::listen(fd, 1024) < 0) {
    int err = errno;
    ::close(fd);
    return socketError(err);
  }
  return listenOn(fd);
}

std::string ControlServer::inetPeerAddress(const sockaddr_storage& from) {
  if (from.ss_family != AF_INET) return "tcp";
  const auto& in = reinterpret_cast<const sockaddr_in&>(from);
  char text[INET_ADDRSTRLEN] = "?";
  ::inet_ntop(AF_INET, &in.sin_addr, text, sizeof text);
  return std::string(text) + ":" + std::to_string(ntohs(in.sin_port));
}

void ControlServer::tuneInetConnection(int fd) {
  // Replies are written whole; a stream's small chunks must not wait for
  // the client's delayed ACK.
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

}  // namespace sup
