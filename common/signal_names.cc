// The Linux signal table, spelled the way Python's signal module (and hence
// Supervisor) spells it. Real-time signals are named RTMIN, RTMIN+n, RTMAX-n,
// RTMAX, as kill(1) does, because they have no fixed names of their own.
#include "common/signal_names.h"

#include <array>
#include <cctype>
#include <csignal>
#include <cstdlib>
#include <utility>

namespace sup {
namespace {

struct NamedSignal {
  const char* name;
  int number;
};

// Canonical names first: signalName() returns the first match, so aliases
// (IOT, CLD, POLL) come after the names Supervisor prints.
constexpr std::array<NamedSignal, 34> kSignals{{
    {"HUP", SIGHUP},   {"INT", SIGINT},       {"QUIT", SIGQUIT}, {"ILL", SIGILL},
    {"TRAP", SIGTRAP}, {"ABRT", SIGABRT},     {"BUS", SIGBUS},   {"FPE", SIGFPE},
    {"KILL", SIGKILL}, {"USR1", SIGUSR1},     {"SEGV", SIGSEGV}, {"USR2", SIGUSR2},
    {"PIPE", SIGPIPE}, {"ALRM", SIGALRM},     {"TERM", SIGTERM}, {"STKFLT", SIGSTKFLT},
    {"CHLD", SIGCHLD}, {"CONT", SIGCONT},     {"STOP", SIGSTOP}, {"TSTP", SIGTSTP},
    {"TTIN", SIGTTIN}, {"TTOU", SIGTTOU},     {"URG", SIGURG},   {"XCPU", SIGXCPU},
    {"XFSZ", SIGXFSZ}, {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF}, {"WINCH", SIGWINCH},
    {"IO", SIGIO},     {"PWR", SIGPWR},       {"SYS", SIGSYS},   {"IOT", SIGIOT},
    {"CLD", SIGCHLD},  {"POLL", SIGPOLL},
}};

std::string upperTrimmed(std::string_view text) {
  size_t b = 0, e = text.size();
  while (b < e && std::isspace(static_cast<unsigned char>(text[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(text[e - 1]))) --e;
  std::string out;
  for (size_t i = b; i < e; ++i)
    out += static_cast<char>(std::toupper(static_cast<unsigned char>(text[i])));
  return out;
}

// Plain decimal digits only (an optional sign handled by the caller).
std::optional<int> smallDecimal(std::string_view digits) {
  if (digits.empty() || digits.size() > 4) return std::nullopt;
  int value = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

std::optional<int> realtime(const std::string& name) {
  const int lo = SIGRTMIN, hi = SIGRTMAX;
  auto offset = [&](std::string_view rest, int sign) -> std::optional<int> {
    auto n = smallDecimal(rest);
    if (!n) return std::nullopt;
    return sign * *n;
  };
  std::optional<int> signo;
  if (name == "RTMIN") {
    signo = lo;
  } else if (name == "RTMAX") {
    signo = hi;
  } else if (name.rfind("RTMIN+", 0) == 0) {
    if (auto n = offset(std::string_view(name).substr(6), 1)) signo = lo + *n;
  } else if (name.rfind("RTMAX-", 0) == 0) {
    if (auto n = offset(std::string_view(name).substr(6), -1)) signo = hi + *n;
  }
  if (signo && *signo >= lo && *signo <= hi) return signo;
  return std::nullopt;
}

}  // namespace

std::optional<int> parseSignal(std::string_view text) {
  std::string name = upperTrimmed(text);
  if (name.empty()) return std::nullopt;
  if (auto n = smallDecimal(name)) {
    if (*n >= 1 && *n <= SIGRTMAX) return n;
    return std::nullopt;
  }
  if (name.rfind("SIG", 0) == 0) name.erase(0, 3);
  for (const auto& s : kSignals) {
    if (name == s.name) return s.number;
  }
  return realtime(name);
}

std::string signalName(int signo) {
  for (const auto& s : kSignals) {
    if (s.number == signo) return s.name;
  }
  const int lo = SIGRTMIN, hi = SIGRTMAX;
  if (signo < lo || signo > hi) return "";
  if (signo == lo) return "RTMIN";
  if (signo == hi) return "RTMAX";
  int mid = lo + (hi - lo) / 2;
  if (signo <= mid) return "RTMIN+" + std::to_string(signo - lo);
  return "RTMAX-" + std::to_string(hi - signo);
}

}  // namespace sup
