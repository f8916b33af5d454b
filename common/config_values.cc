#include "common/config_values.h"

#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>

#include "common/log_level.h"
#include "common/py_text.h"

namespace sup::cv {
namespace {

constexpr const char* kTruthy[] = {"yes", "true", "on", "1"};
constexpr const char* kFalsy[] = {"no", "false", "off", "0"};

bool oneOf(const std::string& s, const char* const (&set)[4]) {
  for (const char* v : set) {
    if (s == v) return true;
  }
  return false;
}

// Python int(text, base) for bases 8 and 10; nullopt when Python raises.
std::optional<long long> pythonInt(std::string_view text, int base) {
  std::string s = py::strip(text);
  size_t i = 0;
  bool negative = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
  if (base == 8 && i + 1 < s.size() && s[i] == '0' && (s[i + 1] == 'o' || s[i + 1] == 'O')) {
    i += 2;
    if (i < s.size() && s[i] == '_') ++i;  // int('0o_7', 8) is allowed
  }
  if (i >= s.size()) return std::nullopt;
  unsigned long long value = 0;
  bool prev_digit = false;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c == '_') {
      if (!prev_digit || i + 1 >= s.size() || s[i + 1] == '_') return std::nullopt;
      prev_digit = false;
      continue;
    }
    if (c < '0' || c >= '0' + base) return std::nullopt;
    value = value * static_cast<unsigned>(base) + static_cast<unsigned>(c - '0');
    if (value > static_cast<unsigned long long>(LLONG_MAX)) return std::nullopt;
    prev_digit = true;
  }
  long long v = static_cast<long long>(value);
  return negative ? -v : v;
}

Error intError(std::string_view text) {
  return Error{"invalid literal for int() with base 10: " + py::repr(text)};
}

}  // namespace

Result<long long> integer(std::string_view text) {
  auto v = pythonInt(text, 10);
  if (!v) return intError(text);
  return *v;
}

Result<int> octal(std::string_view text) {
  auto v = pythonInt(text, 8);
  if (!v || *v > INT_MAX || *v < INT_MIN) {
    return Error{std::string(text) + " can not be converted to an octal type"};
  }
  return static_cast<int>(*v);
}

Result<bool> boolean(std::string_view text) {
  std::string s = py::lower(text);
  if (oneOf(s, kTruthy)) return true;
  if (oneOf(s, kFalsy)) return false;
  return Error{"not a valid boolean value: " + py::repr(text)};
}

Result<long long> byteSize(std::string_view text) {
  std::string v = py::lower(text);
  static const std::pair<const char*, long long> kSuffixes[] = {
      {"kb", 1024LL}, {"mb", 1024LL * 1024}, {"gb", 1024LL * 1024 * 1024}};
  for (const auto& [suffix, mult] : kSuffixes) {
    // v[-2:] == suffix, which also holds for v == "kb" itself (int('') fails).
    if (v.size() >= 2 && v.compare(v.size() - 2, 2, suffix) == 0) {
      std::string head = v.substr(0, v.size() - 2);
      auto n = pythonInt(head, 10);
      if (!n) return intError(head);
      return *n * mult;
    }
  }
  auto n = pythonInt(v, 10);
  if (!n) return intError(v);
  return *n;
}

Result<std::string> loggingLevel(std::string_view text) {
  std::string s = py::lower(text);
  if (parseLogLevel(s)) return s;
  return Error{"bad logging level name " + py::repr(text)};
}

