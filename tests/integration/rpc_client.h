// A raw JSON-RPC client for the daemon's control socket, for integration
// tests: one connection, requests as compact lines, replies read with
// deadlines. It sends whatever bytes a test asks for (garbage included) so
// tests can probe the server's framing as well as its methods.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace sup::test {

using json = nlohmann::json;

class RpcClient {
 public:
  /// Connect to the Unix socket at `path` (retrying until `timeout`).
  explicit RpcClient(const std::string& path,
                     std::chrono::milliseconds timeout = std::chrono::seconds(5));
  ~RpcClient();
  RpcClient(const RpcClient&) = delete;
  RpcClient& operator=(const RpcClient&) = delete;

  bool connected() const { return fd_ >= 0; }
  void close();

  /// Write raw bytes (all of them, or false).
  bool sendRaw(std::string_view bytes);
  /// Send {"jsonrpc":"2.0","id":N,"method":..,"params":..}; returns N.
  int send(const std::string& method, const json& params = json::array());
  /// The next line from the server, parsed; nullopt on timeout, EOF or a
  /// line that is not JSON.
  std::optional<json> read(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  /// The reply with id `id`, skipping other messages.
  std::optional<json> waitReply(int id, std::chrono::milliseconds timeout = std::chrono::seconds(5));
  /// send + waitReply: the whole reply object ({"result":..} or {"error":..}).
  std::optional<json> call(const std::string& method, const json& params = json::array(),
                           std::chrono::milliseconds timeout = std::chrono::seconds(5));
  /// True when the server closed the connection within `timeout`
  /// (anything it still sent is discarded).
  bool waitClosed(std::chrono::milliseconds timeout = std::chrono::seconds(5));

 private:
  /// One line into *line; false on timeout or EOF.
  bool readLine(std::string* line, std::chrono::milliseconds timeout);

  int fd_ = -1;
  int next_id_ = 1;
  std::string buf_;
  bool eof_ = false;
};

/// The result of a reply, or null when it is an error / missing.
json resultOf(const std::optional<json>& reply);
/// The error code of a reply, or 0 when it is a result / missing.
int errorCode(const std::optional<json>& reply);
/// The error message of a reply ("" when none).
std::string errorMessage(const std::optional<json>& reply);

}  // namespace sup::test
