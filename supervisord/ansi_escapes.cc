#include "supervisord/ansi_escapes.h"

#include <cstring>

namespace sup {

void stripAnsiInto(std::string_view data, std::string& out) {
  static constexpr std::string_view kEnd = "HfABCDRsuJKhlpm";
  out.clear();
  const char* p = data.data();
  const char* end = p + data.size();
  while (p < end) {
    // Copy up to the next ESC in one piece: output rarely holds escapes.
    auto* esc = static_cast<const char*>(std::memchr(p, '\x1b', static_cast<size_t>(end - p)));
    if (!esc) {
      out.append(p, end);
      return;
    }
    out.append(p, esc);
    p = esc;
    if (p + 1 < end && p[1] == '[') {
      const char* q = p + 2;
      while (q < end && kEnd.find(*q) == std::string_view::npos) ++q;
      if (q < end) {  // a whole sequence: drop it
        p = q + 1;
        continue;
      }
    }
    out += *p++;  // a lone ESC, or a sequence cut off by the end of this read
  }
}

std::string stripAnsi(std::string_view data) {
  std::string out;
  stripAnsiInto(data, out);
  return out;
}

}  // namespace sup
