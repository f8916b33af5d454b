// The Supervisor's side of [fcgi-program:x] pools (process.py's
// FastCGIProcessGroup and FastCGISubprocess): each such group owns a
// FcgiSocketManager, probed when the group is created; a process takes a
// reference just before it spawns and hands the socket to the child as fd 0;
// the reference goes back when the child is reaped (supervisor.cc).
#include <algorithm>

#include "supervisord/main_log.h"
#include "supervisord/supervisor.h"
#include "supervisord/supervisor_internal.h"

namespace sup {

void Supervisor::setSocketOpener(std::unique_ptr<ListeningSocketOpener> opener) {
  socket_opener_ = std::move(opener);
}

std::unique_ptr<FcgiSocketManager> Supervisor::makeFcgiSocket(const FcgiSocketConfig& config) {
  MainLog* log = &log_;
  auto manager = std::make_unique<FcgiSocketManager>(
      config, *socket_opener_,
      [log](LogLevel level, const std::string& line) { log->log(level, line); });
  // After a re-exec the previous image's socket is still bound, and the
  // pool's children still accept on it: take it over rather than probe,
  // which would replace a unix socket's file under them.
  if (manager->adoptInherited()) return manager;
  // Supervisor creates the socket when it creates the group, "to fail
  // early", and closes it at once. It then dies (at start-up) or fails the
  // update with a traceback; we log the reason and keep the group: each
  // start of its processes retries and fails as a spawn error.
  if (auto error = manager->probe()) log_.error(*error);
  return manager;
}

void Supervisor::prepareFcgiSockets() {
  std::vector<const GroupConfig*> order;
  for (const auto& g : config_->groups)
    if (!g.shadowed && g.kind == GroupConfig::Kind::FcgiProgram && g.socket) order.push_back(&g);
  std::stable_sort(order.begin(), order.end(), [](const GroupConfig* a, const GroupConfig* b) {
    return a->priority < b->priority;
  });
  for (const GroupConfig* g : order) prepared_sockets_[g->name] = makeFcgiSocket(*g->socket);
}

void Supervisor::attachFcgiSocket(Group& g) {
  if (g.config->kind != GroupConfig::Kind::FcgiProgram || !g.config->socket) return;
  auto prepared = prepared_sockets_.find(g.config->name);
  if (prepared != prepared_sockets_.end() && prepared->second->config() == *g.config->socket) {
    g.fcgi_socket = std::move(prepared->second);
    prepared_sockets_.erase(prepared);
  } else {
    g.fcgi_socket = makeFcgiSocket(*g.config->socket);
  }
  for (auto& p : g.processes) p->fcgi_socket = g.fcgi_socket.get();
}

void Supervisor::adoptFcgiLeases(Group& g) {
  if (!g.fcgi_socket) return;
  // Each live adopted child holds the socket as its fd 0, as it did in the
  // previous image: it holds a reference here too, given back when reaped.
  for (auto& p : g.processes) {
    if (p->machine.pid() == 0) continue;
    if (auto lease = g.fcgi_socket->acquire()) p->socket_lease = std::move(*lease);
  }
  g.fcgi_socket->closeIfUnreferenced();
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
