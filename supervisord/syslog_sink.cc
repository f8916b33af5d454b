#include "supervisord/syslog_sink.h"

#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace sup {

namespace {

// "<14>Nov 22 07:40:05 supervisord: ": what precedes every message.
void datagramHeader(std::time_t now, std::string& out) {
  struct tm tm {};
  ::localtime_r(&now, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%b %e %H:%M:%S", &tm);
  out = "<14>";  // LOG_USER | LOG_INFO
  out += stamp;
  out += " supervisord: ";
}

}  // namespace

std::string syslogDatagram(std::string_view message, std::time_t now) {
  std::string out;
  datagramHeader(now, out);
  out += message;
  return out;
}

void SyslogLines::feed(std::string_view data, const Emit& emit) {
  while (!data.empty()) {
    size_t nl = data.find('\n');
    if (nl == std::string_view::npos) {
      partial_.append(data);
      if (partial_.size() >= kMaxLine) flush(emit);
      return;
    }
    if (partial_.empty()) {
      emit(data.substr(0, nl));
    } else {
      partial_.append(data.substr(0, nl));
      emit(partial_);
      partial_.clear();
    }
    data.remove_prefix(nl + 1);
  }
}

void SyslogLines::flush(const Emit& emit) {
  if (partial_.empty()) return;
  emit(partial_);
  partial_.clear();
}

SyslogSink::SyslogSink(std::string socket_path, Report report)
    : path_(std::move(socket_path)), report_(std::move(report)) {}

SyslogSink::~SyslogSink() {
  if (fd_ >= 0) ::close(fd_);
}

bool SyslogSink::connect() {
  if (fd_ >= 0) return true;
  sockaddr_un addr{};
  if (path_.size() >= sizeof addr.sun_path) {
    errno = ENAMETOOLONG;
    return false;
  }
  fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return false;
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path_.c_str(), path_.size() + 1);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0) {
    int err = errno;
    ::close(fd_);
    fd_ = -1;
    errno = err;
    return false;
  }
  return true;
}

void SyslogSink::fail(int err) {
  ++dropped_;
  if (failing_) return;
  failing_ = true;
  if (report_) report_(std::strerror(err), dropped_);
}

bool SyslogSink::send(std::string_view name, std::string_view line) {
  // The header changes once a second; the rest is gathered by sendmsg, so
  // a line costs no allocation and no copy here.
  std::time_t now = std::time(nullptr);
  if (now != header_time_) {
    header_time_ = now;
    datagramHeader(now, header_);
  }
  iovec iov[4] = {{header_.data(), header_.size()},
                  {const_cast<char*>(name.data()), name.size()},
                  {const_cast<char*>(" "), 1},
                  {const_cast<char*>(line.data()), line.size()}};
  msghdr msg{};
  msg.msg_iov = iov;
  msg.msg_iovlen = 4;
  int err = 0;
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (!connect()) {
      err = errno;
      break;
    }
    if (::sendmsg(fd_, &msg, MSG_NOSIGNAL | MSG_DONTWAIT) >= 0) {
      if (failing_) {
        failing_ = false;
        if (report_) report_("", dropped_);
        dropped_ = 0;
      }
      return true;
    }
    err = errno;
    // The syslog daemon restarted: its socket is new, connect again once.
    if (err != ECONNREFUSED && err != ENOTCONN) break;
    ::close(fd_);
    fd_ = -1;
  }
  fail(err);
  return false;
}

}  // namespace sup
