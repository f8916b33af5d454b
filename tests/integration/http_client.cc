#include "http_client.h"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "test_socket.h"

namespace sup::test {

using Clock = std::chrono::steady_clock;

std::string HttpResponse::header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

HttpClient HttpClient::unixSocket(const std::string& path, std::chrono::milliseconds timeout) {
  HttpClient c;
  c.fd_ = connectUnix(path, timeout);
  return c;
}

HttpClient HttpClient::tcp(int port, std::chrono::milliseconds timeout) {
  HttpClient c;
  c.fd_ = connectLoopback(port, timeout);
  return c;
}

HttpClient::HttpClient(HttpClient&& other) noexcept
    : fd_(other.fd_), buf_(std::move(other.buf_)), eof_(other.eof_) {
  other.fd_ = -1;
}

HttpClient::~HttpClient() {
  close();
}

void HttpClient::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

bool HttpClient::sendRaw(std::string_view bytes) {
  return sendAll(fd_, bytes);
}

bool HttpClient::postXml(const std::string& xml, const std::string& authorization) {
  std::string req = "POST /RPC2 HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/xml\r\n";
  if (!authorization.empty()) req += "Authorization: " + authorization + "\r\n";
  req += "Content-Length: " + std::to_string(xml.size()) + "\r\n\r\n" + xml;
  return sendRaw(req);
}

bool HttpClient::fill(Clock::time_point deadline) {
  while (true) {
    if (fd_ < 0 || eof_) return false;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    int r = ::poll(&p, 1, static_cast<int>(left.count()));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    char chunk[65536];
    ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      eof_ = true;
      return false;
    }
    buf_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }
}

std::optional<HttpResponse> HttpClient::parseHead() {
  std::size_t end = buf_.find("\r\n\r\n");
  if (end == std::string::npos) return std::nullopt;
  std::string head = buf_.substr(0, end);
  buf_.erase(0, end + 4);
  HttpResponse r;
  std::size_t line_end = head.find("\r\n");
  r.status_line = head.substr(0, line_end);
  if (r.status_line.size() < 12 || r.status_line.compare(0, 5, "HTTP/") != 0) return r;
  r.status = std::atoi(r.status_line.c_str() + 9);
  while (line_end != std::string::npos) {
    std::size_t start = line_end + 2;
    line_end = head.find("\r\n", start);
    std::string line =
        head.substr(start, line_end == std::string::npos ? std::string::npos : line_end - start);
    std::size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = line.substr(0, colon);
    for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    std::size_t v = line.find_first_not_of(' ', colon + 1);
    r.headers[name] = v == std::string::npos ? "" : line.substr(v);
  }
  return r;
}

std::optional<HttpResponse> HttpClient::readHead(std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (buf_.find("\r\n\r\n") == std::string::npos) {
    if (!fill(deadline)) return std::nullopt;
  }
  return parseHead();
}

bool HttpClient::readChunkedInto(std::string* out, Clock::time_point deadline, bool until_last) {
  while (true) {
    std::size_t crlf = buf_.find("\r\n");
    if (crlf == std::string::npos) {
      if (!fill(deadline)) return false;
      continue;
    }
    std::size_t size = std::strtoul(buf_.substr(0, crlf).c_str(), nullptr, 16);
    if (buf_.size() < crlf + 2 + size + 2) {
      if (!fill(deadline)) return false;
      continue;
    }
    out->append(buf_, crlf + 2, size);
    buf_.erase(0, crlf + 2 + size + 2);
    if (size == 0 || !until_last) return true;
  }
}

std::optional<HttpResponse> HttpClient::readResponse(std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  auto r = readHead(timeout);
  if (!r) return std::nullopt;
  if (r->header("transfer-encoding") == "chunked") {
    if (!readChunkedInto(&r->body, deadline, true)) return std::nullopt;
    return r;
  }
  std::string length = r->header("content-length");
  if (length.empty()) {
    while (fill(deadline)) {
    }
    if (!eof_) return std::nullopt;
    r->body = std::move(buf_);
    buf_.clear();
    return r;
  }
  std::size_t n = std::stoul(length);
  while (buf_.size() < n) {
    if (!fill(deadline)) return std::nullopt;
  }
  r->body = buf_.substr(0, n);
  buf_.erase(0, n);
  return r;
}

bool HttpClient::readStreamUntil(const std::string& needle, bool chunked, std::string* body,
                                 std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (body->find(needle) == std::string::npos) {
    if (chunked) {
      std::size_t before = body->size();
      if (!readChunkedInto(body, deadline, false)) return false;
      if (body->size() == before) return false;  // the last chunk: the stream ended
      continue;
    }
    if (!buf_.empty()) {
      body->append(buf_);
      buf_.clear();
      continue;
    }
    if (!fill(deadline)) return false;
  }
  return true;
}

bool HttpClient::waitClosed(std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (!eof_) {
    buf_.clear();
    if (!fill(deadline) && !eof_) return false;
  }
  return true;
}

std::string xmlCall(const std::string& method, const std::vector<std::string>& params) {
  std::string out =
      "<?xml version='1.0'?>\n<methodCall>\n<methodName>" + method + "</methodName>\n<params>\n";
  for (const auto& p : params) out += "<param>\n<value>" + p + "</value>\n</param>\n";
  out += "</params>\n</methodCall>\n";
  return out;
}

std::string basicAuth(const std::string& user, const std::string& password) {
  static const char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string in = user + ":" + password, out;
  std::size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    unsigned v = static_cast<unsigned char>(in[i]) << 16 |
                 static_cast<unsigned char>(in[i + 1]) << 8 | static_cast<unsigned char>(in[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out.push_back(kAlphabet[(v >> s) & 63]);
  }
  if (i < in.size()) {
    unsigned v = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) v |= static_cast<unsigned char>(in[i + 1]) << 8;
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(i + 1 < in.size() ? kAlphabet[(v >> 6) & 63] : '=');
    out.push_back('=');
  }
  return "Basic " + out;
}

int freePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace sup::test
