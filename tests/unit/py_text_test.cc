// Python's str semantics that Supervisor's messages depend on (common/py_text.h).
#include "common/py_text.h"

#include <catch2/catch.hpp>

using sup::py::repr;
namespace py = sup::py;

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

TEST_CASE("py::length counts code points and each undecodable byte as one") {
  CHECK(py::length("") == 0);
  CHECK(py::length("abc") == 3);
  CHECK(py::length("test_öäü") == 8);
  CHECK(py::length("日本語") == 3);
  CHECK(py::length("\xf0\x9f\x98\x80") == 1);  // one emoji, 4 bytes
  CHECK(py::length("a\x88"
                   "b") == 3);         // surrogateescape: one per byte
  CHECK(py::length("\xe6\x97") == 2);  // a truncated sequence
}

TEST_CASE("py::ljust pads to a width in code points, never truncates") {
  CHECK(py::ljust("ß", 3) == "ß  ");
  CHECK(py::ljust("日本語", 5) == "日本語  ");
  CHECK(py::ljust("abcdef", 3) == "abcdef");
}

// Python 3.11's repr(bytes([i])) for i in 0..255, one per line, printed by
// `python3 -c 'for i in range(256): print(repr(bytes([i])))'`.
static const char* const kPythonByteReprs = R"PY(b'\x00'
b'\x01'
b'\x02'
b'\x03'
b'\x04'
b'\x05'
b'\x06'
b'\x07'
b'\x08'
b'\t'
b'\n'
b'\x0b'
b'\x0c'
b'\r'
b'\x0e'
b'\x0f'
b'\x10'
b'\x11'
b'\x12'
b'\x13'
b'\x14'
b'\x15'
b'\x16'
b'\x17'
b'\x18'
b'\x19'
b'\x1a'
b'\x1b'
b'\x1c'
b'\x1d'
b'\x1e'
b'\x1f'
b' '
b'!'
b'"'
b'#'
b'$'
b'%'
b'&'
b"'"
b'('
b')'
b'*'
b'+'
b','
b'-'
b'.'
b'/'
b'0'
b'1'
b'2'
b'3'
b'4'
b'5'
b'6'
b'7'
b'8'
b'9'
b':'
b';'
b'<'
b'='
b'>'
b'?'
b'@'
b'A'
b'B'
b'C'
b'D'
b'E'
b'F'
b'G'
b'H'
b'I'
b'J'
b'K'
b'L'
b'M'
b'N'
b'O'
b'P'
b'Q'
b'R'
b'S'
b'T'
b'U'
b'V'
b'W'
b'X'
b'Y'
b'Z'
b'['
b'\\'
b']'
b'^'
b'_'
b'`'
b'a'
b'b'
b'c'
b'd'
b'e'
b'f'
b'g'
b'h'
b'i'
b'j'
b'k'
b'l'
b'm'
b'n'
b'o'
b'p'
b'q'
b'r'
b's'
b't'
b'u'
b'v'
b'w'
b'x'
b'y'
b'z'
b'{'
b'|'
b'}'
b'~'
b'\x7f'
b'\x80'
b'\x81'
b'\x82'
b'\x83'
b'\x84'
b'\x85'
b'\x86'
b'\x87'
b'\x88'
b'\x89'
b'\x8a'
b'\x8b'
b'\x8c'
b'\x8d'
b'\x8e'
b'\x8f'
b'\x90'
b'\x91'
b'\x92'
b'\x93'
b'\x94'
b'\x95'
b'\x96'
b'\x97'
b'\x98'
b'\x99'
b'\x9a'
b'\x9b'
b'\x9c'
b'\x9d'
b'\x9e'
b'\x9f'
b'\xa0'
b'\xa1'
b'\xa2'
b'\xa3'
b'\xa4'
b'\xa5'
b'\xa6'
b'\xa7'
b'\xa8'
b'\xa9'
b'\xaa'
b'\xab'
b'\xac'
b'\xad'
b'\xae'
b'\xaf'
b'\xb0'
b'\xb1'
b'\xb2'
b'\xb3'
b'\xb4'
b'\xb5'
b'\xb6'
b'\xb7'
b'\xb8'
b'\xb9'
b'\xba'
b'\xbb'
b'\xbc'
b'\xbd'
b'\xbe'
b'\xbf'
b'\xc0'
b'\xc1'
b'\xc2'
b'\xc3'
b'\xc4'
b'\xc5'
b'\xc6'
b'\xc7'
b'\xc8'
b'\xc9'
b'\xca'
b'\xcb'
b'\xcc'
b'\xcd'
b'\xce'
b'\xcf'
b'\xd0'
b'\xd1'
b'\xd2'
b'\xd3'
b'\xd4'
b'\xd5'
b'\xd6'
b'\xd7'
b'\xd8'
b'\xd9'
b'\xda'
b'\xdb'
b'\xdc'
b'\xdd'
b'\xde'
b'\xdf'
b'\xe0'
b'\xe1'
b'\xe2'
b'\xe3'
b'\xe4'
b'\xe5'
b'\xe6'
b'\xe7'
b'\xe8'
b'\xe9'
b'\xea'
b'\xeb'
b'\xec'
b'\xed'
b'\xee'
b'\xef'
b'\xf0'
b'\xf1'
b'\xf2'
b'\xf3'
b'\xf4'
b'\xf5'
b'\xf6'
b'\xf7'
b'\xf8'
b'\xf9'
b'\xfa'
b'\xfb'
b'\xfc'
b'\xfd'
b'\xfe'
b'\xff')PY";