Result<int> signalNumber(std::string_view text) {
  static const std::pair<const char*, int> kNames[] = {
      {"SIGABRT", 6},    {"SIGALRM", 14},   {"SIGBUS", 7},     {"SIGCHLD", 17},  {"SIGCLD", 17},
      {"SIGCONT", 18},   {"SIGFPE", 8},     {"SIGHUP", 1},     {"SIGILL", 4},    {"SIGINT", 2},
      {"SIGIO", 29},     {"SIGIOT", 6},     {"SIGKILL", 9},    {"SIGPIPE", 13},  {"SIGPOLL", 29},
      {"SIGPROF", 27},   {"SIGPWR", 30},    {"SIGQUIT", 3},    {"SIGRTMAX", 64}, {"SIGRTMIN", 34},
      {"SIGSEGV", 11},   {"SIGSTKFLT", 16}, {"SIGSTOP", 19},   {"SIGSYS", 31},   {"SIGTERM", 15},
      {"SIGTRAP", 5},    {"SIGTSTP", 20},   {"SIGTTIN", 21},   {"SIGTTOU", 22},  {"SIGURG", 23},
      {"SIGUSR1", 10},   {"SIGUSR2", 12},   {"SIGVTALRM", 26}, {"SIGWINCH", 28}, {"SIGXCPU", 24},
      {"SIGXFSZ", 25},   {"SIG_BLOCK", 0},  {"SIG_DFL", 0},    {"SIG_IGN", 1},   {"SIG_SETMASK", 2},
      {"SIG_UNBLOCK", 1}};
  // Python's signal module on Linux: everything named SIG* is a valid number
  // (including SIG_DFL=0 and friends), so 1..31, 0, 34 and 64.
  auto valid = [](long long n) { return (n >= 0 && n <= 31) || n == 34 || n == 64; };
  long long num;
  if (auto n = pythonInt(text, 10)) {
    num = *n;
  } else {
    std::string name = py::upper(py::strip(text));
    if (name.rfind("SIG", 0) != 0) name = "SIG" + name;
    std::optional<int> found;
    for (const auto& [n2, v] : kNames) {
      if (name == n2) found = v;
    }
    if (!found) return Error{"value " + py::repr(text) + " is not a valid signal name"};
    num = *found;
  }
  if (!valid(num)) return Error{"value " + py::repr(text) + " is not a valid signal number"};
  return static_cast<int>(num);
}

