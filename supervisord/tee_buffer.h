// stdout_tee= / stderr_tee= (docs/program-logs.md): the bytes waiting for a
// tee target that is slower than the program. Bounded: a line that does not
// fit whole is dropped and counted, never half-queued, so the target sees
// whole lines only and the program and its log file never wait for it.
// Pure: the target's fd lives in tee_target.h.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace sup {

class TeeBuffer {
 public:
  /// 256 KiB: four pipe buffers of a slow reader.
  static constexpr std::size_t kDefaultCapacity = 256 << 10;
  explicit TeeBuffer(std::size_t capacity = kDefaultCapacity) : capacity_(capacity) {}

  /// Queue prefix + line + "\n" whole, or drop it (counted) if it does not
  /// fit. `line` has no newline of its own.
  bool push(std::string_view prefix, std::string_view line);
  /// The bytes to write next.
  std::string_view pending() const { return std::string_view(buf_).substr(head_); }
  /// `n` bytes of pending() were written.
  void consume(std::size_t n);
  /// The target is gone: everything queued is dropped (counted as lines
  /// lost only by the callers that queued them; here as bytes).
  void discard();
  bool empty() const { return head_ == buf_.size(); }
  /// `n` more bytes would fit.
  bool fits(std::size_t n) const { return size() + n <= capacity_; }
  std::size_t size() const { return buf_.size() - head_; }
  /// Lines dropped since the buffer was made.
  unsigned long long droppedLines() const { return dropped_lines_; }
  unsigned long long discardedBytes() const { return discarded_bytes_; }

 private:
  std::size_t capacity_;
  std::string buf_;
  std::size_t head_ = 0;  ///< bytes before it are written
  unsigned long long dropped_lines_ = 0;
  unsigned long long discarded_bytes_ = 0;
};

/// Cuts one stream's output into lines for a tee: a line split across reads
/// is handed over once whole (so lines of programs sharing a target never
/// interleave), a partial line longer than kMaxLine goes as it is.
class TeeLines {
 public:
  static constexpr std::size_t kMaxLine = 16 << 10;
  /// Calls `emit(line)` (no newline) for each complete line of `data`.
  template <class Emit>
  void feed(std::string_view data, Emit&& emit);
  /// The line begun and not yet handed over (at EOF).
  template <class Emit>
  void flush(Emit&& emit) {
    if (!partial_.empty()) emit(std::string_view(partial_));
    partial_.clear();
  }
  const std::string& partial() const { return partial_; }
  void restorePartial(std::string partial) { partial_ = std::move(partial); }

 private:
  std::string partial_;
  bool cut_ = false;  ///< a long line went in pieces: its newline adds no empty line
};

template <class Emit>
void TeeLines::feed(std::string_view data, Emit&& emit) {
  while (!data.empty()) {
    std::size_t nl = data.find('\n');
    if (nl == std::string_view::npos) {
      partial_.append(data);
      if (partial_.size() >= kMaxLine) {
        flush(emit);
        cut_ = true;
      }
      return;
    }
    if (partial_.empty()) {
      if (!(cut_ && nl == 0)) emit(data.substr(0, nl));
    } else {
      partial_.append(data.substr(0, nl));
      flush(emit);
    }
    cut_ = false;
    data.remove_prefix(nl + 1);
  }
}

}  // namespace sup
