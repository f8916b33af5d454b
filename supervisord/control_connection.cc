// One client of the control socket: reads request lines within the caps of
// ControlServerOptions, hands each to the server's dispatcher, and queues
// replies and notifications without ever blocking the loop (a slow reader
// only grows its queue, up to the cap). The listening side, peer checks and
// accept are in control_server.cc.
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>

#include "common/process_info_json.h"
#include "supervisord/control_server.h"

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
    if (server_) {
      server_->log(LogLevel::Warn, "control: dropping client pid " + std::to_string(peer_.pid) + " uid " +
                               std::to_string(peer_.uid) + ": it stopped reading (" +
                               std::to_string(queuedBytes()) + " bytes unsent)");
    }
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
      maybeFinish();
      return;
    }
    budget -= std::min<std::size_t>(budget, static_cast<std::size_t>(n));
    in_.append(std::string_view(buf, static_cast<std::size_t>(n)));
    while (!closed() && !close_after_flush_) {
      auto line = in_.nextLine();
      if (!line) break;
      handleLine(*line);
    }
    if (in_.overflowed() && !closed() && !close_after_flush_) {
      if (server_) {
        server_->log(LogLevel::Warn, "control: closing client pid " + std::to_string(peer_.pid) + ": " +
                                 in_.overflowMessage());
      }
      send(proto::makeError(nullptr, proto::kRequestTooLarge, in_.overflowMessage()));
      closeAfterFlush();
      return;
    }
  }
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
    bool ok = !opts.username || (p.size() == 2 && p[0].is_string() && p[1].is_string() &&
                                 p[0].get<std::string>() == *opts.username &&
                                 p[1].get<std::string>() == opts.password.value_or(""));
    authenticated_ = authenticated_ || ok;
    if (!ok) {
      server_->log(LogLevel::Warn, "control: bad username/password from pid " + std::to_string(peer_.pid) +
                               " uid " + std::to_string(peer_.uid));
    }
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
