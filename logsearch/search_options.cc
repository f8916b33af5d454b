#include "logsearch/search_options.h"

#include <charconv>
#include <ctime>
#include <functional>
#include <limits>

namespace sup {

namespace {

// One option of a GNU-getopt-like table: short letter (or 0), long name (or
// ""), whether it takes an argument, and what to do with it.
struct OptionSpec {
  char short_name;
  std::string_view long_name;
  bool takes_arg;
  std::function<Status(const std::string&)> apply;
};

std::string usageHint(std::string_view command) {
  std::string cmd(command);
  std::string pattern = command == "grep" ? "PATTERN " : "";
  return "Usage: supervisorctl " + cmd + " [OPTION]... " + pattern +
         "[name|group:*|all]...\nTry 'supervisorctl help " + cmd + "' for more information.";
}

// Walks argv like getopt_long with permutation: options may follow operands;
// "--" ends options; "-abc" bundles flags; "-A3"/"-A 3", "--x=3"/"--x 3".
// `on_number` handles GNU grep's "-NUM" (context); null when not accepted.
Status parseArgv(std::string_view command, const std::vector<std::string>& args,
                 const std::vector<OptionSpec>& specs, std::vector<std::string>& operands,
                 const std::function<Status(const std::string&)>& on_number) {
  const std::string prefix = "supervisorctl " + std::string(command) + ": ";
  auto fail = [&](const std::string& what) { return Status(Error{prefix + what + "\n" +
                                                                 usageHint(command)}); };
  bool options_done = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (options_done || arg.size() < 2 || arg[0] != '-') {
      operands.push_back(arg);
      continue;
    }
    if (arg == "--") {
      options_done = true;
      continue;
    }
    if (arg[1] == '-') {
      std::string name = arg.substr(2);
      std::optional<std::string> value;
      if (auto eq = name.find('='); eq != std::string::npos) {
        value = name.substr(eq + 1);
        name.resize(eq);
      }
      const OptionSpec* spec = nullptr;
      for (const auto& s : specs) {
        if (!s.long_name.empty() && s.long_name == name) spec = &s;
      }
      if (!spec) return fail("unrecognized option '" + arg + "'");
      if (!spec->takes_arg && value) {
        return fail("option '--" + name + "' doesn't allow an argument");
      }
      if (spec->takes_arg && !value) {
        if (i + 1 >= args.size()) return fail("option '--" + name + "' requires an argument");
        value = args[++i];
      }
      if (auto st = spec->apply(value.value_or("")); !st) return st;
      continue;
    }
    // Short options, possibly bundled.
    for (std::size_t j = 1; j < arg.size(); ++j) {
      char c = arg[j];
      if (c >= '0' && c <= '9' && on_number) {
        std::size_t end = j;
        while (end < arg.size() && arg[end] >= '0' && arg[end] <= '9') ++end;
        if (auto st = on_number(arg.substr(j, end - j)); !st) return st;
        j = end - 1;
        continue;
      }
      const OptionSpec* spec = nullptr;
      for (const auto& s : specs) {
        if (s.short_name == c) spec = &s;
      }
      if (!spec) return fail(std::string("invalid option -- '") + c + "'");
      if (!spec->takes_arg) {
        if (auto st = spec->apply(""); !st) return st;
        continue;
      }
      std::string value;
      if (j + 1 < arg.size()) {
        value = arg.substr(j + 1);
      } else if (i + 1 < args.size()) {
        value = args[++i];
      } else {
        return fail(std::string("option requires an argument -- '") + c + "'");
      }
      if (auto st = spec->apply(value); !st) return st;
      break;
    }
  }
  return okStatus();
}

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

Status setStream(std::string_view command, const std::string& value,
                 std::optional<LogStream>& out) {
  auto stream = parseLogStream(value);
  if (!stream) {
    return Error{"supervisorctl " + std::string(command) + ": invalid stream '" + value +
                 "' (use stdout or stderr)"};
  }
  out = stream;
  return okStatus();
}

Status flag(bool& target) {
  target = true;
  return okStatus();
}

}  // namespace