TEST_CASE("py::bytesRepr matches Python's repr of every single byte") {
  std::vector<std::string> expected;
  std::string_view all(kPythonByteReprs);
  for (size_t start = 0; start <= all.size();) {
    size_t nl = all.find('\n', start);
    if (nl == std::string_view::npos) nl = all.size();
    expected.emplace_back(all.substr(start, nl - start));
    start = nl + 1;
  }
  REQUIRE(expected.size() == 256);
  for (int i = 0; i < 256; ++i) {
    INFO("byte " << i);
    CHECK(py::bytesRepr(std::string(1, static_cast<char>(i))) == expected[i]);
  }
}

TEST_CASE("py::bytesRepr of all 256 bytes at once and its choice of quotes") {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  // repr(bytes(range(256)))
  CHECK(
      py::bytesRepr(all) ==
      R"PY(b'\x00\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f !"#$%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~\x7f\x80\x81\x82\x83\x84\x85\x86\x87\x88\x89\x8a\x8b\x8c\x8d\x8e\x8f\x90\x91\x92\x93\x94\x95\x96\x97\x98\x99\x9a\x9b\x9c\x9d\x9e\x9f\xa0\xa1\xa2\xa3\xa4\xa5\xa6\xa7\xa8\xa9\xaa\xab\xac\xad\xae\xaf\xb0\xb1\xb2\xb3\xb4\xb5\xb6\xb7\xb8\xb9\xba\xbb\xbc\xbd\xbe\xbf\xc0\xc1\xc2\xc3\xc4\xc5\xc6\xc7\xc8\xc9\xca\xcb\xcc\xcd\xce\xcf\xd0\xd1\xd2\xd3\xd4\xd5\xd6\xd7\xd8\xd9\xda\xdb\xdc\xdd\xde\xdf\xe0\xe1\xe2\xe3\xe4\xe5\xe6\xe7\xe8\xe9\xea\xeb\xec\xed\xee\xef\xf0\xf1\xf2\xf3\xf4\xf5\xf6\xf7\xf8\xf9\xfa\xfb\xfc\xfd\xfe\xff')PY");
  CHECK(py::bytesRepr("'") == R"PY(b"'")PY");
  CHECK(py::bytesRepr("\"") == R"PY(b'"')PY");
  CHECK(py::bytesRepr("'\"") == R"PY(b'\'"')PY");
  CHECK(py::bytesRepr("it's") == R"PY(b"it's")PY");
  CHECK(py::bytesRepr("\x88\n") == R"PY(b'\x88\n')PY");
  CHECK(py::bytesRepr("caf\xc3\xa9 \xff") == R"PY(b'caf\xc3\xa9 \xff')PY");
  CHECK(py::bytesRepr("") == R"PY(b'')PY");
}

TEST_CASE("py::decodedOrUndecodable keeps valid UTF-8 and reprs anything else") {
  // Supervisor's test_issue_638: a child writing "\x88\n" shows as this.
  CHECK(py::decodedOrUndecodable("\x88\n") == R"(Undecodable: b'\x88\n')");
  CHECK(py::decodedOrUndecodable("The Øresund bridge ends in Malmö\n") ==
        "The Øresund bridge ends in Malmö\n");
  CHECK(py::decodedOrUndecodable("") == "");
  // What b.decode('utf-8') rejects: overlong, surrogate, > U+10FFFF, truncated.
  CHECK_FALSE(py::isStrictUtf8("\xc0\xaf"));
  CHECK_FALSE(py::isStrictUtf8("\xed\xa0\x80"));
  CHECK_FALSE(py::isStrictUtf8("\xf4\x90\x80\x80"));
  CHECK_FALSE(py::isStrictUtf8("ok \xe6\x97"));
  CHECK(py::isStrictUtf8("\xf4\x8f\xbf\xbf"));  // U+10FFFF
  CHECK(py::isStrictUtf8("\xef\xbf\xbf"));      // U+FFFF
}
