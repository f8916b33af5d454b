#include "supervisord/tee_buffer.h"

namespace sup {

bool TeeBuffer::push(std::string_view prefix, std::string_view line) {
  if (!fits(prefix.size() + line.size() + 1)) {
    ++dropped_lines_;
    return false;
  }
  // Written bytes make room once they are half the string: one move per
  // half a buffer, not one per write.
  if (head_ > 0 && head_ >= buf_.size() / 2) {
    buf_.erase(0, head_);
    head_ = 0;
  }
  buf_.append(prefix);
  buf_.append(line);
  buf_.push_back('\n');
  return true;
}

void TeeBuffer::consume(std::size_t n) {
  head_ += n < size() ? n : size();
  if (head_ == buf_.size()) {
    buf_.clear();
    head_ = 0;
  }
}

void TeeBuffer::discard() {
  discarded_bytes_ += size();
  buf_.clear();
  head_ = 0;
}

}  // namespace sup
