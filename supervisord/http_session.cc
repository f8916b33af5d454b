#include "supervisord/http_session.h"

#include <ctime>
#include <exception>

#include "supervisord/http_auth.h"
#include "supervisord/http_router.h"

namespace sup {

// ---- HttpExchange -----------------------------------------------------------

void HttpExchange::respond(http::Response response) const {
  std::shared_ptr<void> owner;
  if (auto s = HttpSession::lockWithOwner(session_, owner)) s->respond(seq_, std::move(response));
}

void HttpExchange::startStream(std::vector<http::Header> headers) const {
  std::shared_ptr<void> owner;
  if (auto s = HttpSession::lockWithOwner(session_, owner))
    s->startStream(seq_, std::move(headers));
}

void HttpExchange::streamData(std::string_view data) const {
  std::shared_ptr<void> owner;
  if (auto s = HttpSession::lockWithOwner(session_, owner)) s->streamData(seq_, data);
}

void HttpExchange::endStream() const {
  std::shared_ptr<void> owner;
  if (auto s = HttpSession::lockWithOwner(session_, owner)) s->endStream(seq_);
}

void HttpExchange::onClose(std::function<void()> cb) const {
  std::shared_ptr<void> owner;
  if (auto s = HttpSession::lockWithOwner(session_, owner)) {
    s->addCloseCallback(std::move(cb));
  } else {
    cb();
  }
}

// ---- HttpSession --------------------------------------------------------------

std::shared_ptr<HttpSession> HttpSession::lockWithOwner(const std::weak_ptr<HttpSession>& weak,
                                                        std::shared_ptr<void>& owner) {
  auto session = weak.lock();
  if (!session) return nullptr;
  owner = session->owner_.lock();
  if (!owner) return nullptr;
  return session;
}

HttpSession::HttpSession(EventLoop& loop, HttpTransport& transport, std::weak_ptr<void> owner,
                         HttpSessionOptions options)
    : loop_(loop),
      transport_(transport),
      owner_(std::move(owner)),
      options_(std::move(options)),
      parser_(options_.limits) {}

HttpSession::~HttpSession() {
  cancelTimer();
}

void HttpSession::onData(std::string_view bytes) {
  if (finished_) return;
  // While a request is answered the next ones wait here; a client that
  // piles up more than one maximal request without reading is dropped.
  std::size_t cap = options_.limits.max_head + options_.limits.max_body + (64 << 10);
  if (pending_.size() + bytes.size() > cap) {
    transport_.log(LogLevel::Warn, "control: closing HTTP client " +
                                       describePeer(transport_.peer()) +
                                       ": too much unanswered input");
    transport_.close();
    return;
  }
  pending_.append(bytes);
  pump();
}

void HttpSession::onReadClosed() {
  read_closed_ = true;
  // A stream runs until the client leaves; HTTP clients do not half-close.
  if (streaming_) {
    transport_.close();
    return;
  }
  pump();
}

void HttpSession::onClosed() {
  cancelTimer();
  finished_ = true;
  streaming_ = false;
  auto callbacks = std::move(on_close_);
  on_close_.clear();
  for (auto& cb : callbacks) cb();
}

void HttpSession::pump() {
  if (pumping_) return;
  pumping_ = true;
  auto self = shared_from_this();
  while (!busy_ && !finished_ && !transport_.closed()) {
    std::size_t used = parser_.feed(pending_);
    pending_.erase(0, used);
    auto state = parser_.state();
    if (state == http::RequestParser::State::kError) {
      refuse(parser_.error().status, parser_.error().reason);
      break;
    }
    if (state == http::RequestParser::State::kBody && !continued_ &&
        parser_.request().expectsContinue() && parser_.request().minor_version == 1) {
      continued_ = true;
      transport_.sendBytes("HTTP/1.1 100 Continue\r\n\r\n");
    }
    if (state != http::RequestParser::State::kDone) break;
    continued_ = false;
    dispatch(parser_.take());
  }
  pumping_ = false;
  if (transport_.closed()) return;
  if (!busy_ && !finished_ && parser_.inProgress()) {
    armTimer();
  } else {
    cancelTimer();
  }
  transport_.setBusy(busy_);
  if (read_closed_ && !busy_ && !finished_) finish();
}

void HttpSession::dispatch(http::Request request) {
  busy_ = true;
  ++seq_;
  current_ = Current{request.minor_version, request.keepAlive()};
  const PeerCredentials& peer = transport_.peer();
  transport_.log(LogLevel::Trace, "control: " + describePeer(peer) + " HTTP " + request.method +
                                      " " + request.target);
  if (options_.username) {
    const std::string* header = request.header("Authorization");
    std::optional<Credentials> given;
    if (header) given = parseBasicAuthorization(*header);
    if (!given || !credentialsAccepted(options_.username, options_.password, given->username,
                                       given->password)) {
      if (header) {
        transport_.log(LogLevel::Warn, "control: bad username/password from " + describePeer(peer));
      }
      http::Response r = http::errorResponse(401);
      r.headers.push_back({"WWW-Authenticate", "Basic realm=\"default\""});
      r.close = true;
      respond(seq_, std::move(r));
      return;
    }
  }
  int status = 404;
  const HttpHandler* handler =
      options_.router ? options_.router->find(request.method, request.path, &status) : nullptr;
  if (handler == nullptr) {
    respond(seq_, http::errorResponse(status));
    return;
  }
  try {
    (*handler)(request, peer, HttpExchange(weak_from_this(), seq_));
  } catch (const std::exception& e) {
    // A bug in one route must not take the daemon down.
    transport_.log(LogLevel::Critical,
                   "control: HTTP " + request.method + " " + request.path + " failed: " + e.what());
    respond(seq_, http::errorResponse(500));
  }
}

void HttpSession::refuse(int status, const std::string& why) {
  transport_.log(LogLevel::Warn, "control: refusing HTTP request from " +
                                     describePeer(transport_.peer()) + ": " +
                                     std::to_string(status) + " " + why);
  http::Response r = http::errorResponse(status);
  std::vector<http::Header> headers = baseHeaders();
  headers.insert(headers.end(), r.headers.begin(), r.headers.end());
  headers.push_back({"Content-Length", std::to_string(r.body.size())});
  headers.push_back({"Connection", "close"});
  int minor =
      parser_.state() == http::RequestParser::State::kBody ? parser_.request().minor_version : 1;
  transport_.sendBytes(http::formatHead(minor, status, headers) + r.body);
  finish();
}

bool HttpSession::answering(std::uint64_t seq) const {
  return seq == seq_ && busy_ && !finished_ && !transport_.closed();
}

std::vector<http::Header> HttpSession::baseHeaders() const {
  return {{"Server", std::string(http::serverName())},
          {"Date", http::httpDate(std::time(nullptr))}};
}

void HttpSession::respond(std::uint64_t seq, http::Response r) {
  if (!answering(seq) || streaming_) return;
  bool keep = current_.keep_alive && !r.close;
  std::vector<http::Header> headers = baseHeaders();
  for (auto& h : r.headers) headers.push_back(std::move(h));
  headers.push_back({"Content-Length", std::to_string(r.body.size())});
  if (keep && current_.minor_version == 0) headers.push_back({"Connection", "Keep-Alive"});
  if (!keep) headers.push_back({"Connection", "close"});
  std::string head = http::formatHead(current_.minor_version, r.status, headers);
  if (r.body.empty()) {
    transport_.sendBytes(std::move(head));
  } else {
    // The body is usually the bigger part: put the head in front of it.
    r.body.insert(0, head);
    transport_.sendBytes(std::move(r.body));
  }
  busy_ = false;
  if (!keep) {
    finish();
    return;
  }
  pump();
}

void HttpSession::startStream(std::uint64_t seq, std::vector<http::Header> headers) {
  if (!answering(seq) || streaming_) return;
  streaming_ = true;
  chunked_ = current_.minor_version == 1 && current_.keep_alive;
  std::vector<http::Header> all = baseHeaders();
  for (auto& h : headers) all.push_back(std::move(h));
  all.push_back(chunked_ ? http::Header{"Transfer-Encoding", "chunked"}
                         : http::Header{"Connection", "close"});
  transport_.sendBytes(http::formatHead(current_.minor_version, 200, all));
}

void HttpSession::streamData(std::uint64_t seq, std::string_view data) {
  if (!answering(seq) || !streaming_ || data.empty()) return;
  transport_.sendBytes(chunked_ ? http::chunk(data) : std::string(data));
}

void HttpSession::endStream(std::uint64_t seq) {
  if (!answering(seq) || !streaming_) return;
  if (chunked_) transport_.sendBytes(std::string(http::kLastChunk));
  busy_ = false;
  // Supervisor's own tail -f client only stops when the server closes.
  finish();
}

void HttpSession::finish() {
  finished_ = true;
  cancelTimer();
  transport_.setBusy(busy_);
  transport_.closeAfterFlush();
}

void HttpSession::addCloseCallback(std::function<void()> cb) {
  if (transport_.closed()) {
    cb();
    return;
  }
  on_close_.push_back(std::move(cb));
}

void HttpSession::armTimer() {
  if (timer_) return;
  std::weak_ptr<HttpSession> weak = weak_from_this();
  timer_ = loop_.after(options_.request_timeout, [weak] {
    std::shared_ptr<void> owner;
    auto self = lockWithOwner(weak, owner);
    if (!self) return;
    self->timer_.reset();
    if (self->busy_ || self->finished_ || self->transport_.closed()) return;
    self->refuse(408, "request not complete after " +
                          std::to_string(self->options_.request_timeout.count()) + " ms");
  });
}

void HttpSession::cancelTimer() {
  if (!timer_) return;
  loop_.cancel(*timer_);
  timer_.reset();
}

}  // namespace sup
