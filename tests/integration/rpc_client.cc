#include "rpc_client.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "test_socket.h"

namespace sup::test {

using Clock = std::chrono::steady_clock;

RpcClient::RpcClient(const std::string& path, std::chrono::milliseconds timeout)
    : fd_(connectUnix(path, timeout)) {}

RpcClient::~RpcClient() {
  close();
}

void RpcClient::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

bool RpcClient::sendRaw(std::string_view bytes) {
  return sendAll(fd_, bytes);
}

int RpcClient::send(const std::string& method, const json& params) {
  int id = next_id_++;
  json req{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}};
  sendRaw(req.dump() + "\n");
  return id;
}

bool RpcClient::readLine(std::string* line, std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (true) {
    auto nl = buf_.find('\n');
    if (nl != std::string::npos) {
      *line = buf_.substr(0, nl);
      buf_.erase(0, nl + 1);
      return true;
    }
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
  }
}

std::optional<json> RpcClient::read(std::chrono::milliseconds timeout) {
  std::string line;
  if (!readLine(&line, timeout)) return std::nullopt;
  auto parsed = json::parse(line, nullptr, false);
  if (parsed.is_discarded()) return std::nullopt;
  return parsed;
}

std::optional<json> RpcClient::waitReply(int id, std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return std::nullopt;
    auto msg = read(left);
    if (!msg) return std::nullopt;
    if (msg->contains("id") && (*msg)["id"] == id) return msg;
  }
}

std::optional<json> RpcClient::call(const std::string& method, const json& params,
                                    std::chrono::milliseconds timeout) {
  return waitReply(send(method, params), timeout);
}

bool RpcClient::waitClosed(std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  std::string line;
  while (Clock::now() < deadline) {
    if (eof_) return true;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (!readLine(&line, left) && eof_) return true;
  }
  return eof_;
}

json resultOf(const std::optional<json>& reply) {
  if (!reply || !reply->contains("result")) return nullptr;
  return (*reply)["result"];
}

int errorCode(const std::optional<json>& reply) {
  if (!reply || !reply->contains("error")) return 0;
  return (*reply)["error"].value("code", 0);
}

std::string errorMessage(const std::optional<json>& reply) {
  if (!reply || !reply->contains("error")) return "";
  return (*reply)["error"].value("message", "");
}

}  // namespace sup::test
