// The daemon's control socket: a Unix stream socket at [unix_http_server]
// file=, speaking the JSON-RPC line protocol of common/protocol.h. It knows
// nothing about processes: every well-formed request goes to the owner's
// handler, which replies now or later through the ControlConnection. All I/O
// is non-blocking inside the one EventLoop; a client that stops reading only
// fills its own bounded queue and is dropped when that overflows.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/config_model.h"
#include "common/line_framing.h"
#include "common/log_level.h"
#include "common/protocol.h"
#include "common/result.h"
#include "supervisord/event_loop.h"

namespace sup {

struct PeerCredentials {
  pid_t pid = 0;
  uid_t uid = 0;
  gid_t gid = 0;
};

/// Who may talk to the daemon besides what the socket's file mode already
/// enforces: root, the daemon's own uid, the socket's owner, a member of the
/// socket's group when the mode grants the group write access, or anyone when
/// the mode grants others write access. `peer_groups` are the peer's
/// supplementary groups.
bool peerAllowed(const PeerCredentials& peer, const std::vector<gid_t>& peer_groups,
                 uid_t socket_uid, gid_t socket_gid, unsigned socket_mode, uid_t daemon_uid);

struct ControlServerOptions {
  std::string path;
  unsigned chmod = 0700;
  uid_t chown_uid = static_cast<uid_t>(-1);  ///< -1: leave as created
  gid_t chown_gid = static_cast<gid_t>(-1);
  std::optional<std::string> username;  ///< set: "auth" is required first
  std::optional<std::string> password;
  std::size_t max_line = 1 << 20;          ///< longest request line accepted
  std::size_t max_write_queue = 16 << 20;  ///< unsent bytes before a client is dropped
  std::size_t max_connections = 512;
};

/// Options from a [unix_http_server] section; resolves chown user/group names.
Result<ControlServerOptions> controlServerOptions(const ServerConfig& server);

class ControlServer;

class ControlConnection : public std::enable_shared_from_this<ControlConnection> {
 public:
  ControlConnection(ControlServer* server, int fd, PeerCredentials peer, std::uint64_t id);
  ~ControlConnection();
  ControlConnection(const ControlConnection&) = delete;
  ControlConnection& operator=(const ControlConnection&) = delete;

  const PeerCredentials& peer() const { return peer_; }
  std::uint64_t id() const { return id_; }
  bool closed() const { return fd_ < 0; }

  /// Replies to a request; silently dropped once the connection is closed.
  void reply(const proto::json& id, proto::json result);
  /// The same with the result already written as compact JSON text.
  void replyEncoded(const proto::json& id, std::string result_json);
  void replyError(const proto::json& id, int code, std::string_view message);
  void replyFault(const proto::json& id, proto::Fault fault, std::string_view extra = {});
  /// A notification (streaming calls: "log").
  void notify(std::string_view method, proto::json params);
  /// Queue one message. Closes the connection if its queue would exceed the cap.
  void send(const proto::json& message);
  void sendLine(std::string line);

  /// Run cb when the connection closes, for whatever reason (client gone,
  /// queue overflow, server shutting down). Streams unsubscribe here.
  void onClose(std::function<void()> cb);
  /// Close now; queued output is discarded.
  void close();
  /// Close once everything queued so far has been written.
  void closeAfterFlush();

  std::size_t queuedBytes() const { return out_.size() - out_pos_; }

 private:
  friend class ControlServer;
  void onEvents(std::uint32_t events);
  void readAvailable();
  void handleLine(const std::string& line);
  void flush();
  void updateInterest();
  void maybeFinish();

  ControlServer* server_;
  int fd_;
  PeerCredentials peer_;
  std::uint64_t id_;
  LineBuffer in_;
  std::string out_;
  std::size_t out_pos_ = 0;
  bool authenticated_ = false;
  bool read_closed_ = false;
  bool close_after_flush_ = false;
  std::uint32_t events_ = 0x001;  // EPOLLIN: what the loop watches for now
  int outstanding_ = 0;           // requests with an id handed to the handler, not yet answered
  std::vector<std::function<void()>> on_close_;
};

class ControlServer {
 public:
  using Handler = std::function<void(ControlConnection&, const proto::Request&)>;
  using LogFn = std::function<void(LogLevel level, const std::string& message)>;

  ControlServer(EventLoop& loop, ControlServerOptions options, Handler handler, LogFn log = {});
  ~ControlServer();
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

  /// Create the socket: unlink a stale one (writing "Unlinking stale socket
  /// <path>" to stderr, as Supervisor does), refuse when a live server
  /// answers there, bind, chmod, chown, listen, and start accepting.
  Status open();
  /// Stop accepting, close every connection, unlink the socket file.
  void close();

  std::size_t connectionCount() const { return connections_.size(); }
  const ControlServerOptions& options() const { return options_; }
  /// Every open connection (e.g. to end streams on shutdown).
  std::vector<std::shared_ptr<ControlConnection>> connections() const;

 private:
  friend class ControlConnection;
  /// Start accepting on a bound, listening socket.
  Status listenOn(int fd);
  void acceptAll();
  /// accept() hit EMFILE/ENFILE: refuse the oldest pending client with a
  /// clear error through the reserve descriptor (or pause the listener when
  /// there is none), so a level-triggered listening socket cannot spin.
  void acceptExhausted(int err);
  void resumeAccepting();
  bool checkPeer(const PeerCredentials& peer);
  void dispatch(ControlConnection& conn, const proto::Request& req);
  void drop(std::uint64_t id);
  void log(LogLevel level, const std::string& message) const;

  EventLoop& loop_;
  ControlServerOptions options_;
  Handler handler_;
  LogFn log_;
  int listen_fd_ = -1;
  bool bound_ = false;
  int reserve_fd_ = -1;            ///< /dev/null, given up to accept one client at EMFILE
  bool accept_exhausted_ = false;  ///< logged once per episode of EMFILE
  std::optional<EventLoop::TimerId> resume_timer_;  ///< listener paused until it fires
  std::uint64_t next_id_ = 1;
  std::map<std::uint64_t, std::shared_ptr<ControlConnection>> connections_;
};

}  // namespace sup
