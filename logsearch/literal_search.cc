#include "logsearch/literal_search.h"

#include <cstring>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define SUP_HAVE_X86 1
#else
#define SUP_HAVE_X86 0
#endif

namespace sup {

namespace {

unsigned char asciiLower(unsigned char c) { return (c >= 'A' && c <= 'Z') ? c + 32 : c; }
unsigned char asciiUpper(unsigned char c) { return (c >= 'a' && c <= 'z') ? c - 32 : c; }

// Rough frequency of a byte in log text (higher = more common), used to pick
// the needle bytes that give the fewest false candidates. Logs are full of
// spaces, lowercase words, digits of timestamps and ':-./=' separators.
int logByteFrequency(unsigned char c) {
  if (c == ' ') return 255;
  if (c >= 'a' && c <= 'z') return std::strchr("etaoinsrhldcu", c) ? 220 : 160;
  if (c >= '0' && c <= '9') return 200;
  if (std::strchr(":-./=,", c) && c != 0) return 190;
  if (c >= 'A' && c <= 'Z') return std::strchr("EATIONSR", c) ? 110 : 90;
  if (std::strchr("_[]()\"'<>", c) && c != 0) return 120;
  if (c >= 0x80) return 40;
  return 60;
}

}  // namespace

LiteralSearcher::LiteralSearcher(std::string needle, bool ignore_case)
    : needle_(std::move(needle)), ignore_case_(ignore_case) {
#if SUP_HAVE_X86
  use_avx2_ = __builtin_cpu_supports("avx2");
#else
  use_avx2_ = false;
#endif
  if (needle_.empty()) return;
  auto freq = [&](std::size_t i) {
    unsigned char c = static_cast<unsigned char>(needle_[i]);
    return logByteFrequency(ignore_case_ ? asciiLower(c) : c);
  };
  offset1_ = 0;
  for (std::size_t i = 1; i < needle_.size(); ++i) {
    if (freq(i) < freq(offset1_)) offset1_ = i;
  }
  // The second byte: the rarest other position, preferring a different byte.
  offset2_ = offset1_ == 0 ? needle_.size() - 1 : 0;
  for (std::size_t i = 0; i < needle_.size(); ++i) {
    if (i == offset1_) continue;
    bool same_new = needle_[i] == needle_[offset1_];
    bool same_cur = needle_[offset2_] == needle_[offset1_];
    if ((same_cur && !same_new) || (same_cur == same_new && freq(i) < freq(offset2_))) {
      offset2_ = i;
    }
  }
  auto b1 = static_cast<unsigned char>(needle_[offset1_]);
  auto b2 = static_cast<unsigned char>(needle_[offset2_]);
  lower1_ = ignore_case_ ? asciiLower(b1) : b1;
  upper1_ = ignore_case_ ? asciiUpper(b1) : b1;
  lower2_ = ignore_case_ ? asciiLower(b2) : b2;
  upper2_ = ignore_case_ ? asciiUpper(b2) : b2;
}

bool LiteralSearcher::verify(const char* at) const {
  if (!ignore_case_) return std::memcmp(at, needle_.data(), needle_.size()) == 0;
  for (std::size_t i = 0; i < needle_.size(); ++i) {
    if (asciiLower(static_cast<unsigned char>(at[i])) !=
        asciiLower(static_cast<unsigned char>(needle_[i]))) {
      return false;
    }
  }
  return true;
}

const char* LiteralSearcher::find(const char* begin, const char* end) const {
  if (needle_.empty()) return begin;
  if (static_cast<std::size_t>(end - begin) < needle_.size()) return nullptr;
  if (needle_.size() == 1 && !ignore_case_) {
    return static_cast<const char*>(std::memchr(begin, needle_[0], end - begin));
  }
#if SUP_HAVE_X86
  return use_avx2_ ? findAvx2(begin, end) : findSse2(begin, end);
#else
  return findScalar(begin, end);
#endif
}

const char* LiteralSearcher::findScalar(const char* begin, const char* end) const {
  const char* last = end - needle_.size();
  for (const char* p = begin; p <= last; ++p) {
    auto c1 = static_cast<unsigned char>(p[offset1_]);
    auto c2 = static_cast<unsigned char>(p[offset2_]);
    if ((c1 == lower1_ || c1 == upper1_) && (c2 == lower2_ || c2 == upper2_) && verify(p)) {
      return p;
    }
  }
  return nullptr;
}

#if SUP_HAVE_X86

const char* LiteralSearcher::findSse2(const char* begin, const char* end) const {
  const char* last = end - needle_.size();  // last possible match start
  const std::size_t reach = (offset1_ > offset2_ ? offset1_ : offset2_) + 16;
  const __m128i l1 = _mm_set1_epi8(static_cast<char>(lower1_));
  const __m128i u1 = _mm_set1_epi8(static_cast<char>(upper1_));
  const __m128i l2 = _mm_set1_epi8(static_cast<char>(lower2_));
  const __m128i u2 = _mm_set1_epi8(static_cast<char>(upper2_));
  const char* p = begin;
  for (; p + reach <= end; p += 16) {
    __m128i v1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + offset1_));
    __m128i v2 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + offset2_));
    __m128i m1 = _mm_or_si128(_mm_cmpeq_epi8(v1, l1), _mm_cmpeq_epi8(v1, u1));
    __m128i m2 = _mm_or_si128(_mm_cmpeq_epi8(v2, l2), _mm_cmpeq_epi8(v2, u2));
    unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(_mm_and_si128(m1, m2)));
    while (mask) {
      const char* candidate = p + __builtin_ctz(mask);
      if (candidate <= last && verify(candidate)) return candidate;
      mask &= mask - 1;
    }
  }
  return findScalar(p, end);
}