Result<GrepOptions> parseGrepArgs(const std::vector<std::string>& args) {
  GrepOptions o;
  std::vector<std::string> explicit_patterns;
  bool have_explicit = false;
  auto context = [](int& target) {
    return [&target](const std::string& v) -> Status {
      auto n = parseCount<int>(v);
      if (!n) return Error{"supervisorctl grep: " + v + ": invalid context length argument"};
      target = *n;
      return okStatus();
    };
  };
  auto both = [&o](const std::string& v) -> Status {
    auto n = parseCount<int>(v);
    if (!n) return Error{"supervisorctl grep: " + v + ": invalid context length argument"};
    o.before = o.after = *n;
    return okStatus();
  };
  auto f = [](bool& b) { return [&b](const std::string&) { return flag(b); }; };
  bool ignored = false;
  std::vector<OptionSpec> specs = {
      {'i', "ignore-case", false, f(o.ignore_case)},
      {'v', "invert-match", false, f(o.invert)},
      {'c', "count", false, f(o.count)},
      {'l', "files-with-matches", false, f(o.files_with_matches)},
      {'n', "line-number", false, f(o.line_number)},
      {'F', "fixed-strings", false, f(o.fixed_strings)},
      {'E', "extended-regexp", false, [&o](const std::string&) {
         o.fixed_strings = false;
         return okStatus();
       }},
      {'P', "perl-regexp", false, [&o](const std::string&) {
         o.fixed_strings = false;
         return okStatus();
       }},
      {'w', "word-regexp", false, f(o.word)},
      {'x', "line-regexp", false, f(o.line_regexp)},
      {'q', "quiet", false, f(o.quiet)},
      {0, "silent", false, f(o.quiet)},
      {'a', "text", false, f(ignored)},  // every log is searched as text anyway
      {'H', "with-filename", false, f(o.with_filename)},
      {'h', "no-filename", false, f(o.no_prefix)},
      {'f', "follow", false, f(o.follow)},
      {0, "json", false, f(o.json)},
      {0, "help", false, f(o.help)},
      {'A', "after-context", true, context(o.after)},
      {'B', "before-context", true, context(o.before)},
      {'C', "context", true, both},
      {'m', "max-count", true, [&o](const std::string& v) -> Status {
         auto n = parseCount<std::int64_t>(v);
         if (!n) return Error{"supervisorctl grep: invalid max count"};
         o.max_count = *n;
         return okStatus();
       }},
      {'e', "regexp", true, [&](const std::string& v) {
         have_explicit = true;
         explicit_patterns.push_back(v);
         return okStatus();
       }},
      {0, "stream", true, [&o](const std::string& v) { return setStream("grep", v, o.stream); }},
      {0, "files-from", true, [&o](const std::string& v) {
         o.files_from = v;
         return okStatus();
       }},
  };
  std::vector<std::string> operands;
  if (auto st = parseArgv("grep", args, specs, operands, both); !st) return st.error();
  if (o.help) return o;
  if (!have_explicit) {
    if (operands.empty()) return Error{usageHint("grep")};
    explicit_patterns.push_back(operands.front());
    operands.erase(operands.begin());
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
  o.names = std::move(operands);
  if (o.follow && (o.count || o.files_with_matches || o.quiet)) {
    return Error{"supervisorctl grep: -f cannot be combined with -c, -l or -q"};
  }
  return o;
}

Result<FindOptions> parseFindArgs(const std::vector<std::string>& args) {
  FindOptions o;
  auto time_bound = [](std::optional<TimeBound>& target) {
    return [&target](const std::string& v) -> Status {
      auto bound = parseTimeBound(v);
      if (!bound) return Error{"supervisorctl find: " + bound.error().message};
      target = *bound;
      return okStatus();
    };
  };
  auto size = [](std::optional<std::uint64_t>& target) {
    return [&target](const std::string& v) -> Status {
      auto bytes = parseSize(v);
      if (!bytes) return Error{"supervisorctl find: " + bytes.error().message};
      target = *bytes;
      return okStatus();
    };
  };
  std::vector<OptionSpec> specs = {
      {0, "stream", true, [&o](const std::string& v) { return setStream("find", v, o.stream); }},
      {0, "newer", true, time_bound(o.newer)},
      {0, "older", true, time_bound(o.older)},
      {0, "larger", true, size(o.larger)},
      {0, "smaller", true, size(o.smaller)},
      {0, "json", false, [&o](const std::string&) { return flag(o.json); }},
      {'h', "human-readable", false, [&o](const std::string&) { return flag(o.human); }},
      {0, "help", false, [&o](const std::string&) { return flag(o.help); }},
      {0, "files-from", true, [&o](const std::string& v) {
         o.files_from = v;
         return okStatus();
       }},
  };
  std::vector<std::string> operands;
  if (auto st = parseArgv("find", args, specs, operands, nullptr); !st) return st.error();
  o.names = std::move(operands);
  return o;
}

std::string grepUsage() {
  return "grep [OPTION]... PATTERN [name|group:*|all]...\n"
         "  Search the log files of the named processes (default: all), oldest\n"
         "  rotated backup first, current file last. Matching lines are printed as\n"
         "  name:stream:LINE (context lines as name:stream-LINE). PATTERN is a PCRE2\n"
         "  regular expression (like grep -E) unless -F.\n"
         "  -F  fixed string       -i  ignore case         -v  select non-matching\n"
         "  -c  count per stream   -l  list streams        -n  line numbers\n"
         "  -w  whole words        -x  whole lines         -q  quiet\n"
         "  -H  show file path     -h  no name:stream:     -e PATTERN (repeatable)\n"
         "  -A/-B/-C N  context    -m N  max matches per stream\n"
         "  --stream stdout|stderr   --json (one object per line)\n"
         "  -f  keep following the current log files for new lines\n"
         "  Exit: 0 a line was selected, 1 none, 2 error.";
}

std::string findUsage() {
  return "find [OPTION]... [name|group:*|all]...\n"
         "  List the log files of the named processes (default: all), oldest first:\n"
         "  SIZE  MODIFIED  NAME  STREAM  PATH.\n"
         "  --stream stdout|stderr\n"
         "  --newer T / --older T  T = duration (30s, 10m, 2h, 3d, 1w) or timestamp\n"
         "                         (2026-11-22, 2026-11-22T10:00, @EPOCH)\n"
         "  --larger S / --smaller S  S = bytes or with k, M, G (powers of 1024)\n"
         "  -h  human-readable sizes   --json (one object per line)";
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
