#include "common/ini_reader.h"

#include <sys/stat.h>

#include <algorithm>
#include <type_traits>

#include "common/py_text.h"
#include "common/read_file.h"

namespace sup {
namespace {

// Universal newlines: "\r\n", "\r" and "\n" all end a line, as Python's
// text mode reads. Lines are views into the text without their terminator;
// `terminated` says whether one was there (the last line may have none),
// which only error messages show (as the "\n" Python's line ends in).
class LineCursor {
 public:
  explicit LineCursor(std::string_view text) : text_(text) {}

  bool next(std::string_view& line, bool& terminated) {
    if (pos_ >= text_.size()) return false;
    // A plain loop: find_first_of() calls memchr over its set once per byte.
    size_t end = pos_;
    while (end < text_.size() && text_[end] != '\n' && text_[end] != '\r') ++end;
    if (end == text_.size()) {
      line = text_.substr(pos_);
      terminated = false;
      pos_ = text_.size();
      return true;
    }
    line = text_.substr(pos_, end - pos_);
    terminated = true;
    pos_ = end + (text_[end] == '\r' && end + 1 < text_.size() && text_[end + 1] == '\n' ? 2 : 1);
    return true;
  }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

// A line is scanned either as UTF-8 bytes (when it is pure ASCII, i.e. nearly
// always) or as code points (Python indexes str by code point, and non-ASCII
// whitespace such as U+00A0 counts for comments and indentation). For ASCII
// both views are the same sequence, so one template serves both and the
// common case skips the UTF-32 conversion.
template <typename Ch>
char32_t codePoint(Ch c) {
  return static_cast<char32_t>(static_cast<std::make_unsigned_t<Ch>>(c));
}

template <typename Ch>
bool precededBySpace(std::basic_string_view<Ch> line, size_t index) {
  return index > 0 && py::isSpace(codePoint(line[index - 1]));
}

// configparser's inline comment scan, kept step for step: each round looks at
// the next occurrence of every prefix and stops at the first round where any
// occurrence follows whitespace (so a later-round hit can be missed).
template <typename Ch>
std::optional<size_t> commentStart(std::basic_string_view<Ch> line) {
  const Ch prefixes[2] = {Ch(';'), Ch('#')};
  long index[2] = {-1, -1};
  bool alive[2] = {true, true};
  std::optional<size_t> start;
  while (!start && (alive[0] || alive[1])) {
    for (int p = 0; p < 2; ++p) {
      if (!alive[p]) continue;
      size_t found = line.find(prefixes[p], static_cast<size_t>(index[p] + 1));
      if (found == std::basic_string_view<Ch>::npos) {
        alive[p] = false;
        continue;
      }
      index[p] = static_cast<long>(found);
      if (found == 0 || precededBySpace(line, found)) {
        start = start ? std::min(*start, found) : found;
      }
    }
  }
  // A whole-line comment: the line's strip() starts with a prefix, i.e. its
  // first non-whitespace character is one.
  size_t first = 0;
  while (first < line.size() && py::isSpace(codePoint(line[first]))) ++first;
  if (first < line.size() && (line[first] == Ch('#') || line[first] == Ch(';'))) start = 0;
  return start;
}

template <typename Ch>
size_t indentOf(std::basic_string_view<Ch> line) {
  size_t i = 0;
  while (i < line.size() && py::isSpace(codePoint(line[i]))) ++i;
  return i == line.size() ? 0 : i;
}

bool isAscii(std::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

// What the parse needs from one line: whether an inline or whole-line
// comment starts in it, the stripped text before that (a view into the
// line), and the indentation in code points.
struct ScannedLine {
  bool comment = false;
  std::string_view value;
  size_t indent = 0;
};

ScannedLine scanLine(std::string_view raw) {
  ScannedLine out;
  if (isAscii(raw)) {
    std::optional<size_t> comment = commentStart(raw);
    out.comment = comment.has_value();
    out.value = py::stripView(comment ? raw.substr(0, *comment) : raw);
    out.indent = indentOf(raw);
    return out;
  }
  std::u32string line = py::decodeUtf8(raw);
  std::u32string_view view(line);
  std::optional<size_t> comment = commentStart(view);
  out.comment = comment.has_value();
  // Decoding round-trips (invalid bytes come back as themselves), so the
  // code points before the comment are exactly the bytes of this prefix.
  size_t bytes = comment ? py::encodeUtf8(view.substr(0, *comment)).size() : raw.size();
  out.value = py::stripView(raw.substr(0, bytes));
  out.indent = indentOf(view);
  return out;
}

// An option read so far; its value lines are joined with "\n" as they come.
struct Pending {
  size_t section;  // index into sections_, or kDefaults
  std::string key;
  std::string value;
};
constexpr size_t kDefaults = static_cast<size_t>(-1);

std::string lineForMessage(std::string_view line, bool terminated) {
  std::string raw(line);
  if (terminated) raw.push_back('\n');
  return raw;
}

void addLineError(std::string& errors, const std::string& source, size_t lineno,
                  const std::string& raw) {
  if (errors.empty()) errors = "Source contains parsing errors: " + py::repr(source);
  char num[32];
  std::snprintf(num, sizeof num, "%2zu", lineno);
  errors += std::string("\n\t[line ") + num + "]: " + py::repr(raw);
}

}  // namespace

IniDocument::Section* IniDocument::findSection(std::string_view name) {
  auto it = section_index_.find(name);
  return it == section_index_.end() ? nullptr : &sections_[it->second];
}

const IniDocument::Section* IniDocument::findSection(std::string_view name) const {
  auto it = section_index_.find(name);
  return it == section_index_.end() ? nullptr : &sections_[it->second];
}

Status IniDocument::readString(std::string_view text, const std::string& source) {
  // Values are collected and joined at the end of the read, like
  // configparser's _join_multiline_values().
  std::vector<Pending> pending;
  std::optional<size_t> cursect;  // index into sections_, or kDefaults
  // The current option (index into pending), used only while it has a
  // non-empty name: continuation lines join it then.
  size_t optname = 0;
  bool optname_truthy = false;
  size_t indent_level = 0;
  std::string errors;

  LineCursor cursor(text);
  std::string_view line;
  bool terminated = false;
  for (size_t n = 0; cursor.next(line, terminated); ++n) {
    ScannedLine scanned = scanLine(line);
    std::string_view value = scanned.value;
    if (value.empty()) {
      if (!scanned.comment && cursect && optname_truthy) pending[optname].value.push_back('\n');
      continue;
    }
    size_t cur_indent = scanned.indent;
    if (cursect && optname_truthy && cur_indent > indent_level) {
      std::string& joined = pending[optname].value;
      joined.push_back('\n');
      joined.append(value);
      continue;
    }
    indent_level = cur_indent;
    size_t close = value.rfind(']');
    if (value[0] == '[' && close != std::string_view::npos && close >= 2) {
      std::string_view header = value.substr(1, close - 1);
      if (header == "DEFAULT" && !findSection(header)) {
        cursect = kDefaults;
        saw_defaults_ = true;
      } else {
        auto it = section_index_.find(header);
        if (it == section_index_.end()) {
          it = section_index_.emplace(std::string(header), sections_.size()).first;
          sections_.push_back({std::string(header), {}});
        }
        cursect = it->second;
      }
      optname_truthy = false;
      continue;
    }
    if (!cursect) {
      return Error{"File contains no section headers.\nfile: " + py::repr(source) + ", line: " +
                   std::to_string(n + 1) + "\n" + py::repr(lineForMessage(line, terminated))};
    }
    size_t delim = 0;
    while (delim < value.size() && value[delim] != '=' && value[delim] != ':') ++delim;
    if (delim == value.size()) {
      addLineError(errors, source, n + 1, lineForMessage(line, terminated));
      continue;
    }
    std::string_view key = py::rstripView(value.substr(0, delim));
    if (key.empty()) addLineError(errors, source, n + 1, lineForMessage(line, terminated));
    pending.push_back(
        {*cursect, py::lower(key), std::string(py::stripView(value.substr(delim + 1)))});
    optname = pending.size() - 1;
    optname_truthy = !key.empty();
  }

  for (auto& p : pending) {
    std::string joined(py::rstripView(p.value));
    Section* target = p.section == kDefaults ? &defaults_ : &sections_[p.section];
    auto it = std::find_if(target->options.begin(), target->options.end(),
                           [&](const auto& kv) { return kv.first == p.key; });
    if (it == target->options.end()) {
      target->options.emplace_back(std::move(p.key), std::move(joined));
    } else {
      it->second = std::move(joined);
    }
  }
  if (!errors.empty()) return Error{errors};
  return okStatus();
}

Status IniDocument::readFile(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0 || S_ISDIR(st.st_mode)) return okStatus();
  auto text = readWholeFile(path);
  if (!text) return okStatus();
  std::vector<std::string> before = sections();
  Status status = readString(*text, path);
  for (const auto& s : sections_) {
    if (std::find(before.begin(), before.end(), s.name) == before.end()) {
      section_to_file_[s.name] = path;
    }
  }
  return status;
}

std::vector<std::string> IniDocument::sections() const {
  std::vector<std::string> names;
  names.reserve(sections_.size());
  for (const auto& s : sections_) names.push_back(s.name);
  return names;
}

bool IniDocument::hasSection(std::string_view name) const {
  return findSection(name) != nullptr;
}

std::optional<std::string> IniDocument::get(std::string_view section, std::string_view key) const {
  if (const Section* s = findSection(section)) {
    for (const auto& [k, v] : s->options) {
      if (k == key) return v;
    }
  }
  for (const auto& [k, v] : defaults_.options) {
    if (k == key) return v;
  }
  return std::nullopt;
}

bool IniDocument::hasOption(std::string_view section, std::string_view key) const {
  return findSection(section) && get(section, key).has_value();
}

std::vector<std::string> IniDocument::options(std::string_view section) const {
  std::vector<std::string> keys;
  if (const Section* s = findSection(section)) {
    for (const auto& kv : s->options) keys.push_back(kv.first);
  }
  for (const auto& kv : defaults_.options) {
    if (std::find(keys.begin(), keys.end(), kv.first) == keys.end()) keys.push_back(kv.first);
  }
  return keys;
}

std::vector<std::pair<std::string, std::string>> IniDocument::items(
    std::string_view section) const {
  std::vector<std::pair<std::string, std::string>> out = defaults_.options;
  if (const Section* s = findSection(section)) {
    for (const auto& kv : s->options) {
      auto it =
          std::find_if(out.begin(), out.end(), [&](const auto& o) { return o.first == kv.first; });
      if (it == out.end()) {
        out.push_back(kv);
      } else {
        it->second = kv.second;
      }
    }
  }
  return out;
}

void IniDocument::set(std::string_view section, std::string_view key, std::string value) {
  Section* s = findSection(section);
  if (!s) return;
  for (auto& kv : s->options) {
    if (kv.first == key) {
      kv.second = std::move(value);
      return;
    }
  }
  s->options.emplace_back(std::string(key), std::move(value));
}

void IniDocument::expandHere(const std::string& here) {
  static const std::string kHere = "%(here)s";
  for (const std::string& name : sections()) {
    for (auto [key, value] : items(name)) {
      if (value.find(kHere) == std::string::npos) continue;
      std::string out;
      size_t pos = 0, hit;
      while ((hit = value.find(kHere, pos)) != std::string::npos) {
        out.append(value, pos, hit - pos);
        out += here;
        pos = hit + kHere.size();
      }
      out.append(value, pos, std::string::npos);
      set(name, key, std::move(out));
    }
  }
}

}  // namespace sup
