// Fast substring search and newline counting for log search. Like GNU grep's
// kwset and ripgrep's memchr crate, the hot loop compares two rare bytes of
// the needle at their offsets 32 (AVX2) or 16 (SSE2) positions at a time and
// verifies only the candidates, so typical log text runs at memory speed.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace sup {

class LiteralSearcher {
 public:
  /// `ignore_case` folds ASCII letters only; callers must not use it for
  /// needles whose case folding needs Unicode.
  LiteralSearcher(std::string needle, bool ignore_case);

  /// First occurrence in [begin, end), or nullptr.
  const char* find(const char* begin, const char* end) const;
  std::size_t size() const { return needle_.size(); }

 private:
  bool verify(const char* at) const;
  const char* findScalar(const char* begin, const char* end) const;
  const char* findSse2(const char* begin, const char* end) const;
  const char* findAvx2(const char* begin, const char* end) const;

  std::string needle_;
  bool ignore_case_;
  bool use_avx2_;
  std::size_t offset1_ = 0, offset2_ = 0;  // positions of the two rarest bytes
  unsigned char lower1_ = 0, upper1_ = 0, lower2_ = 0, upper2_ = 0;
};

/// Number of '\n' bytes in [begin, end).
std::size_t countNewlines(const char* begin, const char* end);

/// Substrings that every match of the PCRE2 `pattern` must contain: the
/// top-level literal runs, found by a conservative scan. Empty when none can
/// be proven (alternation at top level, inline options, \Q).
std::vector<std::string> requiredLiterals(std::string_view pattern);

/// True when `pattern` has no regex metacharacter, so it matches itself only.
bool isPlainLiteral(std::string_view pattern);

}  // namespace sup