__attribute__((target("avx2"))) const char* LiteralSearcher::findAvx2(const char* begin,
                                                                     const char* end) const {
  const char* last = end - needle_.size();
  const std::size_t reach = (offset1_ > offset2_ ? offset1_ : offset2_) + 32;
  const __m256i l1 = _mm256_set1_epi8(static_cast<char>(lower1_));
  const __m256i u1 = _mm256_set1_epi8(static_cast<char>(upper1_));
  const __m256i l2 = _mm256_set1_epi8(static_cast<char>(lower2_));
  const __m256i u2 = _mm256_set1_epi8(static_cast<char>(upper2_));
  const char* p = begin;
  for (; p + reach <= end; p += 32) {
    __m256i v1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + offset1_));
    __m256i v2 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + offset2_));
    __m256i m1 = _mm256_or_si256(_mm256_cmpeq_epi8(v1, l1), _mm256_cmpeq_epi8(v1, u1));
    __m256i m2 = _mm256_or_si256(_mm256_cmpeq_epi8(v2, l2), _mm256_cmpeq_epi8(v2, u2));
    auto mask = static_cast<unsigned>(_mm256_movemask_epi8(_mm256_and_si256(m1, m2)));
    while (mask) {
      const char* candidate = p + __builtin_ctz(mask);
      if (candidate <= last && verify(candidate)) return candidate;
      mask &= mask - 1;
    }
  }
  return findScalar(p, end);
}

namespace {

__attribute__((target("avx2,popcnt"))) std::size_t countNewlinesAvx2(const char* p,
                                                                    const char* end) {
  std::size_t count = 0;
  const __m256i nl = _mm256_set1_epi8('\n');
  for (; p + 32 <= end; p += 32) {
    __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
    count += __builtin_popcount(static_cast<unsigned>(_mm256_movemask_epi8(
        _mm256_cmpeq_epi8(v, nl))));
  }
  for (; p < end; ++p) count += *p == '\n';
  return count;
}

}  // namespace

#else

const char* LiteralSearcher::findSse2(const char* begin, const char* end) const {
  return findScalar(begin, end);
}
const char* LiteralSearcher::findAvx2(const char* begin, const char* end) const {
  return findScalar(begin, end);
}

#endif

std::size_t countNewlines(const char* begin, const char* end) {
#if SUP_HAVE_X86
  static const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt");
  if (avx2) return countNewlinesAvx2(begin, end);
#endif
  std::size_t count = 0;
  const char* p = begin;
  while ((p = static_cast<const char*>(std::memchr(p, '\n', end - p))) != nullptr) {
    ++count;
    ++p;
  }
  return count;
}

bool isPlainLiteral(std::string_view pattern) {
  return pattern.find_first_of("\\^$.[]|()?*+{}") == std::string_view::npos;
}

