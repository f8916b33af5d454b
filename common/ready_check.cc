#include "common/ready_check.h"

#include <arpa/inet.h>

#include "common/config_values.h"
#include "common/py_text.h"
#include "common/shlex.h"

namespace sup::cv {
namespace {

Error invalid(std::string_view text, const std::string& why) {
  return Error{"invalid 'ready' value " + py::repr(text) + " (" + why + ")"};
}

bool isAddress(int family, const std::string& host) {
  unsigned char buf[16];
  return ::inet_pton(family, host.c_str(), buf) == 1;
}

Result<ReadyCheck> tcpCheck(std::string_view text, std::string_view rest) {
  ReadyCheck c;
  c.kind = ReadyCheck::Kind::Tcp;
  c.host = "127.0.0.1";
  std::string_view port = rest;
  if (!rest.empty() && rest.front() == '[') {
    size_t close = rest.find(']');
    if (close == std::string_view::npos || rest.substr(close + 1, 1) != ":")
      return invalid(text, "an IPv6 address is written [ADDRESS]:PORT");
    c.host = std::string(rest.substr(1, close - 1));
    if (!isAddress(AF_INET6, c.host)) return invalid(text, c.host + " is not an IPv6 address");
    port = rest.substr(close + 2);
  } else if (size_t colon = rest.rfind(':'); colon != std::string_view::npos) {
    std::string host(rest.substr(0, colon));
    port = rest.substr(colon + 1);
    if (host.find(':') != std::string::npos) {
      return invalid(text, "an IPv6 address is written [ADDRESS]:PORT");
    } else if (py::lower(host) == "localhost") {
      c.host = "127.0.0.1";
    } else if (isAddress(AF_INET, host)) {
      c.host = host;
    } else {
      return invalid(text,
                     "HOST must be an IP address or localhost: the daemon does not look "
                     "names up");
    }
  }
  bool digits = !port.empty() && port.size() <= 5;
  for (char ch : port) digits = digits && ch >= '0' && ch <= '9';
  int number = digits ? std::stoi(std::string(port)) : 0;
  if (number < 1 || number > 65535) return invalid(text, "PORT must be 1 to 65535");
  c.port = number;
  return c;
}

}  // namespace

Result<ReadyCheck> readyCheck(std::string_view text) {
  std::string value = py::strip(text);
  size_t colon = value.find(':');
  std::string kind = py::lower(value.substr(0, colon));
  std::string rest = colon == std::string::npos ? "" : value.substr(colon + 1);
  ReadyCheck c;
  if (colon == std::string::npos && kind == "running") return c;
  if (colon == std::string::npos && kind == "notify") {
    c.kind = ReadyCheck::Kind::Notify;
    return c;
  }
  if (colon != std::string::npos && kind == "tcp") return tcpCheck(text, rest);
  if (colon != std::string::npos && kind == "exec") {
    auto argv = shlexSplit(rest);
    if (!argv.ok()) return invalid(text, argv.error().message);
    if (argv->empty()) return invalid(text, "exec: needs a command");
    c.kind = ReadyCheck::Kind::Exec;
    c.command = py::strip(rest);
    c.argv = std::move(*argv);
    return c;
  }
  return invalid(text, "expected running, notify, tcp:[HOST:]PORT or exec:COMMAND");
}

Result<int> readyTimeout(std::string_view text) {
  auto v = integer(text);
  if (!v.ok() || *v < 0 || *v > 86400 * 365) {
    return Error{"invalid 'ready_timeout' value " + py::repr(text) +
                 " (expected whole seconds, 0 for no limit)"};
  }
  return static_cast<int>(*v);
}

}  // namespace sup::cv

namespace sup {

std::string readyCheckText(const ReadyCheck& c) {
  switch (c.kind) {
    case ReadyCheck::Kind::Running:
      return "running";
    case ReadyCheck::Kind::Notify:
      return "notify";
    case ReadyCheck::Kind::Tcp:
      return "tcp:" + (c.host.find(':') != std::string::npos ? "[" + c.host + "]" : c.host) + ":" +
             std::to_string(c.port);
    case ReadyCheck::Kind::Exec:
      return "exec:" + c.command;
  }
  return "running";
}

}  // namespace sup
