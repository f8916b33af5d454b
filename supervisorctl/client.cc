#include "supervisorctl/client.h"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>

#include "common/process_info_reader.h"
#include "common/py_text.h"
#include "common/server_url.h"

namespace sup::ctl {

namespace {

volatile std::sig_atomic_t g_interrupted = 0;

void onSigint(int) {
  g_interrupted = 1;
}

void throwIfInterrupted() {
  if (g_interrupted) {
    g_interrupted = 0;
    throw Interrupted();
  }
}

int connectUnix(const std::string& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) throw SocketError(ENAMETOOLONG, false);
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw SocketError(errno, false);
  while (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0) {
    if (errno == EINTR) continue;
    int err = errno;
    ::close(fd);
    throw SocketError(err, false);
  }
  return fd;
}

int connectTcp(const std::string& host, int port, int timeout_ms) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  std::string h = host.empty() ? "localhost" : host;
  if (::getaddrinfo(h.c_str(), std::to_string(port).c_str(), &hints, &res) != 0) {
    throw SocketError(EHOSTUNREACH, true);
  }
  int last_err = ECONNREFUSED;
  for (addrinfo* ai = res; ai; ai = ai->ai_next) {
    int fd =
        ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
    if (fd < 0) {
      last_err = errno;
      continue;
    }
    int rc = ::connect(fd, ai->ai_addr, ai->ai_addrlen);
    if (rc < 0 && errno == EINPROGRESS) {
      pollfd p{fd, POLLOUT, 0};
      rc = ::poll(&p, 1, timeout_ms);
      if (rc == 1) {
        int soerr = 0;
        socklen_t len = sizeof soerr;
        ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len);
        rc = soerr == 0 ? 0 : -1;
        errno = soerr;
      } else {
        rc = -1;
        errno = ETIMEDOUT;
      }
    }
    if (rc == 0) {
      ::freeaddrinfo(res);
      // Back to blocking mode: reads below use poll() for Ctrl-C anyway.
      int fl = ::fcntl(fd, F_GETFL);
      ::fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
      return fd;
    }
    last_err = errno;
    ::close(fd);
  }
  ::freeaddrinfo(res);
  throw SocketError(last_err, true);
}

}  // namespace

SocketClient::~SocketClient() {
  disconnect();
}

void SocketClient::installInterruptHandler() {
  struct sigaction sa {};
  sa.sa_handler = onSigint;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: a blocked poll() must return EINTR
  ::sigaction(SIGINT, &sa, nullptr);
}

void SocketClient::setCredentials(std::optional<std::string> username,
                                  std::optional<std::string> password) {
  username_ = std::move(username);
  password_ = std::move(password);
  disconnect();
}

void SocketClient::setServerUrl(const std::string& url) {
  url_ = url;
  disconnect();
}

void SocketClient::disconnect() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  in_ = LineBuffer(64 << 20);
}

void SocketClient::ensureConnected() {
  if (fd_ >= 0) return;
  auto parsed = parseServerUrl(url_);
  if (!parsed) {
    throw ProtocolError("error: <class 'ValueError'>, " + parsed.error().message +
                        ": file: /usr/lib/python3/dist-packages/supervisor/xmlrpc.py line: 505");
  }
  tcp_ = parsed->kind == ServerUrl::Kind::kHttp;
  fd_ = tcp_ ? connectTcp(parsed->host, parsed->port, connect_timeout_ms_)
             : connectUnix(parsed->path);
  if (username_) {
    json id = next_id_++;
    json params = json::array({*username_, password_.value_or("")});
    sendLine(proto::encodeLine(proto::makeRequest(id, proto::method::kAuth, params)));
    try {
      awaitReply(id);
    } catch (const FaultError&) {
      disconnect();
      throw UnauthorizedError();
    }
  }
}

