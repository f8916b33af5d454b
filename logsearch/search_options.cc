#include "logsearch/search_options.h"

#include <charconv>
#include <ctime>
#include <limits>

#include "common/gnu_options.h"

namespace sup {

namespace {

// Parses a non-negative decimal that fits in T.
template <class T>
std::optional<T> parseCount(std::string_view text) {
  T value{};
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || value < 0) {
    return std::nullopt;
  }
  return value;
}

GnuOptions::Apply setStream(std::optional<LogStream>& out) {
  return [&out](const std::string& value) -> Status {
    auto stream = parseLogStream(value);
    if (!stream) return Error{"invalid stream '" + value + "' (use stdout or stderr)"};
    out = stream;
    return okStatus();
  };
}

GnuOptions::Apply setString(std::string& out) {
  return [&out](const std::string& value) {
    out = value;
    return okStatus();
  };
}

}  // namespace

Result<GrepOptions> parseGrepArgs(const std::vector<std::string>& args) {
  GrepOptions o;
  std::vector<std::string> explicit_patterns;
  bool have_explicit = false;
  // -A N, -B N, -C N and -NUM set one side or both.
  auto context = [](int* before, int* after) {
    return [before, after](const std::string& v) -> Status {
      auto n = parseCount<int>(v);
      if (!n) return Error{v + ": invalid context length argument"};
      if (before) *before = *n;
      if (after) *after = *n;
      return okStatus();
    };
  };
  bool ignored = false;
  GnuOptions cli("grep", "PATTERN [name|group:*|all]...");
  cli.flag('i', "ignore-case", o.ignore_case)
      .flag('v', "invert-match", o.invert)
      .flag('c', "count", o.count)
      .flag('l', "files-with-matches", o.files_with_matches)
      .flag('n', "line-number", o.line_number)
      .flag('F', "fixed-strings", o.fixed_strings)
      .flag('E', "extended-regexp", [&o] { o.fixed_strings = false; })
      .flag('P', "perl-regexp", [&o] { o.fixed_strings = false; })
      .flag('w', "word-regexp", o.word)
      .flag('x', "line-regexp", o.line_regexp)
      .flag('q', "quiet", o.quiet)
      .flag(0, "silent", o.quiet)
      .flag('a', "text", ignored)  // every log is searched as text anyway
      .flag('H', "with-filename", o.with_filename)
      .flag('h', "no-filename", o.no_prefix)
      .flag('f', "follow", o.follow)
      .flag(0, "json", o.json)
      .flag(0, "help", o.help)
      .option('A', "after-context", context(nullptr, &o.after))
      .option('B', "before-context", context(&o.before, nullptr))
      .option('C', "context", context(&o.before, &o.after))
      .option('m', "max-count",
              [&o](const std::string& v) -> Status {
                auto n = parseCount<std::int64_t>(v);
                if (!n) return Error{"invalid max count"};
                o.max_count = *n;
                return okStatus();
              })
      .option('e', "regexp",
              [&](const std::string& v) {
                have_explicit = true;
                explicit_patterns.push_back(v);
                return okStatus();
              })
      .option(0, "stream", setStream(o.stream))
      .option(0, "files-from", setString(o.files_from))
      .number(context(&o.before, &o.after));
  auto operands = cli.parse(args);
  if (!operands) return operands.error();
  if (o.help) return o;
  if (!have_explicit) {
    if (operands->empty()) return Error{cli.usage()};
    explicit_patterns.push_back(operands->front());
    operands->erase(operands->begin());
  }
  // GNU grep: a pattern with newlines is one pattern per line.
  for (const auto& p : explicit_patterns) {
    std::size_t start = 0;
    while (true) {
      auto nl = p.find('\n', start);
      o.patterns.push_back(p.substr(start, nl - start));
      if (nl == std::string::npos) break;
      start = nl + 1;
    }
  }
  o.names = std::move(*operands);
  if (o.follow && (o.count || o.files_with_matches || o.quiet)) {
    return Error{cli.prefix() + "-f cannot be combined with -c, -l or -q"};
  }
  return o;
}

Result<FindOptions> parseFindArgs(const std::vector<std::string>& args) {
  FindOptions o;
  auto time_bound = [](std::optional<TimeBound>& target) {
    return [&target](const std::string& v) -> Status {
      auto bound = parseTimeBound(v);
      if (!bound) return bound.error();
      target = *bound;
      return okStatus();
    };
  };
  auto size = [](std::optional<std::uint64_t>& target) {
    return [&target](const std::string& v) -> Status {
      auto bytes = parseSize(v);
      if (!bytes) return bytes.error();
      target = *bytes;
      return okStatus();
    };
  };
  GnuOptions cli("find", "[name|group:*|all]...");
  cli.option(0, "stream", setStream(o.stream))
      .option(0, "newer", time_bound(o.newer))
      .option(0, "older", time_bound(o.older))
      .option(0, "larger", size(o.larger))
      .option(0, "smaller", size(o.smaller))
      .flag(0, "json", o.json)
      .flag('h', "human-readable", o.human)
      .flag(0, "help", o.help)
      .option(0, "files-from", setString(o.files_from));
  auto operands = cli.parse(args);
  if (!operands) return operands.error();
  o.names = std::move(*operands);
  return o;
}

