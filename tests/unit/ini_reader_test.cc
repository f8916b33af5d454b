// The INI reader against Python configparser's observable behaviour (each
// expectation was checked on Python 3.11 with Supervisor's parser settings).
#include "common/ini_reader.h"

#include <catch2/catch.hpp>

using sup::IniDocument;

namespace {
IniDocument parsed(const std::string& text) {
  IniDocument doc;
  sup::Status st = doc.readString(text, "sv.conf");
  REQUIRE(st.ok());
  return doc;
}
std::string value(const IniDocument& doc, const char* section, const char* key) {
  auto v = doc.get(section, key);
  REQUIRE(v.has_value());
  return *v;
}
}  // namespace

TEST_CASE("inline comments start only after whitespace, with semicolon or #", "[ini]") {
  IniDocument doc = parsed("[a]\nk = v ;c\nx=a;b\ny=1 #c\nz=v#x\n");
  CHECK(value(doc, "a", "k") == "v");
  CHECK(value(doc, "a", "x") == "a;b");
  CHECK(value(doc, "a", "y") == "1");
  CHECK(value(doc, "a", "z") == "v#x");
}

TEST_CASE("the inline comment scan stops at the first round with a hit, like configparser",
          "[ini]") {
  // '#' at " #z" follows whitespace but ';' wins the first scanning round.
  IniDocument doc = parsed("[a]\nv=x#y #z ;c\n");
  CHECK(value(doc, "a", "v") == "x#y #z");
}

TEST_CASE("full-line comments use semicolon or # after any indentation", "[ini]") {
  IniDocument doc = parsed("[a]\n; one\n  # two\nk=v\n");
  CHECK(doc.options("a") == std::vector<std::string>{"k"});
}

TEST_CASE("indented lines continue a value and blank lines inside it are kept", "[ini]") {
  IniDocument doc = parsed("[a]\ncmd=one\n  two\n\n  three\n\n\nk2=v\n");
  CHECK(value(doc, "a", "cmd") == "one\ntwo\n\nthree");
  CHECK(value(doc, "a", "k2") == "v");
}

TEST_CASE("an indented section header or key line is swallowed into the previous value", "[ini]") {
  IniDocument doc = parsed("[a]\nk=v\n  [b]\n  x=y\n[b]\nq:1\nQ=2\n");
  CHECK(value(doc, "a", "k") == "v\n[b]\nx=y");
  CHECK(value(doc, "b", "q") == "2");  // ':' delimits, keys are lower-cased, last wins
}

TEST_CASE("section names keep their case and repeated sections merge", "[ini]") {
  IniDocument doc = parsed("[Prog]\na=1\n[other]\n[Prog]\nb=2\na=3\n");
  CHECK(doc.sections() == std::vector<std::string>{"Prog", "other"});
  CHECK(value(doc, "Prog", "a") == "3");
  CHECK(value(doc, "Prog", "b") == "2");
  CHECK_FALSE(doc.hasSection("prog"));
}

TEST_CASE("DEFAULT values show through every section without being copied", "[ini]") {
  IniDocument doc = parsed("[DEFAULT]\nd=1\n[a]\nk=v\n");
  CHECK(doc.sections() == std::vector<std::string>{"a"});
  CHECK(value(doc, "a", "d") == "1");
  CHECK(doc.rawSections()[0].options.size() == 1);
  CHECK(doc.options("a") == std::vector<std::string>{"k", "d"});
}

TEST_CASE("CRLF and lone CR end lines like Python's universal newlines", "[ini]") {
  IniDocument doc = parsed("[a]\r\nk=v\r\n  w\r\nz=1\rq=2");
  CHECK(value(doc, "a", "k") == "v\nw");
  CHECK(value(doc, "a", "q") == "2");
}

TEST_CASE("lines longer than any fixed buffer are read whole", "[ini]") {
  std::string longv(100000, 'x');
  IniDocument doc = parsed("[a]\nk=" + longv + "\n");
  CHECK(value(doc, "a", "k") == longv);
}

TEST_CASE("lines without a delimiter are all reported with configparser's text", "[ini]") {
  IniDocument doc;
  sup::Status st = doc.readString("[a]\nbad line\nk=v\nalso bad", "sv.conf");
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().message ==
        "Source contains parsing errors: 'sv.conf'\n\t[line  2]: 'bad line\\n'\n\t[line  4]: "
        "'also bad'");
  CHECK(value(doc, "a", "k") == "v");  // what was read is kept
}

TEST_CASE("an empty key is a parsing error", "[ini]") {
  IniDocument doc;
  sup::Status st = doc.readString("[a]\n=v\n", "sv.conf");
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().message == "Source contains parsing errors: 'sv.conf'\n\t[line  2]: '=v\\n'");
}

TEST_CASE("a UTF-8 byte order mark is not skipped, so the first header is missing", "[ini]") {
  IniDocument doc;
  sup::Status st = doc.readString("\xEF\xBB\xBF[a]\nk=v\n", "sv.conf");
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().message ==
        "File contains no section headers.\nfile: 'sv.conf', line: 1\n'\\ufeff[a]\\n'");
}

TEST_CASE("expand_here substitutes %(here)s into sections, DEFAULT values included", "[ini]") {
  IniDocument doc = parsed("[DEFAULT]\nd=%(here)s/d\n[a]\nk=%(here)s/x %(here)s\n");
  doc.expandHere("/etc/sv");
  CHECK(value(doc, "a", "k") == "/etc/sv/x /etc/sv");
  CHECK(value(doc, "a", "d") == "/etc/sv/d");
  CHECK(doc.defaults().options[0].second == "%(here)s/d");
}

TEST_CASE("a file that cannot be opened is skipped silently by readFile", "[ini]") {
  IniDocument doc;
  CHECK(doc.readFile("/nonexistent/sv.conf").ok());
  CHECK(doc.sections().empty());
}

TEST_CASE("non-ASCII whitespace counts for comments and indentation, as in Python's str",
          "[ini]") {
  // ASCII lines take a byte path; these lines must keep code-point semantics.
  // configparser gives {'k': 'v', 'x': '1\nmore', 'été': 'y', 'z': 'a'}.
  IniDocument doc = parsed(
      "[a]\nk = v\u00a0;c\nx = 1\n\u2003more\n\u00c9T\u00c9 = y\nz = a\u00a0#b ;c\n");
  CHECK(value(doc, "a", "k") == "v");
  CHECK(value(doc, "a", "x") == "1\nmore");
  CHECK(value(doc, "a", "\u00e9t\u00e9") == "y");
  CHECK(value(doc, "a", "z") == "a");
}
