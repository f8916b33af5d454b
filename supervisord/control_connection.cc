// One client of the control socket: tells JSON-RPC from HTTP by the first
// bytes, reads request lines within the caps of ControlServerOptions and
// hands each to the server's dispatcher (or the bytes to its HttpSession),
// and queues replies and notifications without ever blocking the loop (a
// slow reader only grows its queue, up to the cap). The listening side, peer
// checks and accept are in control_server.cc.
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>

#include "common/process_info_json.h"
#include "supervisord/control_server.h"
#include "supervisord/heap_trim.h"
#include "supervisord/http_auth.h"

namespace sup {

namespace {

constexpr std::size_t kReadChunk = 64 * 1024;
// Bytes read from one client per wakeup, so one busy client cannot starve
// the others or the processes' output pipes.
constexpr std::size_t kReadBudget = 1 << 20;

}  // namespace

// ---- ControlConnection ----------------------------------------------------

ControlConnection::ControlConnection(ControlServer* server, int fd, PeerCredentials peer,
                                     std::uint64_t id)
    : server_(server), fd_(fd), peer_(peer), id_(id), in_(server->options().max_line) {}

ControlConnection::~ControlConnection() {
  if (http_) http_->onClosed();
  if (fd_ >= 0) {
    if (server_) server_->loop_.unwatch(fd_);
    ::close(fd_);
  }
}

void ControlConnection::reply(const proto::json& id, proto::json result) {
  if (outstanding_ > 0) --outstanding_;
  send(proto::makeResult(id, std::move(result)));
  maybeFinish();
}

void ControlConnection::replyEncoded(const proto::json& id, std::string result_json) {
  if (outstanding_ > 0) --outstanding_;
  sendLine(proto::encodeResultLine(id, std::move(result_json)));
  maybeFinish();
}

void ControlConnection::replyError(const proto::json& id, int code, std::string_view message) {
  if (outstanding_ > 0) --outstanding_;
  send(proto::makeError(id, code, message));
  maybeFinish();
}

void ControlConnection::replyFault(const proto::json& id, proto::Fault fault,
                                   std::string_view extra) {
  replyError(id, static_cast<int>(fault), proto::faultString(fault, extra));
}

void ControlConnection::notify(std::string_view method, proto::json params) {
  send(proto::makeNotification(method, std::move(params)));
}

void ControlConnection::send(const proto::json& message) {
  if (!closed()) sendLine(proto::encodeLine(message));
}

void ControlConnection::sendLine(std::string line) {
  if (closed()) return;
  std::size_t cap = server_ ? server_->options().max_write_queue : 0;
  if (queuedBytes() + line.size() > cap) {
    log(LogLevel::Warn, "control: dropping client " + describePeer(peer_) +
                            ": it stopped reading (" + std::to_string(queuedBytes()) +
                            " bytes unsent)");
    close();
    return;
  }
  // Nothing queued: take the line's buffer instead of copying a big reply.
  if (out_pos_ == out_.size()) {
    out_ = std::move(line);
    out_pos_ = 0;
  } else {
    out_ += line;
  }
  flush();
}

void ControlConnection::onClose(std::function<void()> cb) {
  if (closed()) {
    cb();
    return;
  }
  on_close_.push_back(std::move(cb));
}

void ControlConnection::close() {
  if (fd_ < 0) return;
  auto self = shared_from_this();
  if (server_) server_->loop_.unwatch(fd_);
  ::close(fd_);
  fd_ = -1;
  out_.clear();
  out_pos_ = 0;
  auto callbacks = std::move(on_close_);
  on_close_.clear();
  for (auto& cb : callbacks) cb();
  if (http_) http_->onClosed();
  if (server_) server_->drop(id_);
}

void ControlConnection::closeAfterFlush() {
  close_after_flush_ = true;
  read_closed_ = true;
  updateInterest();
  maybeFinish();
}

void ControlConnection::onEvents(std::uint32_t events) {
  auto self = shared_from_this();
  if (events & (EPOLLHUP | EPOLLERR)) {
    // The peer is gone in both directions: nothing more can be delivered.
    close();
    return;
  }
  if ((events & EPOLLIN) && !read_closed_) readAvailable();
  if (!closed() && (events & EPOLLOUT)) flush();
}

void ControlConnection::readAvailable() {
  char buf[kReadChunk];
  std::size_t budget = kReadBudget;
  while (!closed() && !read_closed_ && budget > 0) {
    ssize_t n = ::read(fd_, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      close();
      return;
    }
    if (n == 0) {
      // Half-close (e.g. socat after its stdin ends): answer what was asked,
      // then close.
      read_closed_ = true;
      updateInterest();
      if (http_) http_->onReadClosed();
      maybeFinish();
      return;
    }
    budget -= std::min<std::size_t>(budget, static_cast<std::size_t>(n));
    consume(std::string_view(buf, static_cast<std::size_t>(n)));
  }
}

void ControlConnection::consume(std::string_view data) {
  std::string first_bytes;
  if (protocol_ == Protocol::kUnknown) {
    // The first line decides (blank lines mean nothing in either protocol):
    // an HTTP request line ("POST /RPC2 HTTP/1.1") means HTTP, anything
    // else is JSON-RPC, whose errors then answer it.
    sniff_.append(data);
    std::size_t first = sniff_.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) {
      sniff_.clear();
      return;
    }
    std::size_t lf = sniff_.find('\n', first);
    if (lf == std::string::npos && sniff_.size() - first <= in_.maxLine()) return;
    std::string_view line(sniff_.data() + first,
                          (lf == std::string::npos ? sniff_.size() : lf) - first);
    bool http = http::looksLikeRequestLine(line);
    protocol_ = http ? Protocol::kHttp : Protocol::kJson;
    first_bytes = sniff_.substr(first);
    sniff_.clear();
    sniff_.shrink_to_fit();
    data = first_bytes;
    if (http) startHttp();
  }
  if (http_) {
    http_->onData(data);
    return;
  }
  in_.append(data);
  while (!closed() && !close_after_flush_) {
    auto line = in_.nextLine();
    if (!line) break;
    handleLine(*line);
  }
  if (in_.overflowed() && !closed() && !close_after_flush_) {
    log(LogLevel::Warn,
        "control: closing client " + describePeer(peer_) + ": " + in_.overflowMessage());
    send(proto::makeError(nullptr, proto::kRequestTooLarge, in_.overflowMessage()));
    closeAfterFlush();
  }
}

