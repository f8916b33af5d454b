#include "common/line_framing.h"

#include <cstring>

namespace sup {

bool LineBuffer::append(std::string_view bytes) {
  if (overflowed_) return false;
  compact();
  std::size_t old_size = buf_.size();
  buf_.append(bytes);
  // Only the unterminated tail counts against the limit; complete lines are
  // handed out by nextLine() and may each be up to max_line_. Its start
  // moves only when the new bytes hold a newline: look at them alone (a
  // search of the whole buffer on each append made reading one 1.5 MB reply
  // line quadratic).
  if (const void* nl = ::memrchr(bytes.data(), '\n', bytes.size()))
    tail_start_ =
        old_size + static_cast<std::size_t>(static_cast<const char*>(nl) - bytes.data()) + 1;
  std::size_t tail_start = tail_start_ < pos_ ? pos_ : tail_start_;
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
    tail_start_ = 0;
  }
  return line;
}

std::string LineBuffer::overflowMessage() const {
  return "request line longer than " + std::to_string(max_line_) + " bytes";
}

void LineBuffer::compact() {
  if (pos_ > 0 && pos_ >= buf_.size() / 2) {
    buf_.erase(0, pos_);
    tail_start_ = tail_start_ > pos_ ? tail_start_ - pos_ : 0;
    pos_ = 0;
  }
}

}  // namespace sup
