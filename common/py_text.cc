#include "common/py_text.h"

#include <cstdio>

namespace sup::py {

std::u32string decodeUtf8(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    char32_t cp = len == 1 ? c : len == 2 ? (c & 0x1f) : len == 3 ? (c & 0x0f) : (c & 0x07);
    bool valid = len > 0 && i + len <= s.size();
    for (int k = 1; valid && k < len; ++k) {
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc >> 6) != 2) valid = false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if (valid && len > 1) {
      static constexpr char32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
      if (cp < kMin[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) valid = false;
    }
    if (!valid) {
      out.push_back(0xdc00 + c);
      ++i;
      continue;
    }
    out.push_back(cp);
    i += len;
  }
  return out;
}

void appendUtf8(std::string& out, char32_t cp) {
  if (cp >= 0xdc80 && cp <= 0xdcff) {  // surrogateescape: the original byte
    out.push_back(static_cast<char>(cp - 0xdc00));
  } else if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xc0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xe0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else {
    out.push_back(static_cast<char>(0xf0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  }
}

std::string encodeUtf8(std::u32string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char32_t cp : text) appendUtf8(out, cp);
  return out;
}

size_t length(std::string_view text) {
  // Only continuation bytes that close a valid sequence do not start a code
  // point; decode when anything is not ASCII, to count invalid bytes right.
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return decodeUtf8(text).size();
  }
  return text.size();
}

std::string ljust(std::string_view text, size_t width) {
  std::string out(text);
  size_t len = length(text);
  if (len < width) out.append(width - len, ' ');
  return out;
}

bool isSpace(char32_t cp) {
  if (cp == ' ' || (cp >= 0x09 && cp <= 0x0d) || (cp >= 0x1c && cp <= 0x1f)) return true;
  switch (cp) {
    case 0x85:
    case 0xa0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202f:
    case 0x205f:
    case 0x3000:
      return true;
    default:
      return cp >= 0x2000 && cp <= 0x200a;
  }
}

namespace {
// Length in bytes of the whitespace code point ending at s[end-1], or 0.
size_t trailingSpaceLen(std::string_view s, size_t end) {
  // An ASCII byte is a whole code point on its own: no decoding needed.
  unsigned char last = static_cast<unsigned char>(s[end - 1]);
  if (last < 0x80) return isSpace(last) ? 1 : 0;
  size_t start = end;
  while (start > 0 && end - start < 4) {
    --start;
    if ((static_cast<unsigned char>(s[start]) & 0xc0) != 0x80) break;
  }
  std::u32string cps = decodeUtf8(s.substr(start, end - start));
  return cps.size() == 1 && isSpace(cps[0]) ? end - start : 0;
}

size_t leadingSpaceLen(std::string_view s, size_t begin) {
  unsigned char c = static_cast<unsigned char>(s[begin]);
  if (c < 0x80) return isSpace(c) ? 1 : 0;
  size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : 4;
  if (begin + len > s.size()) return 0;
  std::u32string cps = decodeUtf8(s.substr(begin, len));
  return cps.size() == 1 && isSpace(cps[0]) ? len : 0;
}
}  // namespace

std::string_view rstripView(std::string_view s) {
  size_t end = s.size();
  while (end > 0) {
    size_t n = trailingSpaceLen(s, end);
    if (n == 0) break;
    end -= n;
  }
  return s.substr(0, end);
}

std::string_view stripView(std::string_view s) {
  size_t begin = 0;
  while (begin < s.size()) {
    size_t n = leadingSpaceLen(s, begin);
    if (n == 0) break;
    begin += n;
  }
  return rstripView(s.substr(begin));
}

std::string rstrip(std::string_view s) {
  return std::string(rstripView(s));
}

std::string strip(std::string_view s) {
  return std::string(stripView(s));
}

namespace {
bool isPrintable(char32_t cp) {
  if (cp < 0x20 || cp == 0x7f) return false;
  if (cp < 0x7f) return true;
  if (cp <= 0xa0 || cp == 0xad) return false;
  if ((cp >= 0x2000 && cp <= 0x200f) || (cp >= 0x2028 && cp <= 0x202f)) return false;
  if (cp >= 0x205f && cp <= 0x206f) return false;
  if (cp >= 0xd800 && cp <= 0xf8ff) return false;  // surrogates, private use
  if (cp >= 0xfff0 && cp <= 0xfffb) return false;
  switch (cp) {
    case 0x061c:
    case 0x1680:
    case 0x180e:
    case 0x3000:
    case 0xfeff:
    case 0xfffe:
    case 0xffff:
      return false;
    default:
      return cp < 0xe0000;
  }
}
}  // namespace

