// Newline framing for the control protocol: bytes arrive in arbitrary pieces
// (half a request, three requests at once); LineBuffer turns them into whole
// lines and refuses to grow without bound, so one client cannot make the
// daemon hold an unlimited amount of memory.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace sup {

class LineBuffer {
 public:
  /// max_line: longest accepted line, newline excluded.
  explicit LineBuffer(std::size_t max_line) : max_line_(max_line) {}

  /// Append received bytes. Returns false (and latches overflowed()) when a
  /// line without its newline would exceed max_line; the caller should report
  /// and close, since the stream can no longer be re-synchronised.
  bool append(std::string_view bytes);

  /// The next complete line without its "\n" (a trailing "\r" is dropped too),
  /// or nullopt when only a partial line is buffered.
  std::optional<std::string> nextLine();

  bool overflowed() const { return overflowed_; }
  /// Bytes held that do not yet form a complete line.
  std::size_t pendingBytes() const { return buf_.size() - pos_; }
  std::size_t maxLine() const { return max_line_; }
  /// The error text for an overflow, naming the limit.
  std::string overflowMessage() const;

 private:
  void compact();

  std::size_t max_line_;
  std::string buf_;
  std::size_t pos_ = 0;         // start of unconsumed data
  std::size_t scanned_ = 0;     // bytes from pos_ already known to hold no '\n'
  std::size_t tail_start_ = 0;  // just after the last '\n' appended (0: none)
  bool overflowed_ = false;
};

}  // namespace sup
