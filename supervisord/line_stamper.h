// log_timestamps=true (docs/program-logs.md): every line of a program's log
// files starts with "2026-12-06T18:40:01.123+00:00 ", the local time with
// milliseconds and the UTC offset. Pure: the caller reads the clock once per
// read() batch (wall_clock.h) and hands the time in.
//
// Lines stay whole: a line gets its stamp when its first byte arrives, so a
// line split across reads has ONE stamp, at its start, with the time its
// first piece was read.
#pragma once

#include <climits>
#include <cstddef>
#include <string>
#include <string_view>

namespace sup {

/// A wall-clock reading: seconds since the epoch, milliseconds, and the
/// local UTC offset (seconds east of UTC) at that moment.
struct WallTime {
  long long sec = 0;
  int ms = 0;
  int utc_offset = 0;
};

/// Formats stamps, making the text of a second once: within one second only
/// the three millisecond digits are rewritten.
class StampFormat {
 public:
  /// "YYYY-MM-DDTHH:MM:SS.mmm+HH:MM " (30 bytes).
  static constexpr std::size_t kSize = 30;
  std::string_view format(const WallTime& t);

 private:
  long long sec_ = LLONG_MIN;
  int offset_ = 0;
  char text_[kSize] = {};
};

/// Where lines start across reads, and the stamps put there.
class LineStamper {
 public:
  struct Stamped {
    std::size_t used;     ///< bytes of the input taken
    std::size_t written;  ///< bytes put in the output
  };
  /// Copy as much of `data` as fits in out[0, cap) with `stamp` before each
  /// line that begins in it. A line that does not fit is continued by the
  /// next call (with the rest of the input), without a second stamp.
  Stamped stamp(std::string_view data, std::string_view stamp, char* out, std::size_t cap);
  /// All of `data`, appended to `out` (tests; the daemon uses the above
  /// with one fixed buffer).
  void stamp(std::string_view data, std::string_view stamp, std::string& out);
  /// The last byte seen was a newline (or none was seen yet).
  bool atLineStart() const { return at_line_start_; }
  /// Continue where another stamper left off (re-exec).
  void restore(bool at_line_start) { at_line_start_ = at_line_start; }

 private:
  bool at_line_start_ = true;
};

}  // namespace sup
