// Supervisor's capture mode (stdout_capture_maxbytes / stderr_...): output
// between <!--XSUPERVISOR:BEGIN--> and <!--XSUPERVISOR:END--> does not go
// to the normal log; it goes to the capture log, a buffer bounded by
// capture_maxbytes exactly as Supervisor's BoundIO is, and at the end token
// becomes the data of a PROCESS_COMMUNICATION event. Tokens split across
// reads are found. Pure: no I/O, the caller routes the pieces.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace sup {

inline constexpr std::string_view kCaptureBeginToken = "<!--XSUPERVISOR:BEGIN-->";
inline constexpr std::string_view kCaptureEndToken = "<!--XSUPERVISOR:END-->";

class CaptureMode {
 public:
  using Sink = std::function<void(std::string_view data)>;
  explicit CaptureMode(long long maxbytes) : maxbytes_(maxbytes) {}

  /// Route newly read bytes: what belongs to the normal log goes to
  /// `to_log` (in order), what lies between the tokens to the capture log,
  /// and each completed capture to `on_event`. As in Supervisor, bytes that
  /// may begin a token are held back until the next read tells.
  /// `on_captured` (optional) sees the bytes that go to the capture log, as
  /// Supervisor's _log() does (its debug line and PROCESS_LOG events).
  void feed(std::string_view data, const Sink& to_log, const Sink& on_event,
            const Sink& on_captured = {});
  /// The pipe closed: held-back bytes are scanned once more (a token at the
  /// very end counts) and go where they were headed (Supervisor loses these
  /// last few bytes), and an unfinished capture is dropped (Supervisor never
  /// emits it either).
  void finish(const Sink& to_log, const Sink& on_event, const Sink& on_captured = {});

  bool capturing() const { return capturing_; }
  /// The capture log's contents so far.
  const std::string& captured() const { return captured_; }
  /// Bytes held back because they may begin a token.
  const std::string& held() const { return held_; }
  /// Continue where another CaptureMode left off (re-exec).
  void restore(bool capturing, std::string held, std::string captured) {
    capturing_ = capturing;
    held_ = std::move(held);
    captured_ = std::move(captured);
  }

 private:
  void route(std::string_view data, const Sink& to_log, const Sink& on_captured);
  /// Supervisor's record_output(); `final`: no more bytes will come.
  void scan(const Sink& to_log, const Sink& on_event, const Sink& on_captured, bool final);
  /// BoundIO.write: past maxbytes, drop as many old bytes as are added.
  void capture(std::string_view data);

  long long maxbytes_;
  bool capturing_ = false;
  std::string held_;
  std::string captured_;
};

}  // namespace sup