namespace {
// The escapes repr() of str and of bytes share: the quote, the backslash,
// \t \n \r. False when `c` is none of them.
bool appendEscape(std::string& out, char c, char quote) {
  switch (c) {
    case '\t':
      out += "\\t";
      return true;
    case '\n':
      out += "\\n";
      return true;
    case '\r':
      out += "\\r";
      return true;
    case '\\':
      out += "\\\\";
      return true;
    default:
      if (c != quote) return false;
      out.push_back('\\');
      out.push_back(c);
      return true;
  }
}
}  // namespace

std::string repr(std::string_view text) {
  std::u32string cps = decodeUtf8(text);
  bool has_single = false, has_double = false;
  for (char32_t c : cps) {
    has_single |= c == '\'';
    has_double |= c == '"';
  }
  char quote = has_single && !has_double ? '"' : '\'';
  std::string out(1, quote);
  char buf[16];
  for (char32_t c : cps) {
    if (c < 0x80 && appendEscape(out, static_cast<char>(c), quote)) {
      continue;
    } else if (isPrintable(c)) {
      appendUtf8(out, c);
    } else {
      if (c < 0x100) {
        std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(c));
      } else if (c < 0x10000) {
        std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
      } else {
        std::snprintf(buf, sizeof buf, "\\U%08x", static_cast<unsigned>(c));
      }
      out += buf;
    }
  }
  out.push_back(quote);
  return out;
}

std::string bytesRepr(std::string_view bytes) {
  bool has_single = bytes.find('\'') != std::string_view::npos;
  bool has_double = bytes.find('"') != std::string_view::npos;
  char quote = has_single && !has_double ? '"' : '\'';
  std::string out = "b";
  out.reserve(bytes.size() + 3);
  out.push_back(quote);
  static constexpr char kHex[] = "0123456789abcdef";
  for (char ch : bytes) {
    auto c = static_cast<unsigned char>(ch);
    if (appendEscape(out, ch, quote)) {
      continue;
    } else if (c >= 0x20 && c < 0x7f) {
      out.push_back(ch);
    } else {
      out += "\\x";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  out.push_back(quote);
  return out;
}

bool isStrictUtf8(std::string_view bytes) {
  const auto* s = reinterpret_cast<const unsigned char*>(bytes.data());
  std::size_t n = bytes.size(), i = 0;
  while (i < n) {
    unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    // Unicode's table of well-formed sequences (what CPython's decoder accepts).
    std::size_t len;
    unsigned char lo = 0x80, hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) {
      len = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
      len = 3;
      if (c == 0xe0) lo = 0xa0;
      if (c == 0xed) hi = 0x9f;  // no surrogates
    } else if (c >= 0xf0 && c <= 0xf4) {
      len = 4;
      if (c == 0xf0) lo = 0x90;
      if (c == 0xf4) hi = 0x8f;  // nothing above U+10FFFF
    } else {
      return false;
    }
    if (i + len > n) return false;
    if (s[i + 1] < lo || s[i + 1] > hi) return false;
    for (std::size_t k = 2; k < len; ++k)
      if (s[i + k] < 0x80 || s[i + k] > 0xbf) return false;
    i += len;
  }
  return true;
}

std::string decodedOrUndecodable(std::string_view bytes) {
  if (isStrictUtf8(bytes)) return std::string(bytes);
  return "Undecodable: " + bytesRepr(bytes);
}

std::size_t charCount(std::string_view text) {
  std::size_t n = 0;
  for (char c : text) n += (static_cast<unsigned char>(c) & 0xc0) != 0x80 ? 1 : 0;
  return n;
}

namespace {
std::string mapCase(std::string_view text, bool to_lower) {
  // Pure ASCII text (nearly every key) maps byte by byte; the Latin-1 rules
  // below only matter once a byte >= 0x80 is present.
  bool ascii = true;
  for (char c : text) ascii &= static_cast<unsigned char>(c) < 0x80;
  if (ascii) {
    std::string out(text);
    for (char& c : out) {
      if (to_lower && c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
      if (!to_lower && c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
    }
    return out;
  }
  std::u32string cps = decodeUtf8(text);
  for (char32_t& c : cps) {
    if (to_lower) {
      if ((c >= 'A' && c <= 'Z') || (c >= 0xc0 && c <= 0xde && c != 0xd7)) c += 32;
    } else {
      if ((c >= 'a' && c <= 'z') || (c >= 0xe0 && c <= 0xfe && c != 0xf7)) c -= 32;
    }
  }
  return encodeUtf8(cps);
}
}  // namespace

std::string lower(std::string_view text) {
  return mapCase(text, true);
}
std::string upper(std::string_view text) {
  return mapCase(text, false);
}

}  // namespace sup::py
