// Reference counting of an fcgi-program pool's socket (see
// fcgi_socket_manager.h): socket_manager.py's ReferenceCounter and
// SocketManager, with its log lines.
#include "supervisord/fcgi_socket_manager.h"

#include <utility>

namespace sup {

FcgiSocketManager::Lease::Lease(Lease&& other) noexcept
    : manager_(std::exchange(other.manager_, nullptr)) {}

FcgiSocketManager::Lease& FcgiSocketManager::Lease::operator=(Lease&& other) noexcept {
  if (this != &other) {
    reset();
    manager_ = std::exchange(other.manager_, nullptr);
  }
  return *this;
}

int FcgiSocketManager::Lease::fd() const {
  return manager_ ? manager_->listeningFd() : -1;
}

void FcgiSocketManager::Lease::reset() {
  if (FcgiSocketManager* m = std::exchange(manager_, nullptr)) m->release();
}

FcgiSocketManager::FcgiSocketManager(FcgiSocketConfig config, ListeningSocketOpener& opener,
                                     LogFn log)
    : config_(std::move(config)), opener_(opener), log_(std::move(log)) {}

FcgiSocketManager::~FcgiSocketManager() {
  if (fd_ >= 0) opener_.close(fd_);
}

Result<FcgiSocketManager::Lease> FcgiSocketManager::acquire() {
  if (references_ == 0 && fd_ < 0) {
    // Supervisor logs the attempt before it binds, and nothing after a
    // failure: the caller reports the error (as a spawn error).
    log_(LogLevel::Info, "Creating socket " + config_.url);
    auto fd = opener_.open(config_);
    if (!fd)
      return Error{"Could not create FastCGI socket " + config_.url + ": " + fd.error().message};
    fd_ = *fd;
  }
  ++references_;
  return Lease(this);
}

std::optional<std::string> FcgiSocketManager::probe() {
  auto lease = acquire();
  if (!lease) return lease.error().message;
  return std::nullopt;  // the lease goes out of scope here: the socket closes
}

bool FcgiSocketManager::adoptInherited() {
  if (fd_ >= 0) return false;
  fd_ = opener_.inherited(config_);
  return fd_ >= 0;
}

void FcgiSocketManager::closeIfUnreferenced() {
  if (references_ > 0 || fd_ < 0) return;
  opener_.close(fd_);
  fd_ = -1;
}

void FcgiSocketManager::release() {
  if (references_ == 0) return;
  if (--references_ > 0) return;
  log_(LogLevel::Info, "Closing socket " + config_.url);
  opener_.close(fd_);
  fd_ = -1;
}

}  // namespace sup
