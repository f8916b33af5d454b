// A raw HTTP client for integration tests of the control socket's HTTP side
// (Supervisor's XML-RPC at /RPC2, the /logtail streams): one connection,
// bytes sent as the test writes them (malformed ones included), responses
// read with deadlines, bodies by Content-Length, chunked or until close.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sup::test {

struct HttpResponse {
  int status = 0;
  std::string status_line;
  std::map<std::string, std::string> headers;  ///< names lower-cased
  std::string body;
  std::string header(const std::string& lower_name) const;
};

class HttpClient {
 public:
  /// Connect to a Unix socket path (retrying until `timeout`).
  static HttpClient unixSocket(const std::string& path,
                               std::chrono::milliseconds timeout = std::chrono::seconds(5));
  /// Connect to 127.0.0.1:port.
  static HttpClient tcp(int port, std::chrono::milliseconds timeout = std::chrono::seconds(5));
  HttpClient(HttpClient&& other) noexcept;
  ~HttpClient();

  bool connected() const { return fd_ >= 0; }
  void close();
  bool sendRaw(std::string_view bytes);
  /// POST /RPC2 HTTP/1.1 with `xml`, keep-alive, optional Authorization.
  bool postXml(const std::string& xml, const std::string& authorization = "");

  /// One complete response; nullopt on timeout, EOF before its end, or junk.
  std::optional<HttpResponse> readResponse(
      std::chrono::milliseconds timeout = std::chrono::seconds(10));
  /// The head of a streamed response (its body then comes via readStream).
  std::optional<HttpResponse> readHead(
      std::chrono::milliseconds timeout = std::chrono::seconds(10));
  /// More body of a streamed response, de-chunked when `chunked`, until
  /// `needle` has appeared in everything read so far; false on timeout/EOF.
  bool readStreamUntil(const std::string& needle, bool chunked, std::string* body,
                       std::chrono::milliseconds timeout = std::chrono::seconds(10));
  /// True when the server closes within `timeout`.
  bool waitClosed(std::chrono::milliseconds timeout = std::chrono::seconds(10));

 private:
  HttpClient() = default;
  bool fill(std::chrono::steady_clock::time_point deadline);
  std::optional<HttpResponse> parseHead();
  bool readChunkedInto(std::string* out, std::chrono::steady_clock::time_point deadline,
                       bool until_last);

  int fd_ = -1;
  std::string buf_;
  bool eof_ = false;
};

/// A methodCall document; each param is XML-RPC value markup already,
/// e.g. "<string>web</string>" or "<int>5</int>".
std::string xmlCall(const std::string& method, const std::vector<std::string>& params = {});
/// "Basic <base64 of user:password>".
std::string basicAuth(const std::string& user, const std::string& password);
/// A free TCP port on 127.0.0.1.
int freePort();

}  // namespace sup::test
