#include "tools/pidproxy/pidproxy_rules.h"

#include <cerrno>
#include <climits>
#include <csignal>
#include <cstring>
#include <vector>

#include "common/py_text.h"

namespace sup::pidproxy {

std::string usage(const std::string& argv0) {
  return "pidproxy -- run command and proxy signals to it via its pidfile.\n"
         "\n"
         "This executable runs a command and then monitors a pidfile.  When this\n"
         "executable receives a signal, it sends the same signal to the pid\n"
         "in the pidfile.\n"
         "\n"
         "Usage: " +
         argv0 + " <pidfile name> <command> [<cmdarg1> ...]\n\n";
}

std::string normpath(const std::string& path) {
  if (path.empty()) return ".";
  size_t slashes = path[0] == '/' ? 1 : 0;
  // POSIX leaves the meaning of exactly two leading slashes to the system.
  if (path.compare(0, 2, "//") == 0 && path.compare(0, 3, "///") != 0) slashes = 2;
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    std::string part = path.substr(start, end - start);
    start = end + 1;
    if (part.empty() || part == ".") continue;
    if (part != ".." || (slashes == 0 && parts.empty()) ||
        (!parts.empty() && parts.back() == "..")) {
      parts.push_back(part);
    } else if (!parts.empty()) {
      parts.pop_back();
    }
  }
  std::string out(slashes, '/');
  for (size_t k = 0; k < parts.size(); ++k) {
    if (k > 0) out += '/';
    out += parts[k];
  }
  return out.empty() ? "." : out;
}

std::string abspath(const std::string& path, const std::string& cwd) {
  if (!path.empty() && path[0] == '/') return normpath(path);
  std::string joined = cwd;
  if (joined.empty() || joined.back() != '/') joined += '/';
  return normpath(joined + path);
}

std::optional<int> parsePid(std::string_view text) {
  // int() strips Unicode whitespace itself, as strip() does before it.
  std::string_view s = py::stripView(text);
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty() || s.front() == '_' || s.back() == '_') return std::nullopt;
  long long value = 0;
  bool last_underscore = false;
  for (char c : s) {
    if (c == '_') {
      if (last_underscore) return std::nullopt;
      last_underscore = true;
      continue;
    }
    last_underscore = false;
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
    if (value > INT_MAX) return std::nullopt;  // beyond any pid
  }
  if (negative || value == 0) return std::nullopt;
  return static_cast<int>(value);
}

std::string cannotReadPidfile(const std::string& pidfile) {
  return "Can't read child pidfile " + pidfile + "!";
}

bool forwards(int signo) {
  return signo == SIGTERM || signo == SIGHUP || signo == SIGINT || signo == SIGUSR1 ||
         signo == SIGUSR2 || signo == SIGQUIT;
}

bool exitsAfterForwarding(int signo) {
  return signo == SIGTERM || signo == SIGINT || signo == SIGQUIT;
}

std::string osErrorLine(int err) {
  // The OSError subclass Python raises for this errno (PEP 3151).
  const char* type = "OSError";
  if (err == ESRCH) type = "ProcessLookupError";
  if (err == EPERM || err == EACCES) type = "PermissionError";
  if (err == EAGAIN) type = "BlockingIOError";
  return std::string(type) + ": [Errno " + std::to_string(err) + "] " + std::strerror(err);
}

}  // namespace sup::pidproxy
