// Decides which lines match the user's patterns. PCRE2 with JIT does the
// regex work; a literal every match must contain (the whole pattern for -F)
// is searched first over big blocks, and the regex runs only on the lines
// around its occurrences, as GNU grep does with its "must" strings.
//
// Why PCRE2-JIT: it is packaged by Debian (libpcre2-dev), its JIT compiles
// the pattern to machine code (several times faster than the interpreter,
// far faster than std::regex), and it speaks the regex dialect users know.
// It backtracks, so a pathological pattern such as (a+)+$ could run for an
// exponential time on one line: every match call carries a match limit
// (kMatchLimit), and a line that exceeds it is decided again by RE2, whose
// automata never backtrack (time linear in the line's length), so the answer
// is exact, as GNU grep's DFA gives it. Why RE2 and not PCRE2's own DFA
// matcher: that one keeps a state per repetition count and ran out of its
// workspace on a line of 4,000 a's even for a+$. RE2 cannot run
// backreferences or lookaround; a line that needs them and hits the limit
// is reported as "too complex" and skipped. The work per line is bounded
// either way, and a search stays linear in the size of the logs.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "logsearch/literal_search.h"
#include "logsearch/search_options.h"

namespace sup {

enum class LineResult { kMatch, kNoMatch, kTooComplex };

/// A line [begin, end) (end excludes the '\n') and what the matcher said.
struct LineHit {
  const char* begin = nullptr;
  const char* end = nullptr;
  LineResult result = LineResult::kNoMatch;
};

class LogMatcher {
 public:
  /// Backtracking budget per match call (see the header comment).
  static constexpr std::uint32_t kMatchLimit = 1000000;

  /// Compiles the patterns of `options` (-F, -i, -w, -x). The error text is
  /// the whole message, e.g. "supervisorctl grep: invalid regex '(': ...".
  static Result<std::unique_ptr<LogMatcher>> create(const GrepOptions& options);
  ~LogMatcher();
  LogMatcher(const LogMatcher&) = delete;
  LogMatcher& operator=(const LogMatcher&) = delete;

  /// Does the line [begin, end) (no '\n') match?
  LineResult matchLine(const char* begin, const char* end);

  /// The first line in [begin, end) that matches or is too complex to
  /// decide; `begin` is a line start, `end` a line end or the end of data.
  /// nullopt when no line matches.
  std::optional<LineHit> findLine(const char* begin, const char* end);

 private:
  enum class Strategy { kLiteralOnly, kPrefilter, kBlockRegex, kLineByLine };
  LogMatcher() = default;
  std::optional<LineHit> findLineByLine(const char* begin, const char* end);

  Strategy strategy_ = Strategy::kLineByLine;
  void chooseLiteral(const char* begin, const char* end);

  const LiteralSearcher* literal_ = nullptr;  // the prefilter in use
  std::vector<std::unique_ptr<LiteralSearcher>> owned_;
  std::vector<LiteralSearcher*> candidates_;  // to choose from, on first big block
  struct Pcre;  // PCRE2 handles, kept out of this header
  std::unique_ptr<Pcre> pcre_;
};

}  // namespace sup
