// The listening socket an [fcgi-program:x] pool shares, reference-counted as
// Supervisor's socket_manager.py counts it: the first process that spawns
// creates it (replacing a stale socket file), each live child holds one
// reference until it is reaped, and the last release closes it (the socket
// file stays, as Supervisor leaves it). Every process of the pool gets the
// socket as its fd 0.
//
// This file is the decision logic only: when to open and close, the log
// lines and error texts. The system calls are behind ListeningSocketOpener
// (fcgi_socket_posix.cc), so the logic runs against a fake in unit tests.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "common/config_model.h"
#include "common/log_level.h"
#include "common/result.h"

namespace sup {

/// Creates and closes listening sockets (socket, bind, chown, chmod,
/// listen). The fd it returns is close-on-exec in the daemon.
class ListeningSocketOpener {
 public:
  virtual ~ListeningSocketOpener() = default;
  /// An Error carries the text of the exception Supervisor would see:
  /// "[Errno 98] Address already in use", "Could not change permissions of
  /// socket file: [Errno 1] Operation not permitted: '/x.sock'", ...
  virtual Result<int> open(const FcgiSocketConfig& config) = 0;
  virtual void close(int fd) = 0;
  /// After a re-exec: the socket the previous image listened on for this
  /// config, still open and still bound, or -1 when there is none.
  virtual int inherited(const FcgiSocketConfig& /*config*/) { return -1; }
};

/// The real one (fcgi_socket_posix.cc).
std::unique_ptr<ListeningSocketOpener> makePosixSocketOpener();

class FcgiSocketManager {
 public:
  using LogFn = std::function<void(LogLevel, const std::string&)>;

  /// One reference to the open socket; releases it when destroyed or reset.
  /// Move-only, so that each reference is released exactly once.
  class Lease {
   public:
    Lease() = default;
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&& other) noexcept;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() { reset(); }
    /// The listening socket's fd, or -1 for an empty lease.
    int fd() const;
    bool held() const { return manager_ != nullptr; }
    void reset();

   private:
    friend class FcgiSocketManager;
    explicit Lease(FcgiSocketManager* manager) : manager_(manager) {}
    FcgiSocketManager* manager_ = nullptr;
  };

  FcgiSocketManager(FcgiSocketConfig config, ListeningSocketOpener& opener, LogFn log);
  /// Closes a socket still open (without a log line: only a torn-down
  /// daemon gets here with references left). Leases must not outlive it.
  ~FcgiSocketManager();
  FcgiSocketManager(const FcgiSocketManager&) = delete;
  FcgiSocketManager& operator=(const FcgiSocketManager&) = delete;

  /// Take a reference; the first one creates the socket ("Creating socket
  /// <url>"). Error: "Could not create FastCGI socket <url>: <why>", and
  /// no reference is taken.
  Result<Lease> acquire();
  /// What Supervisor does when it creates the group, to fail early: take a
  /// reference and drop it at once (so, with no process running, the socket
  /// is created and closed again). Returns the error text if creating failed.
  std::optional<std::string> probe();

  /// After a re-exec: take the socket the previous image handed over, if
  /// any, instead of creating one. It stays open without a reference until
  /// the adopted children take theirs with acquire() (which then opens
  /// nothing and logs nothing); closeIfUnreferenced() closes it when none
  /// did. True when a socket was inherited.
  bool adoptInherited();
  void closeIfUnreferenced();

  /// The listening fd while the socket is open, else -1. The manager owns
  /// it; whoever keeps it open across an exec must go through here.
  int listeningFd() const { return fd_; }
  int references() const { return references_; }
  const FcgiSocketConfig& config() const { return config_; }

 private:
  void release();

  FcgiSocketConfig config_;
  ListeningSocketOpener& opener_;
  LogFn log_;
  int fd_ = -1;
  int references_ = 0;
};

}  // namespace sup