void SocketClient::sendLine(const std::string& line) {
  std::size_t off = 0;
  while (off < line.size()) {
    ssize_t n = ::send(fd_, line.data() + off, line.size() - off, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) {
        throwIfInterrupted();
        continue;
      }
      int err = errno;
      disconnect();
      throw SocketError(err, tcp_);
    }
    off += static_cast<std::size_t>(n);
  }
}

proto::Message SocketClient::readMessage(const StreamHooks* hooks, bool* stopped) {
  std::optional<std::string> line = readLine(hooks, stopped);
  if (!line) return {};
  return parseLine(*line);
}

proto::Message SocketClient::parseLine(const std::string& line) {
  auto msg = proto::parseMessage(line);
  if (!msg) throw ProtocolError("error: <class 'ValueError'>, " + msg.error().message);
  return std::move(*msg);
}

std::optional<std::string> SocketClient::readLine(const StreamHooks* hooks, bool* stopped) {
  for (;;) {
    if (auto line = in_.nextLine()) {
      if (line->empty()) continue;
      return line;
    }
    pollfd fds[2] = {{fd_, POLLIN, 0}, {-1, POLLIN, 0}};
    nfds_t n = 1;
    if (hooks && hooks->extra_fd >= 0) {
      fds[1].fd = hooks->extra_fd;
      n = 2;
    }
    int rc = ::poll(fds, n, -1);
    if (rc < 0) {
      if (errno == EINTR) {
        throwIfInterrupted();
        continue;
      }
      throw SocketError(errno, tcp_);
    }
    if (n == 2 && (fds[1].revents & (POLLIN | POLLHUP))) {
      if (!hooks->on_extra_fd()) {
        *stopped = true;
        return std::nullopt;
      }
    }
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      // Big reads: a getAllProcessInfo reply for 1,000 programs is ~400 KB,
      // and each append to the line buffer rescans what it holds.
      static char buf[1 << 20];
      ssize_t got = ::read(fd_, buf, sizeof buf);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) {
        int err = got < 0 ? errno : ECONNRESET;
        disconnect();
        if (stopped) {
          *stopped = true;
          return std::nullopt;
        }
        throw SocketError(err, tcp_);
      }
      if (!in_.append(std::string_view(buf, static_cast<std::size_t>(got)))) {
        disconnect();
        throw ProtocolError("error: <class 'ValueError'>, reply line too long");
      }
    }
  }
}

std::optional<json> SocketClient::acceptReply(proto::Message& msg, const json& id) {
  if (msg.is_notification) return std::nullopt;
  if (msg.id != id) {
    // A reply to a request we no longer wait for (e.g. the server's error
    // for a connection it refused): surface its error, else skip it.
    if (msg.error && msg.id.is_null()) {
      if (msg.error->code == proto::kUnauthorized || msg.error->code == proto::kForbidden) {
        disconnect();
        if (msg.error->code == proto::kUnauthorized) throw UnauthorizedError();
        throw SocketError(EACCES, tcp_);
      }
      throw ProtocolError("error: <class 'ValueError'>, " + msg.error->message);
    }
    return std::nullopt;
  }
  if (msg.error) {
    if (msg.error->code == proto::kUnauthorized) throw UnauthorizedError();
    if (msg.error->code == proto::kForbidden) throw SocketError(EACCES, tcp_);
    throw FaultError(msg.error->code, msg.error->message);
  }
  return std::move(msg.result);
}

json SocketClient::awaitReply(const json& id) {
  for (;;) {
    proto::Message msg = readMessage(nullptr, nullptr);
    if (auto result = acceptReply(msg, id)) return std::move(*result);
  }
}

std::vector<proto::ProcessInfo> SocketClient::getAllProcessInfo() {
  ensureConnected();
  long id = next_id_++;
  sendLine(proto::encodeLine(proto::makeRequest(id, proto::method::kGetAllProcessInfo)));
  const json json_id = id;
  for (;;) {
    std::optional<std::string> line = readLine(nullptr, nullptr);
    std::vector<proto::ProcessInfo> infos;
    if (proto::decodeProcessInfoReply(*line, id, infos)) return infos;
    // Anything unusual takes the general path, with its exact errors.
    proto::Message msg = parseLine(*line);
    if (auto result = acceptReply(msg, json_id))
      return result->get<std::vector<proto::ProcessInfo>>();
  }
}