std::vector<std::string> requiredLiterals(std::string_view p) {
  // Inline options such as (?i) or (?x) change how the rest reads; \Q..\E
  // quotes; (*VERB) changes conventions: give up rather than guess.
  for (std::size_t i = 0; i + 1 < p.size(); ++i) {
    if (p[i] == '\\') {
      if (p[i + 1] == 'Q') return {};
      ++i;
      continue;
    }
    if (p[i] == '(' && (p[i + 1] == '*' || (p[i + 1] == '?' && i + 2 < p.size() &&
                                            p[i + 2] != ':' && p[i + 2] != '=' &&
                                            p[i + 2] != '!' && p[i + 2] != '>'))) {
      return {};
    }
  }
  std::vector<std::string> runs;
  std::string run;
  auto endRun = [&] {
    if (!run.empty()) runs.push_back(run);
    run.clear();
  };
  std::size_t i = 0;
  while (i < p.size()) {
    char c = p[i];
    std::string_view literal;  // the byte this item matches, if a single literal byte
    std::size_t next = i + 1;
    if (c == '\\') {
      if (i + 1 >= p.size()) return {};
      char e = p[i + 1];
      next = i + 2;
      bool alnum = (e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z') || (e >= '0' && e <= '9');
      if (!alnum && static_cast<unsigned char>(e) < 0x80) literal = p.substr(i + 1, 1);
    } else if (c == '[') {
      std::size_t j = i + 1;
      if (j < p.size() && p[j] == '^') ++j;
      if (j < p.size() && p[j] == ']') ++j;
      while (j < p.size() && p[j] != ']') {
        if (p[j] == '\\') ++j;
        else if (p[j] == '[' && j + 1 < p.size() && p[j + 1] == ':') {
          auto close = p.find(":]", j + 2);
          if (close != std::string_view::npos) j = close + 1;
        }
        ++j;
      }
      if (j >= p.size()) return {};
      next = j + 1;
    } else if (c == '(') {
      int depth = 0;
      std::size_t j = i;
      for (; j < p.size(); ++j) {
        if (p[j] == '\\') {
          ++j;
        } else if (p[j] == '[') {  // a ')' inside a class does not close the group
          std::size_t k = j + 1;
          if (k < p.size() && p[k] == '^') ++k;
          if (k < p.size() && p[k] == ']') ++k;
          while (k < p.size() && p[k] != ']') k += p[k] == '\\' ? 2 : 1;
          j = k;
        } else if (p[j] == '(') {
          ++depth;
        } else if (p[j] == ')' && --depth == 0) {
          break;
        }
      }
      if (j >= p.size()) return {};
      next = j + 1;
    } else if (c == '|') {
      return {};
    } else if (c == '.' || c == '^' || c == '$') {
      // matches no fixed byte
    } else if (c == '*' || c == '+' || c == '?' || c == '{' || c == ')') {
      return {};  // unusual syntax (quantifier without operand): no claim
    } else {
      literal = p.substr(i, 1);
    }
    // What quantifier follows the item?
    bool optional = false, repeated = false;
    if (next < p.size()) {
      char q = p[next];
      if (q == '?' || q == '*') {
        optional = true;
        ++next;
      } else if (q == '+') {
        repeated = true;
        ++next;
      } else if (q == '{') {
        auto close = p.find('}', next);
        if (close == std::string_view::npos) return {};
        std::string_view body = p.substr(next + 1, close - next - 1);
        if (body.empty() || body.find_first_not_of("0123456789,") != std::string_view::npos) {
          return {};
        }
        optional = body.front() == '0' || body.front() == ',';
        repeated = !optional;
        next = close + 1;
      }
      if ((optional || repeated) && next < p.size() && (p[next] == '?' || p[next] == '+')) {
        ++next;  // lazy or possessive form
      }
    }
    if (literal.empty() || optional) {
      // A quantified multi-byte UTF-8 character: drop its earlier bytes too.
      if (optional && !literal.empty() && static_cast<unsigned char>(literal[0]) >= 0x80) {
        while (!run.empty() && static_cast<unsigned char>(run.back()) >= 0x80) run.pop_back();
      }
      endRun();
    } else {
      if (repeated && static_cast<unsigned char>(literal[0]) >= 0x80) {
        while (!run.empty() && static_cast<unsigned char>(run.back()) >= 0x80) run.pop_back();
        endRun();
      } else {
        run += literal;
        if (repeated) endRun();
      }
    }
    i = next;
  }
  endRun();
  return runs;
}

}  // namespace sup