void ControlConnection::startHttp() {
  if (!server_) return;
  const ControlServerOptions& o = server_->options();
  HttpSessionOptions http;
  http.router = server_->router_;
  http.username = o.username;
  http.password = o.password;
  http.limits = o.http_limits;
  http.request_timeout = o.http_request_timeout;
  http_ = std::make_shared<HttpSession>(server_->loop_, *this, weak_from_this(), std::move(http));
}

void ControlConnection::setBusy(bool busy) {
  if (busy == http_busy_) return;
  http_busy_ = busy;
  outstanding_ += busy ? 1 : -1;
  if (!busy) maybeFinish();
}

void ControlConnection::log(LogLevel level, const std::string& message) {
  if (server_) server_->log(level, message);
}

void ControlConnection::handleLine(const std::string& line) {
  if (line.find_first_not_of(" \t\r") == std::string::npos) return;
  proto::json id;
  auto req = proto::parseRequest(line, &id);
  if (!req) {
    int code = req.error().message == "Parse error" ? proto::kParseError : proto::kInvalidRequest;
    send(proto::makeError(id, code, req.error().message));
    return;
  }
  if (req->has_id) ++outstanding_;
  const auto& opts = server_->options();
  if (req->method == proto::method::kAuth) {
    const auto& p = req->params;
    bool ok =
        !opts.username || (p.size() == 2 && p[0].is_string() && p[1].is_string() &&
                           credentialsAccepted(opts.username, opts.password,
                                               p[0].get<std::string>(), p[1].get<std::string>()));
    authenticated_ = authenticated_ || ok;
    if (!ok) log(LogLevel::Warn, "control: bad username/password from " + describePeer(peer_));
    if (!req->has_id) return;
    if (ok) {
      reply(req->id, true);
    } else {
      replyError(req->id, proto::kUnauthorized, "UNAUTHORIZED");
    }
    return;
  }
  if (opts.username && !authenticated_) {
    if (req->has_id) replyError(req->id, proto::kUnauthorized, "UNAUTHORIZED");
    return;
  }
  try {
    server_->dispatch(*this, *req);
  } catch (const std::exception& e) {
    // A bug in one method must not take the daemon down.
    server_->log(LogLevel::Critical, "control: " + req->method + " failed: " + e.what());
    if (req->has_id) replyError(req->id, proto::kInternalError, e.what());
  }
}

void ControlConnection::flush() {
  while (!closed() && out_pos_ < out_.size()) {
    ssize_t n =
        ::send(fd_, out_.data() + out_pos_, out_.size() - out_pos_, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      out_pos_ += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    close();
    return;
  }
  if (closed()) return;
  if (out_pos_ == out_.size()) {
    if (out_.capacity() >= kTrimAfterBytes && server_) {
      // A large answer has gone out: its buffer, and what building it
      // freed, go back to the kernel rather than stay in the daemon's RSS.
      std::string().swap(out_);
      trimHeapSoon(server_->loop_);
    }
    out_.clear();
    out_pos_ = 0;
  } else if (out_pos_ > (1 << 16) && out_pos_ > out_.size() / 2) {
    out_.erase(0, out_pos_);
    out_pos_ = 0;
  }
  updateInterest();
  maybeFinish();
}

void ControlConnection::updateInterest() {
  if (closed() || !server_) return;
  std::uint32_t events = (read_closed_ ? 0u : static_cast<std::uint32_t>(EPOLLIN)) |
                         (queuedBytes() > 0 ? static_cast<std::uint32_t>(EPOLLOUT) : 0u);
  if (events != events_) {
    events_ = events;
    server_->loop_.modify(fd_, events);
  }
}

void ControlConnection::maybeFinish() {
  if (closed() || queuedBytes() > 0) return;
  if (close_after_flush_ || (read_closed_ && outstanding_ == 0)) close();
}

}  // namespace sup
