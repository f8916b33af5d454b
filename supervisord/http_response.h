// The bytes of HTTP responses, as Supervisor's medusa server writes them:
// status line in the request's HTTP version, its error page, RFC 1123 dates,
// chunked framing for streams. Pure text functions; http_session.cc decides
// which response goes out when.
#pragma once

#include <ctime>
#include <string>
#include <string_view>
#include <vector>

#include "supervisord/http_request.h"

namespace sup::http {

struct Response {
  int status = 200;
  /// Content-Type and any others; the session adds Server, Date,
  /// Content-Length and Connection.
  std::vector<Header> headers;
  std::string body;
  /// Close the connection after this response whatever the client asked
  /// (medusa does after a 401).
  bool close = false;
};

/// "OK", "Not Found", ... (medusa's table); "Unknown" for others.
std::string_view reasonPhrase(int status);

/// An RFC 1123 date in GMT: "Sun, 06 Nov 1994 08:49:37 GMT".
std::string httpDate(std::time_t when);

/// medusa's error response: its HTML page as body, Content-Type text/html.
Response errorResponse(int status);

/// "HTTP/1.<minor> <status> <reason>\r\n", each header, then "\r\n".
std::string formatHead(int minor_version, int status, const std::vector<Header>& headers);

/// One chunk of a chunked body: "<hex size>\r\n<data>\r\n"; data must not be
/// empty (an empty chunk ends the body: kLastChunk).
std::string chunk(std::string_view data);
inline constexpr std::string_view kLastChunk = "0\r\n\r\n";

/// The value of our Server header.
std::string_view serverName();

}  // namespace sup::http
