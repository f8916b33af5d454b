// An INI reader that behaves exactly like the Python 3 configparser that
// Supervisor 4.2.5 uses (RawConfigParser with inline_comment_prefixes=(';','#')
// and strict=False). Supervisor's users rely on its quirks: inline comments
// need whitespace before them, ':' is a delimiter too, keys are lower-cased,
// indented lines continue a value, blank lines inside values are kept,
// [DEFAULT] feeds every section, and repeated sections merge. Errors carry
// configparser's exact text, which supervisord prints after "Error: ".
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/result.h"

namespace sup {

class IniDocument {
 public:
  /// One section's own options, in first-seen order (values after joining).
  struct Section {
    std::string name;
    std::vector<std::pair<std::string, std::string>> options;
  };

  /// Parse `text` as if read from a file named `source` (used in messages).
  /// Sections merge into what earlier reads produced. On a syntax error the
  /// content read so far is kept (as configparser does) and the error is
  /// returned: "Source contains parsing errors: ..." or "File contains no
  /// section headers. ...".
  Status readString(std::string_view text, const std::string& source);

  /// RawConfigParser.read(filename): a file that cannot be opened is skipped
  /// silently (returns ok). Sections first seen in it are mapped to it.
  Status readFile(const std::string& path);

  /// Section names in first-appearance order; DEFAULT is not one of them.
  std::vector<std::string> sections() const;
  bool hasSection(std::string_view name) const;
  /// The section's value, else the [DEFAULT] value, else nullopt.
  std::optional<std::string> get(std::string_view section, std::string_view key) const;
  bool hasOption(std::string_view section, std::string_view key) const;
  /// Option names: the section's own, then DEFAULT's that it does not override.
  std::vector<std::string> options(std::string_view section) const;
  /// items(section): DEFAULT merged with the section (section wins).
  std::vector<std::pair<std::string, std::string>> items(std::string_view section) const;
  void set(std::string_view section, std::string_view key, std::string value);

  /// Supervisor's expand_here(): replace "%(here)s" textually in every value
  /// items() shows, writing the result into the section itself.
  void expandHere(const std::string& here);

  const std::vector<Section>& rawSections() const { return sections_; }
  const Section& defaults() const { return defaults_; }
  bool hasDefaultsSection() const { return saw_defaults_; }
  /// Sections that first appeared in a file read by readFile().
  const std::map<std::string, std::string>& sectionToFile() const { return section_to_file_; }

 private:
  Section* findSection(std::string_view name);
  const Section* findSection(std::string_view name) const;

  std::vector<Section> sections_;
  /// Section name -> position in sections_. Every value line, and every
  /// option the config reader asks for, looks its section up: a linear scan
  /// made a 1,000-program config quadratic, and a tree compared the long
  /// common prefixes ("program:web-0...") a dozen times per lookup.
  struct NameHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, std::size_t, NameHash, std::equal_to<>> section_index_;
  Section defaults_{"DEFAULT", {}};
  bool saw_defaults_ = false;
  std::map<std::string, std::string> section_to_file_;
};

}  // namespace sup
