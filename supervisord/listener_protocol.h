// The event listener protocol as Supervisor 4.2.5 reads a listener's stdout
// (dispatchers.py PEventListenerDispatcher.handle_listener_state_change):
// READY\n, then after an event RESULT <n>\n and <n> bytes, "OK" accepting it
// and anything else rejecting it. Anything else is a protocol violation: the
// listener goes UNKNOWN for good (until it is restarted). Incremental over
// reads of any size. Pure: it returns the log lines and the outcome of the
// event in flight; the pool acts on them.
//
// Memory is bounded where Supervisor's is not: a result line is judged once
// it exceeds kMaxResultLine bytes without a newline, and of a result body
// only its first bytes are kept (all that "OK" needs), however long it says
// it is.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/log_level.h"

namespace sup {

/// states.py EventListenerStates.
enum class ListenerState { kReady = 10, kBusy = 20, kAcknowledged = 30, kUnknown = 40 };
std::string_view listenerStateName(ListenerState state);

/// Python's int() of a byte string in base 10: surrounding ASCII whitespace,
/// an optional sign, digits with single underscores between them. nullopt
/// where Python raises ValueError. Saturates instead of growing without end.
std::optional<std::int64_t> pyIntFromBytes(std::string_view text);

class ListenerProtocol {
 public:
  /// The longest result line waited for; a longer one is a bad result line.
  static constexpr std::size_t kMaxResultLine = 4096;

  struct Step {
    enum class Kind {
      kLog,        ///< write `line` to the main log at `level`
      kProcessed,  ///< the event in flight was accepted ("OK")
      kRejected,   ///< the event in flight goes back to the head of the pool's queue
    };
    Kind kind = Kind::kLog;
    LogLevel level = LogLevel::Debug;
    std::string line;
  };

  /// `name` is the process name, as Supervisor's messages show it.
  explicit ListenerProtocol(std::string name) : name_(std::move(name)) {}

  ListenerState state() const { return state_; }
  /// The pool wrote an event: READY -> BUSY (Supervisor logs nothing).
  void markBusy() { state_ = ListenerState::kBusy; }
  /// A new run of the listener: ACKNOWLEDGED, nothing buffered.
  void reset();
  /// A listener adopted across a re-exec goes on in the state it was in.
  void restore(ListenerState state) {
    reset();
    state_ = state;
  }
  /// Whether DEBG lines are wanted (they are not even built otherwise).
  void logDebug(bool on) { debug_ = on; }
  /// Bytes read from the listener's stdout; what they caused goes to `out`.
  void feed(std::string_view data, std::vector<Step>& out);
  /// Bytes held while waiting for the rest of a token or a result line.
  std::size_t buffered() const { return buffer_.size(); }

 private:
  void changeState(ListenerState to, std::vector<Step>& out);
  void log(LogLevel level, std::string line, std::vector<Step>& out);
  /// False when there is not enough data to go on.
  bool stepBusy(std::vector<Step>& out);
  void handleResult(std::vector<Step>& out);

  std::string name_;
  bool debug_ = true;
  ListenerState state_ = ListenerState::kAcknowledged;
  std::string buffer_;
  std::optional<std::uint64_t> result_len_;
  std::uint64_t result_got_ = 0;
  std::string result_head_;  // the first bytes of the result body
};

}  // namespace sup
