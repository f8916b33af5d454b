// Python's str semantics that Supervisor's messages depend on (common/py_text.h).
#include "common/py_text.h"

#include <catch2/catch.hpp>

using sup::py::repr;

TEST_CASE("py::repr quotes like Python's repr of a str") {
  CHECK(repr("bad") == "'bad'");
  CHECK(repr("it's") == "\"it's\"");
  CHECK(repr("a\tb") == "'a\\tb'");
  CHECK(repr("'\"") == "'\\'\"'");
  CHECK(repr("\\") == "'\\\\'");
}

TEST_CASE("py::repr keeps printable UTF-8 and escapes what Python does not print") {
  CHECK(repr("caf\xc3\xa9") == "'caf\xc3\xa9'");
  CHECK(repr("\x7f") == "'\\x7f'");
  CHECK(repr("\xc2\x80") == "'\\x80'");
  CHECK(repr("\xc2\xa0") == "'\\xa0'");
  CHECK(repr("\xe2\x80\x8b") == "'\\u200b'");
}