Result<std::int64_t> parseDuration(std::string_view text) {
  if (text.empty()) return Error{"invalid duration ''"};
  std::int64_t total = 0;
  std::string_view rest = text;
  while (!rest.empty()) {
    std::int64_t n = 0;
    auto [ptr, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), n);
    if (ec != std::errc() || n < 0) return Error{"invalid duration '" + std::string(text) + "'"};
    rest.remove_prefix(ptr - rest.data());
    std::int64_t unit = 1;
    if (!rest.empty()) {
      switch (rest.front()) {
        case 's': unit = 1; break;
        case 'm': unit = 60; break;
        case 'h': unit = 3600; break;
        case 'd': unit = 86400; break;
        case 'w': unit = 7 * 86400; break;
        default: return Error{"invalid duration '" + std::string(text) + "'"};
      }
      rest.remove_prefix(1);
    } else if (total != 0) {
      return Error{"invalid duration '" + std::string(text) + "'"};  // "1h30" is ambiguous
    }
    if (n > (std::numeric_limits<std::int64_t>::max() - total) / unit) {
      return Error{"invalid duration '" + std::string(text) + "'"};
    }
    total += n * unit;
  }
  return total;
}

Result<std::int64_t> parseTimestamp(std::string_view text) {
  const Error bad{"invalid timestamp '" + std::string(text) + "'"};
  if (!text.empty() && text.front() == '@') {
    std::int64_t epoch = 0;
    auto [ptr, ec] = std::from_chars(text.data() + 1, text.data() + text.size(), epoch);
    if (text.size() < 2 || ec != std::errc() || ptr != text.data() + text.size()) return bad;
    return epoch;
  }
  // YYYY-MM-DD[(T| )HH:MM[:SS]]
  auto num = [&](std::size_t pos, std::size_t len, int& out) {
    if (pos + len > text.size()) return false;
    for (std::size_t i = pos; i < pos + len; ++i) {
      if (text[i] < '0' || text[i] > '9') return false;
    }
    std::from_chars(text.data() + pos, text.data() + pos + len, out);
    return true;
  };
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!num(0, 4, year) || text.size() < 10 || text[4] != '-' || !num(5, 2, month) ||
      text[7] != '-' || !num(8, 2, day)) {
    return bad;
  }
  if (text.size() > 10) {
    if ((text[10] != 'T' && text[10] != ' ') || !num(11, 2, hour) || text.size() < 16 ||
        text[13] != ':' || !num(14, 2, minute)) {
      return bad;
    }
    if (text.size() > 16 && (text[16] != ':' || text.size() != 19 || !num(17, 2, second))) {
      return bad;
    }
    if (text.size() != 16 && text.size() != 19) return bad;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return bad;
  }
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  tm.tm_isdst = -1;
  std::time_t t = std::mktime(&tm);
  if (t == static_cast<std::time_t>(-1) || tm.tm_mday != day) return bad;  // e.g. Feb 30
  return static_cast<std::int64_t>(t);
}

Result<TimeBound> parseTimeBound(std::string_view text) {
  if (auto d = parseDuration(text)) return TimeBound{true, *d};
  if (auto t = parseTimestamp(text)) return TimeBound{false, *t};
  return Error{"invalid time '" + std::string(text) +
               "' (use a duration like 10m, 2h, 3d or a timestamp like 2026-11-22T10:00)"};
}

Result<std::uint64_t> parseSize(std::string_view text) {
  const Error bad{"invalid size '" + std::string(text) + "' (use bytes or k, M, G)"};
  std::uint64_t n = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || ec != std::errc()) return bad;
  std::string_view unit = text.substr(ptr - text.data());
  if (unit.size() == 2 && (unit[1] == 'B' || unit[1] == 'b')) unit.remove_suffix(1);
  int shift = 0;
  if (unit.empty()) {
    shift = 0;
  } else if (unit == "k" || unit == "K") {
    shift = 10;
  } else if (unit == "M" || unit == "m") {
    shift = 20;
  } else if (unit == "G" || unit == "g") {
    shift = 30;
  } else {
    return bad;
  }
  if (shift && n > (std::numeric_limits<std::uint64_t>::max() >> shift)) return bad;
  return n << shift;
}

}  // namespace sup
