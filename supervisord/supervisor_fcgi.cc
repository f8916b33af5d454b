// The Supervisor's side of [fcgi-program:x] pools (process.py's
// FastCGIProcessGroup and FastCGISubprocess): each such group owns a
// FcgiSocketManager, probed when the group is created; a process takes a
// reference just before it spawns and hands the socket to the child as fd 0;
// the reference goes back when the child is reaped (supervisor.cc).
#include "supervisord/main_log.h"
#include "supervisord/supervisor.h"
#include "supervisord/supervisor_internal.h"

namespace sup {

void Supervisor::setSocketOpener(std::unique_ptr<ListeningSocketOpener> opener) {
  socket_opener_ = std::move(opener);
}

void Supervisor::attachFcgiSocket(Group& g) {
  if (g.config.kind != GroupConfig::Kind::FcgiProgram || !g.config.socket) return;
  MainLog* log = &log_;
  g.fcgi_socket = std::make_unique<FcgiSocketManager>(
      *g.config.socket, *socket_opener_,
      [log](LogLevel level, const std::string& line) { log->log(level, line); });
  for (auto& p : g.processes) p->fcgi_socket = g.fcgi_socket.get();
  // Supervisor creates the socket when it creates the group, "to fail
  // early", and closes it at once. It then dies (at start-up) or fails the
  // update with a traceback; we log the reason and keep the group: each
  // start of its processes retries and fails as a spawn error.
  if (auto error = g.fcgi_socket->probe()) log_.error(*error);
}

bool Supervisor::takeFcgiSocket(Process& p, SpawnRequest& req) {
  if (!p.fcgi_socket) return true;
  // The previous child's reference, when onExit respawned it at once: give
  // it back first, as Supervisor does when it reaps (the socket closes and
  // opens again if no other process of the pool holds it).
  p.socket_lease.reset();
  auto lease = p.fcgi_socket->acquire();
  if (!lease) {
    apply(p, p.machine.onSpawnError(lease.error().message, now()));
    return false;
  }
  p.socket_lease = std::move(*lease);
  req.stdin_socket = p.socket_lease.fd();
  return true;
}

}  // namespace sup