Result<std::vector<int>> exitCodes(std::string_view text) {
  std::vector<int> codes;
  if (text.empty()) return codes;
  size_t start = 0;
  while (true) {
    size_t comma = text.find(',', start);
    std::string_view part =
        text.substr(start, comma == std::string_view::npos ? comma : comma - start);
    auto v = pythonInt(part, 10);
    if (!v || *v < 0 || *v > 255) {
      return Error{"not a valid list of exit codes: " + py::repr(text)};
    }
    codes.push_back(static_cast<int>(*v));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return codes;
}

Result<AutoRestart> autoRestart(std::string_view text) {
  std::string v = py::lower(text);
  if (oneOf(v, kTruthy)) return AutoRestart::True;
  if (oneOf(v, kFalsy)) return AutoRestart::False;
  if (v == "unexpected") return AutoRestart::Unexpected;
  return Error{"invalid 'autorestart' value " + py::repr(v)};
}

Result<std::string> processOrGroupName(std::string_view text) {
  std::string s = py::strip(text);
  for (char c : {' ', ':', '/'}) {
    if (s.find(c) != std::string::npos) {
      return Error{"Invalid name: " + py::repr(text) +
                   " because of character: " + py::repr(std::string(1, c))};
    }
  }
  return s;
}

std::vector<std::string> listOfStrings(std::string_view text) {
  std::vector<std::string> out;
  if (text.empty()) return out;
  size_t start = 0;
  while (true) {
    size_t comma = text.find(',', start);
    out.push_back(
        py::strip(text.substr(start, comma == std::string_view::npos ? comma : comma - start)));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

Result<std::pair<std::string, int>> inetAddress(std::string_view text) {
  auto portNumber = [](std::string_view s) -> Result<int> {
    auto v = integer(s);
    if (!v.ok()) return v.error();
    if (*v < 1) return Error{std::to_string(*v) + " is below lower bound (1)"};
    if (*v > 0xffff) return Error{std::to_string(*v) + " is above upper bound (65535)"};
    return static_cast<int>(*v);
  };
  std::string host;
  int port;
  size_t colon = text.rfind(':');
  if (colon != std::string_view::npos) {
    host = py::lower(text.substr(0, colon));
    std::string_view rest = text.substr(colon + 1);
    if (rest.empty()) return Error{"no port number specified in ''"};
    auto p = portNumber(rest);
    if (!p.ok()) return p.error();
    port = *p;
  } else {
    auto p = portNumber(text);
    if (!p.ok()) return Error{"not a valid port number: " + py::repr(text) + " "};
    port = *p;
  }
  if (host == "*") host.clear();
  return std::make_pair(host, port);
}

std::string expandUser(std::string_view path, const Env& env) {
  if (path.empty() || path[0] != '~') return std::string(path);
  size_t slash = path.find('/', 1);
  if (slash == std::string_view::npos) slash = path.size();
  std::string home;
  if (slash == 1) {
    auto it = env.environ ? env.environ->find("HOME") : decltype(env.environ->end()){};
    if (env.environ && it != env.environ->end()) {
      home = it->second;
    } else {
      struct passwd* pw = ::getpwuid(::getuid());
      if (!pw) return std::string(path);
      home = pw->pw_dir;
    }
  } else {
    std::string name(path.substr(1, slash - 1));
    struct passwd* pw = ::getpwnam(name.c_str());
    if (!pw) return std::string(path);
    home = pw->pw_dir;
  }
  while (!home.empty() && home.back() == '/') home.pop_back();
  std::string out = home + std::string(path.substr(slash));
  return out.empty() ? "/" : out;
}

std::string normPath(std::string_view path) {
  if (path.empty()) return ".";
  size_t initial = 0;
  if (path[0] == '/')
    initial = (path.size() > 1 && path[1] == '/' && (path.size() == 2 || path[2] != '/')) ? 2 : 1;
  std::vector<std::string> parts;
  size_t i = 0;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    std::string comp(path.substr(i, j - i));
    if (!comp.empty() && comp != ".") {
      if (comp != ".." || (initial == 0 && parts.empty()) ||
          (!parts.empty() && parts.back() == "..")) {
        parts.push_back(comp);
      } else if (!parts.empty()) {
        parts.pop_back();
      }
    }
    i = j + 1;
  }
  std::string out(initial, '/');
  for (size_t k = 0; k < parts.size(); ++k) {
    if (k) out += '/';
    out += parts[k];
  }
  return out.empty() ? "." : out;
}

std::string normalizePath(std::string_view path, const Env& env) {
  std::string p = expandUser(path, env);
  if (p.empty() || p[0] != '/')
    p = env.cwd + (env.cwd.size() && env.cwd.back() == '/' ? "" : "/") + p;
  return normPath(p);
}

namespace {
bool isDirectory(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}
}  // namespace

Result<std::string> existingDirectory(std::string_view text, const Env& env) {
  std::string nv = expandUser(text, env);
  if (!env.check_filesystem || isDirectory(nv)) return nv;
  return Error{std::string(text) + " is not an existing directory"};
}

Result<std::string> existingDirpath(std::string_view text, const Env& env) {
  std::string nv = expandUser(text, env);
  size_t slash = nv.rfind('/');
  if (slash == std::string::npos || !env.check_filesystem) return nv;
  std::string dir = nv.substr(0, slash);
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();  // dirname() keeps only "/"
  if (dir.empty()) dir = "/";
  if (isDirectory(dir)) return nv;
  return Error{"The directory named as part of the path " + std::string(text) + " does not exist"};
}

Result<LogFileSpec> logfileName(std::string_view text, const Env& env, bool* syslog) {
  std::string v = py::lower(text);
  LogFileSpec spec;
  if (syslog) *syslog = false;
  if (v == "none" || v == "off") {
    spec.kind = LogFileSpec::Kind::None;
  } else if (v == "auto") {
    spec.kind = LogFileSpec::Kind::Auto;
  } else if (v == "syslog") {
    spec.kind = LogFileSpec::Kind::None;
    if (syslog) *syslog = true;
  } else {
    auto path = existingDirpath(text, env);
    if (!path.ok()) return path.error();
    spec.kind = LogFileSpec::Kind::Path;
    spec.path = *path;
  }
  return spec;
}

Result<long long> nameToUid(std::string_view name) {
  std::string s(name);
  if (auto id = pythonInt(s, 10)) {
    if (!::getpwuid(static_cast<uid_t>(*id))) return Error{"Invalid user id " + s};
    return *id;
  }
  struct passwd* pw = ::getpwnam(s.c_str());
  if (!pw) return Error{"Invalid user name " + s};
  return pw->pw_uid;
}

Result<long long> nameToGid(std::string_view name) {
  std::string s(name);
  if (auto id = pythonInt(s, 10)) {
    if (!::getgrgid(static_cast<gid_t>(*id))) return Error{"Invalid group id " + s};
    return *id;
  }
  struct group* gr = ::getgrnam(s.c_str());
  if (!gr) return Error{"Invalid group name " + s};
  return gr->gr_gid;
}

Result<std::pair<std::string, std::optional<std::string>>> userGroup(std::string_view text,
                                                                     const Env& env) {
  size_t colon = text.find(':');
  std::string user(text.substr(0, colon));
  std::optional<std::string> group;
  if (colon != std::string_view::npos) group = std::string(text.substr(colon + 1));
  if (env.check_users) {
    bool bad = !nameToUid(user).ok() || (group && !nameToGid(*group).ok());
    if (bad) return Error{"Invalid user:group definition " + std::string(text)};
  }
  return std::make_pair(user, group);
}

}  // namespace sup::cv
