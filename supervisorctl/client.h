// supervisorctl's side of the control protocol: a blocking JSON-RPC client
// over the daemon's Unix socket (or TCP for http:// URLs). Calls throw the
// same kinds of failure Python's xmlrpclib raises, so the command code can be
// written the way supervisorctl.py is: catch the faults a command expects,
// let the rest reach the shell's catch-all.
#pragma once

#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "common/line_framing.h"
#include "common/protocol.h"

namespace sup::ctl {

using json = proto::json;

/// A fault from the daemon (xmlrpclib.Fault): code and fault string.
struct FaultError : std::runtime_error {
  FaultError(int c, std::string msg) : std::runtime_error(msg), code(c), text(std::move(msg)) {}
  int code;
  std::string text;
};

/// A socket-level failure (socket.error): connect/read/write errno.
struct SocketError : std::runtime_error {
  SocketError(int e, bool tcp_url) : std::runtime_error("socket error"), err(e), tcp(tcp_url) {}
  int err;
  bool tcp;
};

/// The server wants "auth" first, or refused our username/password (HTTP 401).
struct UnauthorizedError : std::runtime_error {
  UnauthorizedError() : std::runtime_error("Server requires authentication") {}
};

/// Anything else that is not a valid reply (a bug or a foreign server).
struct ProtocolError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Ctrl-C while a call or a stream was in progress.
struct Interrupted : std::runtime_error {
  Interrupted() : std::runtime_error("interrupted") {}
};

/// What commands talk to; tests substitute a fake.
class RpcClient {
 public:
  virtual ~RpcClient() = default;
  /// One call; returns the result or throws one of the errors above.
  virtual json call(std::string_view method, json params = json::array()) = 0;

  struct StreamHooks {
    /// Each notification; return false to stop the stream.
    std::function<bool(const proto::Message&)> on_notification;
    /// Optional extra fd watched while streaming (fg: the terminal).
    int extra_fd = -1;
    /// Called when extra_fd is readable; return false to stop.
    std::function<bool()> on_extra_fd;
    /// Replies to requests sent with sendDuringStream(); return false to stop.
    std::function<bool(const proto::Message&)> on_reply;
    /// Called once the stream's own reply arrived (to open more streams).
    std::function<void()> after_reply;
  };
  /// A streaming call: the reply, then notifications until a hook says stop,
  /// the server ends the stream, or Ctrl-C (throws Interrupted).
  virtual json stream(std::string_view method, json params, const StreamHooks& hooks) = 0;

  /// From inside a stream hook: send another request on the streaming
  /// connection (more streams, or fg's sendProcessStdin); its reply goes to
  /// hooks.on_reply.
  virtual json sendDuringStream(std::string_view method, json params) = 0;  ///< returns the id

  /// supervisor.getAllProcessInfo, decoded. A client may decode the reply
  /// faster than call() + from_json; the result and errors are the same.
  virtual std::vector<proto::ProcessInfo> getAllProcessInfo() {
    return call(proto::method::kGetAllProcessInfo).get<std::vector<proto::ProcessInfo>>();
  }

  virtual void setCredentials(std::optional<std::string> username,
                              std::optional<std::string> password) = 0;
  virtual void setServerUrl(const std::string& url) = 0;
  virtual const std::string& serverUrl() const = 0;
};

class SocketClient : public RpcClient {
 public:
  explicit SocketClient(std::string server_url) : url_(std::move(server_url)) {}
  ~SocketClient() override;

  json call(std::string_view method, json params = json::array()) override;
  json stream(std::string_view method, json params, const StreamHooks& hooks) override;
  json sendDuringStream(std::string_view method, json params) override;
  std::vector<proto::ProcessInfo> getAllProcessInfo() override;
  void setCredentials(std::optional<std::string> username,
                      std::optional<std::string> password) override;
  void setServerUrl(const std::string& url) override;
  const std::string& serverUrl() const override { return url_; }

  /// Milliseconds to wait for connect(); calls themselves wait as long as the
  /// daemon takes (start/stop wait for startsecs/stopwaitsecs, as Supervisor).
  void setConnectTimeoutMs(int ms) { connect_timeout_ms_ = ms; }

  /// Install a SIGINT handler that makes blocked calls throw Interrupted.
  static void installInterruptHandler();

 private:
  void ensureConnected();
  void disconnect();
  void sendLine(const std::string& line);
  /// The next non-empty line; nullopt when a hook or EOF stopped a stream.
  std::optional<std::string> readLine(const StreamHooks* hooks, bool* stopped);
  proto::Message parseLine(const std::string& line);
  proto::Message readMessage(const StreamHooks* hooks, bool* stopped);
  /// The result when `msg` is the reply to `id`; nullopt to keep reading;
  /// throws for a fault or an error reply.
  std::optional<json> acceptReply(proto::Message& msg, const json& id);
  json awaitReply(const json& id);

  std::string url_;
  std::optional<std::string> username_;
  std::optional<std::string> password_;
  int fd_ = -1;
  bool tcp_ = false;
  long next_id_ = 1;
  int connect_timeout_ms_ = 10000;
  LineBuffer in_{64 << 20};
};

/// The line Python's supervisorctl prints for an exception it did not expect:
/// "error: <class 'ConnectionRefusedError'>, [Errno 111] Connection refused:
/// file: ... line: ...".
std::string pythonErrorLine(const SocketError& e);
std::string pythonErrorLine(const FaultError& e);
/// The line Python's supervisorctl prints after "Server requires
/// authentication" on a command line: its onecmd() falls through and runs
/// the command again, and the second 401 reaches its catch-all.
std::string pythonUnauthorizedLine(const std::string& serverurl);

}  // namespace sup::ctl
