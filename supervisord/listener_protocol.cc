#include "supervisord/listener_protocol.h"

#include <algorithm>
#include <limits>

#include "common/py_text.h"

namespace sup {
namespace {

constexpr std::string_view kReadyToken = "READY\n";
// Supervisor skips this many bytes of a result line ("RESULT ") unread.
constexpr std::size_t kResultTokenLen = 7;
// Longer than any answer the default result handler accepts ("OK").
constexpr std::size_t kResultHeadKept = 3;
// CPython refuses to convert more digits than this (sys.int_info).
constexpr std::size_t kMaxIntDigits = 4300;

bool pySpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

}  // namespace

std::string_view listenerStateName(ListenerState state) {
  switch (state) {
    case ListenerState::kReady:
      return "READY";
    case ListenerState::kBusy:
      return "BUSY";
    case ListenerState::kAcknowledged:
      return "ACKNOWLEDGED";
    case ListenerState::kUnknown:
      break;
  }
  return "UNKNOWN";
}

std::optional<std::int64_t> pyIntFromBytes(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && pySpace(s[b])) ++b;
  while (e > b && pySpace(s[e - 1])) --e;
  s = s.substr(b, e - b);
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return std::nullopt;
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  std::int64_t v = 0;
  std::size_t digits = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '_') {
      // Only single underscores between two digits.
      if (i == 0 || i + 1 == s.size() || s[i - 1] == '_') return std::nullopt;
      continue;
    }
    if (c < '0' || c > '9') return std::nullopt;
    if (++digits > kMaxIntDigits) return std::nullopt;
    v = v > (kMax - (c - '0')) / 10 ? kMax : v * 10 + (c - '0');
  }
  return negative ? -v : v;
}

void ListenerProtocol::reset() {
  state_ = ListenerState::kAcknowledged;
  buffer_.clear();
  result_len_.reset();
  result_got_ = 0;
  result_head_.clear();
}

void ListenerProtocol::log(LogLevel level, std::string line, std::vector<Step>& out) {
  out.push_back(Step{Step::Kind::kLog, level, std::move(line)});
}

void ListenerProtocol::changeState(ListenerState to, std::vector<Step>& out) {
  if (debug_) {
    log(LogLevel::Debug,
        name_ + ": " + std::string(listenerStateName(state_)) + " -> " +
            std::string(listenerStateName(to)),
        out);
  }
  state_ = to;
  if (to == ListenerState::kUnknown) {
    log(LogLevel::Warn,
        name_ +
            ": has entered the UNKNOWN state and will no longer receive events, this usually "
            "indicates the process violated the eventlistener protocol",
        out);
  }
}

void ListenerProtocol::feed(std::string_view data, std::vector<Step>& out) {
  buffer_.append(data);
  while (!buffer_.empty()) {
    switch (state_) {
      case ListenerState::kUnknown:
        // Fatal until the listener is restarted: whatever it says is dropped.
        buffer_.clear();
        return;
      case ListenerState::kAcknowledged:
        if (buffer_.size() < kReadyToken.size()) return;
        if (buffer_.compare(0, kReadyToken.size(), kReadyToken) == 0) {
          changeState(ListenerState::kReady, out);
          buffer_.erase(0, kReadyToken.size());
        } else {
          changeState(ListenerState::kUnknown, out);
          buffer_.clear();
        }
        break;
      case ListenerState::kReady:
        // Nothing may be said while waiting for an event.
        changeState(ListenerState::kUnknown, out);
        buffer_.clear();
        return;
      case ListenerState::kBusy:
        if (!stepBusy(out)) return;
        break;
    }
  }
}

bool ListenerProtocol::stepBusy(std::vector<Step>& out) {
  if (!result_len_) {
    std::size_t pos = buffer_.find('\n');
    if (pos == std::string::npos && buffer_.size() <= kMaxResultLine) return false;
    std::string line = buffer_.substr(0, pos);
    buffer_.erase(0, pos == std::string::npos ? buffer_.size() : pos + 1);
    std::optional<std::int64_t> len;
    if (line.size() >= kResultTokenLen)
      len = pyIntFromBytes(std::string_view(line).substr(kResultTokenLen));
    if (!len || *len < 0) {
      log(LogLevel::Warn, name_ + ": bad result line: '" + py::decodedOrUndecodable(line) + "'",
          out);
      changeState(ListenerState::kUnknown, out);
      buffer_.clear();
      out.push_back(Step{Step::Kind::kRejected, LogLevel::Debug, {}});
      return false;
    }
    result_len_ = static_cast<std::uint64_t>(*len);
    return true;
  }
  std::uint64_t needed = *result_len_ - result_got_;
  std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(needed, buffer_.size()));
  if (result_head_.size() < kResultHeadKept) {
    result_head_.append(buffer_, 0, std::min(take, kResultHeadKept - result_head_.size()));
  }
  buffer_.erase(0, take);
  result_got_ += take;
  if (result_got_ == *result_len_) handleResult(out);
  return true;
}

void ListenerProtocol::handleResult(std::vector<Step>& out) {
  bool ok = result_got_ == 2 && result_head_ == "OK";
  result_len_.reset();
  result_got_ = 0;
  result_head_.clear();
  if (ok) {
    if (debug_) log(LogLevel::Debug, name_ + ": event was processed", out);
    changeState(ListenerState::kAcknowledged, out);
    out.push_back(Step{Step::Kind::kProcessed, LogLevel::Debug, {}});
  } else {
    log(LogLevel::Warn, name_ + ": event was rejected", out);
    changeState(ListenerState::kAcknowledged, out);
    out.push_back(Step{Step::Kind::kRejected, LogLevel::Debug, {}});
  }
}

}  // namespace sup
