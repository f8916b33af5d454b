#include "common/line_framing.h"

namespace sup {

bool LineBuffer::append(std::string_view bytes) {
  if (overflowed_) return false;
  compact();
  buf_.append(bytes);
  // Only the unterminated tail counts against the limit; complete lines are
  // handed out by nextLine() and may each be up to max_line_.
  std::size_t last_nl = buf_.rfind('\n');
  std::size_t tail_start = last_nl == std::string::npos ? pos_ : last_nl + 1;
  if (tail_start < pos_) tail_start = pos_;
  if (buf_.size() - tail_start > max_line_) overflowed_ = true;
  return !overflowed_;
}

std::optional<std::string> LineBuffer::nextLine() {
  std::size_t nl = buf_.find('\n', pos_ + scanned_);
  if (nl == std::string::npos) {
    scanned_ = buf_.size() - pos_;
    return std::nullopt;
  }
  if (nl - pos_ > max_line_) {
    overflowed_ = true;
    return std::nullopt;
  }
  std::size_t end = nl;
  if (end > pos_ && buf_[end - 1] == '\r') --end;
  std::string line = buf_.substr(pos_, end - pos_);
  pos_ = nl + 1;
  scanned_ = 0;
  if (pos_ == buf_.size()) {
    buf_.clear();
    pos_ = 0;
  }
  return line;
}

std::string LineBuffer::overflowMessage() const {
  return "request line longer than " + std::to_string(max_line_) + " bytes";
}

void LineBuffer::compact() {
  if (pos_ > 0 && pos_ >= buf_.size() / 2) {
    buf_.erase(0, pos_);
    pos_ = 0;
  }
}

}  // namespace sup
