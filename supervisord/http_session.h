// The HTTP side of one control connection, once its first bytes said HTTP:
// requests parsed one at a time (a pipelined request waits for the answer
// to the one before), Basic auth when the server section has a username,
// routing, and responses framed as medusa frames them: Content-Length and
// keep-alive for complete answers, chunked (HTTP/1.1) or close-delimited
// (HTTP/1.0) for streams. A request that stops half-way is answered 408
// after the request timeout; the timer exists only while one is half-sent,
// so an idle connection costs no wakeups. The bytes go through an
// HttpTransport (the ControlConnection), which owns the socket, its
// bounded write queue and the close.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/log_level.h"
#include "supervisord/event_loop.h"
#include "supervisord/http_request.h"
#include "supervisord/http_response.h"
#include "supervisord/peer_credentials.h"

namespace sup {

class HttpRouter;
class HttpSession;

/// What a route handler answers through: exactly one complete response, or
/// a stream. Copyable; calls after the connection is gone (or after the
/// answer) are ignored.
class HttpExchange {
 public:
  HttpExchange() = default;

  void respond(http::Response response) const;
  void respondError(int status) const { respond(http::errorResponse(status)); }
  /// Start a 200 response of unknown length with these headers: chunked
  /// for an HTTP/1.1 keep-alive client, close-delimited otherwise.
  void startStream(std::vector<http::Header> headers) const;
  /// More of the stream's body (nothing is sent for empty data).
  void streamData(std::string_view data) const;
  /// End the stream; the connection closes once everything is sent.
  void endStream() const;
  /// Run cb when the connection ends, however it ends (a stream stops here).
  void onClose(std::function<void()> cb) const;

 private:
  friend class HttpSession;
  HttpExchange(std::weak_ptr<HttpSession> session, std::uint64_t seq)
      : session_(std::move(session)), seq_(seq) {}
  std::weak_ptr<HttpSession> session_;
  std::uint64_t seq_ = 0;
};

/// The connection under a session: ControlConnection implements it.
class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  /// Queue bytes (the transport enforces its write-queue cap).
  virtual void sendBytes(std::string bytes) = 0;
  virtual void closeAfterFlush() = 0;
  virtual void close() = 0;
  virtual bool closed() const = 0;
  /// A request is being answered (the transport must not close on EOF yet).
  virtual void setBusy(bool busy) = 0;
  virtual const PeerCredentials& peer() const = 0;
  virtual void log(LogLevel level, const std::string& message) = 0;
};

struct HttpSessionOptions {
  const HttpRouter* router = nullptr;
  /// Set: every request needs these credentials (HTTP Basic; a "{SHA}..."
  /// password is compared as Supervisor does).
  std::optional<std::string> username;
  std::optional<std::string> password;
  http::Limits limits;
  /// From a request's first byte until it is complete.
  std::chrono::milliseconds request_timeout{30000};
};

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  /// `owner` is the transport's own lifetime (the ControlConnection's
  /// shared_ptr): calls that come later, through an HttpExchange or a
  /// timer, hold it for their duration.
  HttpSession(EventLoop& loop, HttpTransport& transport, std::weak_ptr<void> owner,
              HttpSessionOptions options);
  ~HttpSession();
  HttpSession(const HttpSession&) = delete;
  HttpSession& operator=(const HttpSession&) = delete;

  /// Bytes read from the client.
  void onData(std::string_view bytes);
  /// The client will send nothing more (EOF on read).
  void onReadClosed();
  /// The connection is closed: end streams, drop timers.
  void onClosed();

 private:
  friend class HttpExchange;
  /// The session and its transport, both alive for the caller's use; null
  /// when either is gone.
  static std::shared_ptr<HttpSession> lockWithOwner(const std::weak_ptr<HttpSession>& weak,
                                                    std::shared_ptr<void>& owner);
  struct Current {
    int minor_version = 1;
    bool keep_alive = true;
  };

  void pump();
  void dispatch(http::Request request);
  /// Answer `status` without a dispatched request (bad request, timeout) and close.
  void refuse(int status, const std::string& why);
  void respond(std::uint64_t seq, http::Response response);
  void startStream(std::uint64_t seq, std::vector<http::Header> headers);
  void streamData(std::uint64_t seq, std::string_view data);
  void endStream(std::uint64_t seq);
  void addCloseCallback(std::function<void()> cb);
  bool answering(std::uint64_t seq) const;
  std::vector<http::Header> baseHeaders() const;
  void finish();
  void armTimer();
  void cancelTimer();

  EventLoop& loop_;
  HttpTransport& transport_;
  std::weak_ptr<void> owner_;
  HttpSessionOptions options_;
  http::RequestParser parser_;
  std::string pending_;  // bytes read and not yet parsed
  Current current_;
  std::uint64_t seq_ = 0;  // the request being answered
  bool busy_ = false;      // a request is dispatched and not fully answered
  bool streaming_ = false;
  bool chunked_ = false;
  bool continued_ = false;  // "100 Continue" sent for the request being read
  bool pumping_ = false;
  bool read_closed_ = false;
  bool finished_ = false;  // no more requests: the connection is closing
  std::optional<EventLoop::TimerId> timer_;
  std::vector<std::function<void()>> on_close_;
};

}  // namespace sup
