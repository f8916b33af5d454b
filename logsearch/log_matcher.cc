#include "logsearch/log_matcher.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <re2/re2.h>

#include <cstring>

namespace sup {

struct LogMatcher::Pcre {
  pcre2_code* code = nullptr;
  pcre2_match_data* match_data = nullptr;
  pcre2_match_context* match_context = nullptr;
  pcre2_jit_stack* jit_stack = nullptr;
  bool jit = false;

  // The linear-time fallback (see the header): the same pattern for RE2,
  // compiled on the first line that needs it. linear_failed when RE2 cannot
  // take the pattern (a backreference, a lookaround).
  std::string linear_regex;
  RE2::Options linear_options;
  std::unique_ptr<RE2> linear;
  bool linear_failed = false;

  LineResult linearMatchLine(const char* begin, const char* end) {
    if (!linear && !linear_failed) {
      linear = std::make_unique<RE2>(linear_regex, linear_options);
      linear_failed = !linear->ok();
    }
    if (linear_failed) return LineResult::kTooComplex;
    re2::StringPiece line(begin, static_cast<std::size_t>(end - begin));
    return RE2::PartialMatch(line, *linear) ? LineResult::kMatch : LineResult::kNoMatch;
  }

  ~Pcre() {
    pcre2_match_data_free(match_data);
    pcre2_match_context_free(match_context);
    pcre2_jit_stack_free(jit_stack);
    pcre2_code_free(code);
  }

  int match(const char* subject, std::size_t length, std::size_t start) {
    auto s = reinterpret_cast<PCRE2_SPTR>(subject);
    if (jit) return pcre2_jit_match(code, s, length, start, 0, match_data, match_context);
    return pcre2_match(code, s, length, start, 0, match_data, match_context);
  }
};

namespace {

// Escapes a fixed string for PCRE2: ASCII punctuation gets a backslash; every
// other byte (letters, digits, UTF-8) stands for itself.
std::string escapeLiteral(const std::string& text) {
  std::string out;
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    bool alnum = (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9');
    if (u < 0x80 && !alnum && u != ' ') out += '\\';
    out += c;
  }
  return out;
}

// Constructs whose meaning differs when the regex runs over a block of many
// lines instead of one line: subject anchors and lookbehind.
bool needsLineByLine(const std::string& pattern) {
  for (const char* token : {"\\A", "\\z", "\\Z", "\\G", "(?<", "\\K"}) {
    if (pattern.find(token) != std::string::npos) return true;
  }
  return false;
}

bool hasNonAscii(const std::string& text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return true;
  }
  return false;
}

std::string compileError(int code, std::size_t offset, const std::string& pattern) {
  PCRE2_UCHAR buffer[256];
  pcre2_get_error_message(code, buffer, sizeof buffer);
  return "supervisorctl grep: invalid regex '" + pattern +
         "': " + reinterpret_cast<const char*>(buffer) + " (at offset " + std::to_string(offset) +
         ")";
}

const char* lineStart(const char* floor, const char* at) {
  if (at == floor) return at;
  const void* nl = memrchr(floor, '\n', at - floor);
  return nl ? static_cast<const char*>(nl) + 1 : floor;
}

const char* lineEnd(const char* at, const char* end) {
  const void* nl = std::memchr(at, '\n', end - at);
  return nl ? static_cast<const char*>(nl) : end;
}

}  // namespace

LogMatcher::~LogMatcher() = default;

Result<std::unique_ptr<LogMatcher>> LogMatcher::create(const GrepOptions& options) {
  std::unique_ptr<LogMatcher> m(new LogMatcher());
  std::vector<std::string> parts;
  for (const auto& p : options.patterns) {
    parts.push_back(options.fixed_strings ? escapeLiteral(p) : p);
  }
  std::string regex = parts.size() == 1 ? parts[0] : std::string();
  if (parts.size() != 1) {
    for (const auto& p : parts) regex += (regex.empty() ? "(?:" : "|(?:") + p + ")";
  }
  if (options.line_regexp) regex = "^(?:" + regex + ")$";
  // RE2 has no lookaround; consuming the neighbouring character instead is
  // the same test, since only whether the line matches is asked of it.
  std::string linear_regex = regex;
  if (options.word) {
    linear_regex = "(?:^|[^[:alnum:]_])(?:" + regex + ")(?:[^[:alnum:]_]|$)";
    regex = "(?<![[:alnum:]_])(?:" + regex + ")(?![[:alnum:]_])";
  }

  bool utf = hasNonAscii(regex);
  uint32_t flags = PCRE2_MULTILINE;
  if (options.ignore_case) flags |= PCRE2_CASELESS;
  if (utf) flags |= PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;

  m->pcre_ = std::make_unique<Pcre>();
  Pcre& pc = *m->pcre_;
  pc.linear_regex = linear_regex;
  pc.linear_options.set_log_errors(false);
  pc.linear_options.set_case_sensitive(!options.ignore_case);
  pc.linear_options.set_encoding(utf ? RE2::Options::EncodingUTF8 : RE2::Options::EncodingLatin1);
  int error = 0;
  PCRE2_SIZE offset = 0;
  pc.code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(regex.data()), regex.size(), flags, &error,
                          &offset, nullptr);
  if (!pc.code) {
    // Name the user's pattern that failed, not our combined expression.
    for (const auto& p : parts) {
      pcre2_code* one = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(p.data()), p.size(), flags,
                                      &error, &offset, nullptr);
      if (!one) return Error{compileError(error, offset, p)};
      pcre2_code_free(one);
    }
    return Error{compileError(error, offset, regex)};
  }
  pc.jit = pcre2_jit_compile(pc.code, PCRE2_JIT_COMPLETE) == 0;
  pc.match_data = pcre2_match_data_create(1, nullptr);
  pc.match_context = pcre2_match_context_create(nullptr);
  if (!pc.match_data || !pc.match_context) return Error{"supervisorctl grep: out of memory"};
  pcre2_set_match_limit(pc.match_context, kMatchLimit);
  pcre2_set_depth_limit(pc.match_context, kMatchLimit);
  if (pc.jit) {
    pc.jit_stack = pcre2_jit_stack_create(32 * 1024, 8 * 1024 * 1024, nullptr);
    if (pc.jit_stack) pcre2_jit_stack_assign(pc.match_context, nullptr, pc.jit_stack);
  }

  // Choose how lines are found: see the header comment.
  std::vector<std::string> literals;
  bool exact = false;
  if (options.patterns.size() == 1 && !(utf && options.ignore_case)) {
    const std::string& p = options.patterns[0];
    exact = options.fixed_strings || isPlainLiteral(p);
    if (exact && !p.empty()) {
      literals.push_back(p);
    } else if (!exact) {
      for (auto& run : requiredLiterals(p)) {
        if (run.size() >= 2) literals.push_back(std::move(run));
      }
    }
    exact = exact && !options.word && !options.line_regexp;
  }
  if (!literals.empty()) {
    for (auto& literal : literals) {
      m->owned_.push_back(std::make_unique<LiteralSearcher>(literal, options.ignore_case));
      m->candidates_.push_back(m->owned_.back().get());
    }
    // The longest until a sample of real text shows which one is rarest.
    for (auto* c : m->candidates_) {
      if (!m->literal_ || c->size() > m->literal_->size()) m->literal_ = c;
    }
    if (m->candidates_.size() == 1) m->candidates_.clear();
    m->strategy_ = exact ? Strategy::kLiteralOnly : Strategy::kPrefilter;
  } else {
    bool line_by_line = false;
    for (const auto& p : parts) line_by_line = line_by_line || needsLineByLine(p);
    m->strategy_ = line_by_line ? Strategy::kLineByLine : Strategy::kBlockRegex;
  }
  return m;
}

