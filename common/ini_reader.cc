#include "common/ini_reader.h"

#include <sys/stat.h>

#include <algorithm>

#include "common/py_text.h"
#include "common/read_file.h"

namespace sup {
namespace {

// Universal newlines: "\r\n", "\r" and "\n" all end a line, which then ends
// in "\n" (the last line may have no terminator), as Python's text mode reads.
std::vector<std::string> splitLines(std::string_view text) {
  std::vector<std::string> lines;
  std::string cur;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      cur.push_back('\n');
      lines.push_back(std::move(cur));
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) lines.push_back(std::move(cur));
  return lines;
}

bool precededBySpace(const std::u32string& line, size_t index) {
  return index > 0 && py::isSpace(line[index - 1]);
}

// configparser's inline comment scan, kept step for step: each round looks at
// the next occurrence of every prefix and stops at the first round where any
// occurrence follows whitespace (so a later-round hit can be missed).
std::optional<size_t> commentStart(const std::u32string& line) {
  const char32_t prefixes[2] = {';', '#'};
  long index[2] = {-1, -1};
  bool alive[2] = {true, true};
  std::optional<size_t> start;
  while (!start && (alive[0] || alive[1])) {
    for (int p = 0; p < 2; ++p) {
      if (!alive[p]) continue;
      size_t found = line.find(prefixes[p], static_cast<size_t>(index[p] + 1));
      if (found == std::u32string::npos) {
        alive[p] = false;
        continue;
      }
      index[p] = static_cast<long>(found);
      if (found == 0 || precededBySpace(line, found)) {
        start = start ? std::min(*start, found) : found;
      }
    }
  }
  std::u32string stripped = py::decodeUtf8(py::strip(py::encodeUtf8(line)));
  if (!stripped.empty() && (stripped[0] == '#' || stripped[0] == ';')) start = 0;
  return start;
}

size_t indentOf(const std::u32string& line) {
  size_t i = 0;
  while (i < line.size() && py::isSpace(line[i])) ++i;
  return i == line.size() ? 0 : i;
}

struct Pending {
  std::string section;  // "" + is_default for DEFAULT
  bool is_default;
  std::string key;
  std::vector<std::string> lines;
};

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
  std::vector<std::string> lines = splitLines(text);
  // Values are collected as line lists and joined at the end of the read,
  // like configparser's _join_multiline_values().
  std::vector<Pending> pending;
  std::optional<std::string> cursect;  // section name; "\x01DEFAULT" marks DEFAULT
  bool cur_is_default = false;
  std::optional<size_t> optname;  // index into pending for the current option
  bool optname_truthy = false;
  size_t indent_level = 0;
  std::string errors;

  auto assign = [&](const std::string& key, std::string first) {
    pending.push_back({*cursect, cur_is_default, key, {std::move(first)}});
    optname = pending.size() - 1;
    optname_truthy = !key.empty();
  };

  for (size_t n = 0; n < lines.size(); ++n) {
    const std::string& raw = lines[n];
    std::u32string line = py::decodeUtf8(raw);
    std::optional<size_t> comment = commentStart(line);
    std::string value = py::strip(py::encodeUtf8(comment ? line.substr(0, *comment) : line));
    if (value.empty()) {
      if (!comment && cursect && optname_truthy) pending[*optname].lines.emplace_back();
      continue;
    }
    size_t cur_indent = indentOf(line);
    if (cursect && optname_truthy && cur_indent > indent_level) {
      pending[*optname].lines.push_back(value);
      continue;
    }
    indent_level = cur_indent;
    size_t close = value.rfind(']');
    if (value[0] == '[' && close != std::string::npos && close >= 2) {
      std::string header = value.substr(1, close - 1);
      if (header == "DEFAULT" && !findSection(header)) {
        cur_is_default = true;
        saw_defaults_ = true;
      } else {
        cur_is_default = false;
        if (!findSection(header)) {
          section_index_.emplace(header, sections_.size());
          sections_.push_back({header, {}});
        }
      }
      cursect = header;
      optname.reset();
      optname_truthy = false;
      continue;
    }
    if (!cursect) {
      return Error{"File contains no section headers.\nfile: " + py::repr(source) +
                   ", line: " + std::to_string(n + 1) + "\n" + py::repr(raw)};
    }
    size_t delim = value.find_first_of("=:");
    if (delim == std::string::npos) {
      if (errors.empty()) errors = "Source contains parsing errors: " + py::repr(source);
      char num[32];
      std::snprintf(num, sizeof num, "%2zu", n + 1);
      errors += std::string("\n\t[line ") + num + "]: " + py::repr(raw);
      continue;
    }
    std::string key = py::rstrip(value.substr(0, delim));
    if (key.empty()) {
      if (errors.empty()) errors = "Source contains parsing errors: " + py::repr(source);
      char num[32];
      std::snprintf(num, sizeof num, "%2zu", n + 1);
      errors += std::string("\n\t[line ") + num + "]: " + py::repr(raw);
    }
    assign(py::lower(key), py::strip(value.substr(delim + 1)));
  }

  for (auto& p : pending) {
    std::string joined;
    for (size_t i = 0; i < p.lines.size(); ++i) {
      if (i) joined.push_back('\n');
      joined += p.lines[i];
    }
    joined = py::rstrip(joined);
    Section* target = p.is_default ? &defaults_ : findSection(p.section);
    auto it = std::find_if(target->options.begin(), target->options.end(),
                           [&](const auto& kv) { return kv.first == p.key; });
    if (it == target->options.end()) {
      target->options.emplace_back(p.key, std::move(joined));
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
