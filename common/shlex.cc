#include "common/shlex.h"

#include "common/py_text.h"

namespace sup {
namespace {

bool isIn(char32_t c, std::u32string_view set) {
  return set.find(c) != std::u32string_view::npos;
}

constexpr std::u32string_view kWhitespace = U" \t\r\n";
constexpr std::u32string_view kQuotes = U"'\"";

bool asciiWordChar(char32_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

}  // namespace

Result<std::vector<std::string>> shlexSplit(std::string_view text) {
  // POSIX mode with whitespace_split: a token runs until unquoted whitespace.
  const std::u32string in = py::decodeUtf8(text);
  std::vector<std::string> tokens;
  std::u32string token;
  bool quoted = false;
  bool in_token = false;
  char32_t state = ' ';  // ' ', 'a', a quote char, or '\\'
  char32_t escaped_state = ' ';
  auto emit = [&] {
    if (!token.empty() || quoted) tokens.push_back(py::encodeUtf8(token));
    token.clear();
    quoted = false;
    in_token = false;
  };
  for (size_t i = 0; i <= in.size(); ++i) {
    bool eof = i == in.size();
    char32_t c = eof ? 0 : in[i];
    if (state == ' ' || state == 'a') {
      if (eof) break;
      if (isIn(c, kWhitespace)) {
        if (state == 'a') emit();
        state = ' ';
      } else if (c == '\\') {
        escaped_state = 'a';
        state = '\\';
        in_token = true;
      } else if (isIn(c, kQuotes)) {
        state = c;
        in_token = true;
      } else {
        token.push_back(c);
        state = 'a';
        in_token = true;
      }
    } else if (state == '\\') {
      if (eof) return Error{"No escaped character"};
      if (isIn(escaped_state, kQuotes) && c != state && c != escaped_state) token.push_back(state);
      token.push_back(c);
      state = escaped_state;
    } else {  // inside quotes
      quoted = true;
      if (eof) return Error{"No closing quotation"};
      if (c == state) {
        state = 'a';
      } else if (c == '\\' && state == '"') {
        escaped_state = state;
        state = '\\';
      } else {
        token.push_back(c);
      }
    }
  }
  if (in_token) emit();
  return tokens;
}

Result<std::vector<std::string>> nonPosixTokens(std::string_view text) {
  const std::u32string in = py::decodeUtf8(text);
  auto word_char = [](char32_t c) { return asciiWordChar(c) || isIn(c, U"/.+-():"); };
  std::vector<std::string> tokens;
  std::u32string token;
  char32_t state = ' ';
  size_t i = 0;
  auto skipLine = [&] {
    while (i < in.size() && in[i] != '\n') ++i;
    if (i < in.size()) ++i;
  };
  // A token that ends because of a punctuation char pushes that char back as
  // a token of its own (shlex's pushback queue).
  std::vector<std::string> pushed;
  while (true) {
    if (!pushed.empty()) {
      tokens.push_back(pushed.back());
      pushed.pop_back();
      continue;
    }
    bool produced = false;
    while (!produced) {
      bool eof = i >= in.size();
      char32_t c = eof ? 0 : in[i++];
      if (state == ' ') {
        if (eof) return tokens;
        if (isIn(c, kWhitespace)) continue;
        if (c == '#') {
          skipLine();
        } else if (word_char(c)) {
          token = c;
          state = 'a';
        } else if (isIn(c, kQuotes)) {
          token = c;
          state = c;
        } else {
          token = c;
          produced = true;
        }
      } else if (isIn(state, kQuotes)) {
        if (eof) return Error{"No closing quotation"};
        token.push_back(c);
        if (c == state) {
          state = ' ';
          produced = true;
        }
      } else {  // word
        if (eof) {
          state = ' ';
          produced = true;
          i = in.size() + 1;
        } else if (isIn(c, kWhitespace)) {
          state = ' ';
          produced = true;
        } else if (c == '#') {
          skipLine();
        } else if (word_char(c) || isIn(c, kQuotes)) {
          token.push_back(c);
        } else {
          std::u32string one(1, c);
          pushed.push_back(py::encodeUtf8(one));
          state = ' ';
          produced = true;
        }
      }
    }
    if (token.empty()) return tokens;  // '' is the non-POSIX end of input
    tokens.push_back(py::encodeUtf8(token));
    token.clear();
    if (i > in.size() && pushed.empty()) return tokens;
  }
}

Result<EnvVars> parseKeyValuePairs(std::string_view text) {
  auto tokens = nonPosixTokens(text);
  if (!tokens.ok()) return tokens.error();
  const std::vector<std::string>& t = *tokens;
  EnvVars out;
  for (size_t i = 0; i < t.size(); i += 4) {
    if (i + 3 > t.size() || t[i + 1] != "=") {
      return Error{"Unexpected end of key/value pairs in value '" + std::string(text) + "'"};
    }
    std::string value = t[i + 2];
    size_t b = value.find_first_not_of("'\"");
    size_t e = value.find_last_not_of("'\"");
    out.set(t[i], b == std::string::npos ? "" : value.substr(b, e - b + 1));
  }
  return out;
}

}  // namespace sup