LineResult LogMatcher::matchLine(const char* begin, const char* end) {
  if (strategy_ == Strategy::kLiteralOnly) {
    return literal_->find(begin, end) ? LineResult::kMatch : LineResult::kNoMatch;
  }
  int rc = pcre_->match(begin, end - begin, 0);
  if (rc >= 0) return LineResult::kMatch;
  if (rc == PCRE2_ERROR_NOMATCH) return LineResult::kNoMatch;
  // The match, depth or heap limit, or the JIT stack: on this line the
  // pattern makes a backtracking matcher explode. Decide it in linear time.
  return pcre_->linearMatchLine(begin, end);
}

void LogMatcher::chooseLiteral(const char* begin, const char* end) {
  // Every candidate literal is required by the pattern, so any of them is a
  // correct prefilter; the one with the fewest occurrences in real text is
  // the fastest ("duration=" may be on every line, "status=5" on few).
  constexpr std::size_t kSample = 256 * 1024;
  if (end - begin > static_cast<std::ptrdiff_t>(kSample)) end = begin + kSample;
  std::size_t best_hits = SIZE_MAX;
  for (const auto* candidate : candidates_) {
    std::size_t hits = 0;
    for (const char* at = begin; (at = candidate->find(at, end)) != nullptr;
         at += candidate->size()) {
      ++hits;
    }
    if (hits < best_hits || (hits == best_hits && candidate->size() > literal_->size())) {
      best_hits = hits;
      literal_ = candidate;
    }
  }
  candidates_.clear();
}

std::optional<LineHit> LogMatcher::findLineByLine(const char* begin, const char* end) {
  const char* line = begin;
  while (line < end) {
    const char* stop = lineEnd(line, end);
    LineResult r = matchLine(line, stop);
    if (r != LineResult::kNoMatch) return LineHit{line, stop, r};
    line = stop + 1;
  }
  return std::nullopt;
}

std::optional<LineHit> LogMatcher::findLine(const char* begin, const char* end) {
  const char* pos = begin;
  switch (strategy_) {
    case Strategy::kLiteralOnly: {
      const char* at = literal_->find(pos, end);
      if (!at) return std::nullopt;
      return LineHit{lineStart(begin, at), lineEnd(at, end), LineResult::kMatch};
    }
    case Strategy::kPrefilter:
      if (!candidates_.empty() && end - begin >= 64 * 1024) chooseLiteral(begin, end);
      while (pos < end) {
        const char* at = literal_->find(pos, end);
        if (!at) return std::nullopt;
        LineHit hit{lineStart(pos, at), lineEnd(at, end), LineResult::kNoMatch};
        hit.result = matchLine(hit.begin, hit.end);
        if (hit.result != LineResult::kNoMatch) return hit;
        pos = hit.end + 1;
      }
      return std::nullopt;
    case Strategy::kBlockRegex:
      while (pos < end) {
        int rc = pcre_->match(pos, end - pos, 0);
        if (rc == PCRE2_ERROR_NOMATCH) return std::nullopt;
        if (rc < 0) return findLineByLine(pos, end);  // limit hit: decide per line
        PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(pcre_->match_data);
        const char* at = pos + ovector[0];
        LineHit hit{lineStart(pos, at), lineEnd(at, end), LineResult::kMatch};
        if (pos + ovector[1] <= hit.end) return hit;
        // The match ran across a newline ([^x] and \s can): judge the line alone.
        hit.result = matchLine(hit.begin, hit.end);
        if (hit.result != LineResult::kNoMatch) return hit;
        pos = hit.end + 1;
      }
      return std::nullopt;
    case Strategy::kLineByLine:
      return findLineByLine(pos, end);
  }
  return std::nullopt;
}

}  // namespace sup
