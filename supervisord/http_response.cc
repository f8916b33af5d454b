#include "supervisord/http_response.h"

#include <cstdio>

namespace sup::http {

std::string_view reasonPhrase(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 200:
      return "OK";
    case 303:
      return "See Other";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Time-out";
    case 411:
      return "Length Required";
    case 413:
      return "Request Entity Too Large";
    case 414:
      return "Request-URI Too Large";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    case 505:
      return "HTTP Version not supported";
    default:
      return "Unknown";
  }
}

std::string httpDate(std::time_t when) {
  std::tm tm{};
  ::gmtime_r(&when, &tm);
  // strftime's %a/%b follow the locale; the protocol wants English.
  static const char* const kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[tm.tm_wday % 7],
                tm.tm_mday, kMonths[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buf;
}

Response errorResponse(int status) {
  Response r;
  r.status = status;
  std::string code = std::to_string(status);
  r.body =
      "<head>\r\n<title>Error response</title>\r\n</head>\r\n<body>\r\n"
      "<h1>Error response</h1>\r\n<p>Error code " +
      code + ".\r\n<p>Message: " + std::string(reasonPhrase(status)) + ".\r\n</body>\r\n";
  r.headers.push_back({"Content-Type", "text/html"});
  return r;
}

std::string formatHead(int minor_version, int status, const std::vector<Header>& headers) {
  std::string out = "HTTP/1." + std::to_string(minor_version) + " " + std::to_string(status) + " " +
                    std::string(reasonPhrase(status)) + "\r\n";
  for (const auto& h : headers) {
    out += h.name;
    out += ": ";
    out += h.value;
    out += "\r\n";
  }
  out += "\r\n";
  return out;
}

std::string chunk(std::string_view data) {
  char size[24];
  int n = std::snprintf(size, sizeof size, "%zx\r\n", data.size());
  std::string out;
  out.reserve(static_cast<std::size_t>(n) + data.size() + 2);
  out.append(size, static_cast<std::size_t>(n));
  out.append(data);
  out += "\r\n";
  return out;
}

std::string_view serverName() {
  return "supervisor-cpp/" SUP_VERSION;
}

}  // namespace sup::http
