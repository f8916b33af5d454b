// Small pieces of Python's string semantics that Supervisor's messages and
// parsing depend on: repr() quoting, str.strip()/isspace() over Unicode, and
// code-point iteration over UTF-8 (Python indexes strings by code point).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace sup::py {

/// Decode UTF-8 into code points. Invalid bytes map to U+DC80+byte (Python's
/// surrogateescape), so nothing is lost and re-encoding round-trips.
std::u32string decodeUtf8(std::string_view text);
std::string encodeUtf8(std::u32string_view text);
void appendUtf8(std::string& out, char32_t cp);

/// len(str): the number of code points (each undecodable byte counts as one,
/// as it would after surrogateescape).
size_t length(std::string_view text);

/// '%-*s' % (width, text): pad with spaces to `width` code points.
std::string ljust(std::string_view text, size_t width);

/// Python's str.isspace() for one code point.
bool isSpace(char32_t cp);

/// str.strip() / lstrip() / rstrip() with no argument (Unicode whitespace).
std::string strip(std::string_view text);
std::string rstrip(std::string_view text);
/// The same, as a view into `text` (no copy).
std::string_view stripView(std::string_view text);
std::string_view rstripView(std::string_view text);

/// repr(str): single quotes unless the text has ' and no ", escapes as Python.
std::string repr(std::string_view text);

/// repr(bytes): b'...' (b"..." when there is a ' and no "), with \t \n \r
/// \\ and \xNN for every other byte outside printable ASCII.
std::string bytesRepr(std::string_view bytes);

/// Whether bytes.decode('utf-8') succeeds: well-formed UTF-8 (no overlong
/// forms, no surrogates, nothing above U+10FFFF).
bool isStrictUtf8(std::string_view bytes);

/// Supervisor's as_string() on bytes that may not decode: the text itself,
/// or "Undecodable: b'...'" (what its events and log lines show).
std::string decodedOrUndecodable(std::string_view bytes);

/// len() of the str that well-formed UTF-8 `text` decodes to: its code points.
std::size_t charCount(std::string_view text);

/// str.lower() for ASCII and Latin letters (what configparser's optionxform does).
std::string lower(std::string_view text);
std::string upper(std::string_view text);

}  // namespace sup::py
