#include "logsearch/literal_search.h"

#include <catch2/catch.hpp>
#include <random>
#include <string>

using sup::countNewlines;
using sup::isPlainLiteral;
using sup::LiteralSearcher;
using sup::requiredLiterals;

namespace {

std::size_t findOffset(const LiteralSearcher& s, const std::string& hay) {
  const char* at = s.find(hay.data(), hay.data() + hay.size());
  return at ? static_cast<std::size_t>(at - hay.data()) : std::string::npos;
}

}  // namespace

TEST_CASE("Literal search finds the first occurrence at every alignment and length") {
  std::mt19937 rng(42);
  const std::string alphabet = "ab \nERO";
  for (int round = 0; round < 300; ++round) {
    std::string hay(rng() % 200, ' ');
    for (auto& c : hay) c = alphabet[rng() % alphabet.size()];
    std::string needle(1 + rng() % 5, ' ');
    for (auto& c : needle) c = alphabet[rng() % alphabet.size()];
    LiteralSearcher s(needle, false);
    REQUIRE(findOffset(s, hay) == hay.find(needle));
  }
}

TEST_CASE("Literal search near the end of the buffer never reads past it") {
  std::string hay(100, 'x');
  hay += "ERROR";
  LiteralSearcher s("ERROR", false);
  CHECK(findOffset(s, hay) == 100);
  CHECK(findOffset(s, hay.substr(0, 104)) == std::string::npos);
}

TEST_CASE("Case-insensitive literal search folds ASCII letters only") {
  LiteralSearcher s("Error:", true);
  std::string hay = std::string(70, '.') + "eRRoR:" + std::string(40, '.');
  CHECK(findOffset(s, hay) == 70);
  CHECK(findOffset(s, std::string("errorX ERROR;")) == std::string::npos);
}

TEST_CASE("Newlines are counted exactly across vector widths") {
  std::string text;
  for (int i = 0; i < 1000; ++i) text += std::string(i % 37, 'a') + "\n";
  CHECK(countNewlines(text.data(), text.data() + text.size()) == 1000);
  CHECK(countNewlines(text.data() + 1, text.data() + 1) == 0);
}

TEST_CASE("Required literals are the top-level literal runs of a regex") {
  using V = std::vector<std::string>;
  CHECK(requiredLiterals("status=5[0-9][0-9] .*duration=") == V{"status=5", " ", "duration="});
  CHECK(requiredLiterals("ab?c") == V{"a", "c"});
  CHECK(requiredLiterals("ab+c") == V{"ab", "c"});
  CHECK(requiredLiterals("ab{0,2}c") == V{"a", "c"});
  CHECK(requiredLiterals("ab{2}c") == V{"ab", "c"});
  CHECK(requiredLiterals("(timed out|refused) after [0-9]+") == V{" after "});
  CHECK(requiredLiterals("a\\.b\\d") == V{"a.b"});
  CHECK(requiredLiterals("^x$") == V{"x"});
  CHECK(requiredLiterals("x[)]y(z)w") == V{"x", "y", "w"});
}

TEST_CASE("No literal is claimed where the regex could match without it") {
  CHECK(requiredLiterals("foo|bar").empty());
  CHECK(requiredLiterals("(?i)error").empty());
  CHECK(requiredLiterals("\\Qa.b\\E").empty());
  CHECK(requiredLiterals("(*UTF)abc").empty());
  CHECK(requiredLiterals("a{x}").empty());
  // An optional multi-byte character drops all its bytes.
  CHECK(requiredLiterals("x\xC3\xA9?y") == std::vector<std::string>{"x", "y"});
}

TEST_CASE("Plain literals are patterns without regex metacharacters") {
  CHECK(isPlainLiteral("upstream timed out"));
  CHECK(isPlainLiteral("key=value:1"));
  CHECK_FALSE(isPlainLiteral("a.b"));
  CHECK_FALSE(isPlainLiteral("a|b"));
  CHECK_FALSE(isPlainLiteral("x\\d"));
}
