#include "supervisord/capture_mode.h"

namespace sup {
namespace {

// Supervisor's find_prefix_at_end: the length of the longest proper prefix
// of `token` that `data` ends with.
size_t prefixAtEnd(std::string_view data, std::string_view token) {
  for (size_t len = token.size() - 1; len > 0; --len) {
    if (data.size() >= len && data.substr(data.size() - len) == token.substr(0, len)) return len;
  }
  return 0;
}

}  // namespace

void CaptureMode::capture(std::string_view data) {
  if (static_cast<long long>(captured_.size() + data.size()) > maxbytes_) {
    captured_.erase(0, std::min(captured_.size(), data.size()));
  }
  captured_.append(data);
}

void CaptureMode::route(std::string_view data, const Sink& to_log, const Sink& on_captured) {
  if (data.empty()) return;
  if (capturing_) {
    capture(data);
    if (on_captured) on_captured(data);
  } else {
    to_log(data);
  }
}

void CaptureMode::feed(std::string_view data, const Sink& to_log, const Sink& on_event,
                       const Sink& on_captured) {
  held_.append(data);
  scan(to_log, on_event, on_captured, false);
}

void CaptureMode::scan(const Sink& to_log, const Sink& on_event, const Sink& on_captured,
                       bool final) {
  while (!held_.empty()) {
    std::string_view token = capturing_ ? kCaptureEndToken : kCaptureBeginToken;
    // Supervisor waits for more than a token's length before looking.
    if (!final && held_.size() <= token.size()) return;
    std::string buffer = std::move(held_);
    held_.clear();
    size_t at = buffer.find(token);
    if (at == std::string::npos) {
      size_t keep = final ? 0 : prefixAtEnd(buffer, token);
      held_ = buffer.substr(buffer.size() - keep);
      route(std::string_view(buffer).substr(0, buffer.size() - keep), to_log, on_captured);
      return;
    }
    route(std::string_view(buffer).substr(0, at), to_log, on_captured);
    capturing_ = !capturing_;
    if (!capturing_) {
      on_event(captured_);
      captured_.clear();
    }
    held_ = buffer.substr(at + token.size());
  }
}

void CaptureMode::finish(const Sink& to_log, const Sink& on_event, const Sink& on_captured) {
  scan(to_log, on_event, on_captured, true);
  capturing_ = false;
  captured_.clear();
}

}  // namespace sup
