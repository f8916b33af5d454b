// The daemon's control socket: a Unix stream socket at [unix_http_server]
// file=, speaking the JSON-RPC line protocol of common/protocol.h and, on the
// same socket, HTTP (Supervisor's XML-RPC and log streams): a connection's
// first bytes say which (JSON starts with '{', HTTP with a method name), and
// an HTTP connection is handed to an HttpSession and the server's router. It
// knows nothing about processes: every well-formed JSON request goes to the
// owner's handler, which replies now or later through the
// ControlConnection. All I/O is non-blocking inside the one EventLoop; a
// client that stops reading only fills its own bounded queue and is dropped
// when that overflows.
#pragma once

#include <sys/socket.h>
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
#include "supervisord/http_request.h"
#include "supervisord/http_session.h"
#include "supervisord/peer_credentials.h"

namespace sup {

/// Who may talk to the daemon besides what the socket's file mode already
/// enforces: root, the daemon's own uid, the socket's owner, a member of the
/// socket's group when the mode grants the group write access, or anyone when
/// the mode grants others write access. `peer_groups` are the peer's
/// supplementary groups.
bool peerAllowed(const PeerCredentials& peer, const std::vector<gid_t>& peer_groups,
                 uid_t socket_uid, gid_t socket_gid, unsigned socket_mode, uid_t daemon_uid);

/// Where [inet_http_server] listens: host ("" = every interface) and port.
struct InetEndpoint {
  std::string section;  ///< "inet_http_server", for messages
  std::string host;
  int port = 0;
};

struct ControlServerOptions {
  std::string path;  ///< the Unix socket; unused when `inet` is set
  /// Set: listen on TCP ([inet_http_server]) instead. There is no peer
  /// check by credentials there: username/password are the only guard, and
  /// open() refuses a non-loopback address without them.
  std::optional<InetEndpoint> inet;
  unsigned chmod = 0700;
  uid_t chown_uid = static_cast<uid_t>(-1);  ///< -1: leave as created
  gid_t chown_gid = static_cast<gid_t>(-1);
  std::optional<std::string> username;  ///< set: "auth" is required first
  std::optional<std::string> password;
  std::size_t max_line = 1 << 20;          ///< longest request line accepted
  std::size_t max_write_queue = 16 << 20;  ///< unsent bytes before a client is dropped
  std::size_t max_connections = 512;
  http::Limits http_limits;  ///< caps on one HTTP request
  /// A half-sent HTTP request is answered 408 and closed after this long.
  std::chrono::milliseconds http_request_timeout{30000};
};

/// Options from a [unix_http_server] section (resolves chown user/group
/// names) or an [inet_http_server] one.
Result<ControlServerOptions> controlServerOptions(const ServerConfig& server);

/// Supervisor's openhttpservers() text for a socket error (errno `err`).
Error socketError(int err);
/// Whether an [inet_http_server] address only this machine reaches
/// (127.0.0.0/8) may go without a password; anything else may not.
bool inetNeedsPassword(std::uint32_t ipv4_host_order);
/// The error refusing such a server, naming the section and port.
Error inetWithoutPasswordError(const InetEndpoint& endpoint);

class ControlServer;
class HttpRouter;

class ControlConnection : public std::enable_shared_from_this<ControlConnection>,
                          public HttpTransport {
 public:
  ControlConnection(ControlServer* server, int fd, PeerCredentials peer, std::uint64_t id);
  ~ControlConnection();
  ControlConnection(const ControlConnection&) = delete;
  ControlConnection& operator=(const ControlConnection&) = delete;

  const PeerCredentials& peer() const override { return peer_; }
  std::uint64_t id() const { return id_; }
  bool closed() const override { return fd_ < 0; }

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
  void close() override;
  /// Close once everything queued so far has been written.
  void closeAfterFlush() override;

  // HttpTransport, for the HTTP side of this connection.
  void sendBytes(std::string bytes) override { sendLine(std::move(bytes)); }
  void setBusy(bool busy) override;
  void log(LogLevel level, const std::string& message) override;

  std::size_t queuedBytes() const { return out_.size() - out_pos_; }

 private:
  friend class ControlServer;
  void onEvents(std::uint32_t events);
  void readAvailable();
  /// Bytes read: the first decisive byte picks the protocol.
  void consume(std::string_view data);
  void startHttp();
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
  enum class Protocol { kUnknown, kJson, kHttp } protocol_ = Protocol::kUnknown;
  std::string sniff_;  // the first bytes, until their first line says which protocol
  std::shared_ptr<HttpSession> http_;
  bool http_busy_ = false;  // counted in outstanding_
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

  /// Where HTTP requests go (null: every HTTP request gets 404). Not owned;
  /// must outlive the server.
  void setHttpRouter(const HttpRouter* router) { router_ = router; }

  std::size_t connectionCount() const { return connections_.size(); }
  const ControlServerOptions& options() const { return options_; }
  /// Every open connection (e.g. to end streams on shutdown).
  std::vector<std::shared_ptr<ControlConnection>> connections() const;

 private:
  friend class ControlConnection;
  Status openInet();  // control_server_inet.cc
  /// Start accepting on a bound, listening socket, registered for re-exec
  /// (listener_registry.h) under listenerAddress().
  Status listenOn(int fd);
  std::string listenerAddress() const;
  void acceptAll();
  /// "127.0.0.1:53412" for a TCP peer; TCP_NODELAY on its socket.
  static std::string inetPeerAddress(const sockaddr_storage& from);
  static void tuneInetConnection(int fd);
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
  const HttpRouter* router_ = nullptr;
  int listen_fd_ = -1;
  bool bound_ = false;
  int reserve_fd_ = -1;            ///< /dev/null, given up to accept one client at EMFILE
  bool accept_exhausted_ = false;  ///< logged once per episode of EMFILE
  std::optional<EventLoop::TimerId> resume_timer_;  ///< listener paused until it fires
  std::uint64_t next_id_ = 1;
  std::map<std::uint64_t, std::shared_ptr<ControlConnection>> connections_;
};

}  // namespace sup