json SocketClient::call(std::string_view method, json params) {
  ensureConnected();
  json id = next_id_++;
  sendLine(proto::encodeLine(proto::makeRequest(id, method, std::move(params))));
  return awaitReply(id);
}

json SocketClient::stream(std::string_view method, json params, const StreamHooks& hooks) {
  ensureConnected();
  json id = next_id_++;
  sendLine(proto::encodeLine(proto::makeRequest(id, method, std::move(params))));
  json result = awaitReply(id);
  if (hooks.after_reply) hooks.after_reply();
  for (;;) {
    bool stopped = false;
    proto::Message msg = readMessage(&hooks, &stopped);
    if (stopped) break;
    if (!msg.is_notification) {
      if (hooks.on_reply && !hooks.on_reply(msg)) break;
      continue;
    }
    if (hooks.on_notification && !hooks.on_notification(msg)) break;
  }
  // The server keeps streaming until we hang up.
  disconnect();
  return result;
}

json SocketClient::sendDuringStream(std::string_view method, json params) {
  json id = next_id_++;
  if (fd_ < 0) return id;
  sendLine(proto::encodeLine(proto::makeRequest(id, method, std::move(params))));
  return id;
}

namespace {

struct ErrnoClass {
  const char* cls;
  const char* text;
};

ErrnoClass errnoClass(int err) {
  switch (err) {
    case ENOENT:
      return {"FileNotFoundError", "No such file or directory"};
    case ECONNREFUSED:
      return {"ConnectionRefusedError", "Connection refused"};
    case EACCES:
      return {"PermissionError", "Permission denied"};
    case EPERM:
      return {"PermissionError", "Operation not permitted"};
    case ECONNRESET:
      return {"ConnectionResetError", "Connection reset by peer"};
    case EPIPE:
      return {"BrokenPipeError", "Broken pipe"};
    case ETIMEDOUT:
      return {"TimeoutError", "Connection timed out"};
    default:
      return {"OSError", nullptr};
  }
}

}  // namespace

std::string pythonUnauthorizedLine(const std::string& serverurl) {
  // xmlrpclib's ProtocolError names host + "/RPC2"; for a unix socket the
  // ServerProxy's URL is http://127.0.0.1.
  std::string host = "127.0.0.1";
  if (auto u = parseServerUrl(serverurl); u && u->kind == ServerUrl::Kind::kHttp) {
    std::string_view rest = std::string_view(u->url).substr(7);  // after http://
    host = std::string(rest.substr(0, rest.find('/')));
  }
  return "error: <class 'xmlrpc.client.ProtocolError'>, <ProtocolError for " + host +
         "/RPC2: 401 Unauthorized>: file: /usr/lib/python3/dist-packages/supervisor/xmlrpc.py "
         "line: 539";
}

std::string pythonErrorLine(const SocketError& e) {
  ErrnoClass c = errnoClass(e.err);
  std::string text = c.text ? c.text : std::strerror(e.err);
  std::string where = e.tcp ? "/usr/lib/python3.11/socket.py line: 836"
                            : "/usr/lib/python3/dist-packages/supervisor/xmlrpc.py line: 557";
  return std::string("error: <class '") + c.cls + "'>, [Errno " + std::to_string(e.err) + "] " +
         text + ": file: " + where;
}

std::string pythonErrorLine(const FaultError& e) {
  return "error: <class 'xmlrpc.client.Fault'>, <Fault " + std::to_string(e.code) + ": " +
         py::repr(e.text) + ">: file: /usr/lib/python3.11/xmlrpc/client.py line: 668";
}

}  // namespace sup::ctl
