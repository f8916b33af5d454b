#include "supervisord/http_request.h"

#include <algorithm>
#include <charconv>

namespace sup::http {
namespace {

bool isTchar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
      return true;
    default:
      return false;
  }
}

bool isToken(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), isTchar);
}

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

std::string_view trimBlanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Next line of `head` from `pos` without its LF (and CR before it).
std::string_view nextLine(std::string_view head, std::size_t& pos) {
  std::size_t end = head.find('\n', pos);
  if (end == std::string_view::npos) end = head.size();
  std::string_view line = head.substr(pos, end - pos);
  pos = end + 1;
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

std::optional<ParseError> parseRequestLine(std::string_view line, const Limits& limits,
                                           Request& out) {
  std::size_t sp1 = line.find(' ');
  std::size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos) {
    return ParseError{400, "bad request line"};
  }
  std::string_view method = line.substr(0, sp1);
  std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  std::string_view version = line.substr(sp2 + 1);
  if (!isToken(method)) return ParseError{400, "bad method"};
  if (target.size() > limits.max_target) return ParseError{414, "request-target too long"};
  if (target.empty() ||
      !std::all_of(target.begin(), target.end(), [](char c) { return c > 0x20 && c < 0x7f; })) {
    return ParseError{400, "bad request-target"};
  }
  if (version.size() != 8 || version.substr(0, 5) != "HTTP/" || version[6] != '.' ||
      version[5] < '0' || version[5] > '9' || version[7] < '0' || version[7] > '9') {
    return ParseError{400, "bad HTTP version"};
  }
  if (version[5] != '1' || version[7] > '1') return ParseError{505, "unsupported HTTP version"};
  out.method = std::string(method);
  out.target = std::string(target);
  out.minor_version = version[7] - '0';

  // Absolute-form ("http://host/path"): keep the path. Origin-form otherwise.
  std::string_view path = target;
  if (path.front() != '/') {
    std::size_t scheme = path.find("://");
    if (scheme == std::string_view::npos) return ParseError{400, "bad request-target"};
    std::size_t slash = path.find('/', scheme + 3);
    path = slash == std::string_view::npos ? std::string_view("/") : path.substr(slash);
  }
  std::size_t cut = path.find_first_of("?#");
  if (cut != std::string_view::npos) {
    if (path[cut] == '?') {
      std::string_view query = path.substr(cut + 1);
      out.query = std::string(query.substr(0, query.find('#')));
    }
    path = path.substr(0, cut);
  }
  auto decoded = percentDecode(path);
  if (!decoded) return ParseError{400, "bad escape in path"};
  out.path = std::move(*decoded);
  return std::nullopt;
}

std::optional<ParseError> parseContentLength(std::string_view value, const Limits& limits,
                                             Request& out) {
  std::size_t n = 0;
  auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
  if (value.empty() || ec == std::errc::invalid_argument || ptr != value.data() + value.size() ||
      value.front() == '+' || value.front() == '-') {
    return ParseError{400, "bad Content-Length"};
  }
  if (ec == std::errc::result_out_of_range || n > limits.max_body) {
    return ParseError{413, "body too large"};
  }
  if (out.content_length && *out.content_length != n) {
    return ParseError{400, "conflicting Content-Length"};
  }
  out.content_length = n;
  return std::nullopt;
}

}  // namespace

const std::string* Request::header(std::string_view name) const {
  for (const auto& h : headers) {
    if (iequals(h.name, name)) return &h.value;
  }
  return nullptr;
}

bool Request::connectionHas(std::string_view token) const {
  for (const auto& h : headers) {
    if (!iequals(h.name, "Connection")) continue;
    std::string_view rest = h.value;
    while (!rest.empty()) {
      std::size_t comma = rest.find(',');
      if (iequals(trimBlanks(rest.substr(0, comma)), token)) return true;
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  return false;
}

bool Request::keepAlive() const {
  if (minor_version == 0) return connectionHas("keep-alive");
  return !connectionHas("close");
}

bool Request::expectsContinue() const {
  const std::string* expect = header("Expect");
  return expect && iequals(trimBlanks(*expect), "100-continue");
}

bool looksLikeRequestLine(std::string_view line) {
  std::size_t sp = line.find(' ');
  if (sp == std::string_view::npos || sp == 0) return false;
  for (std::size_t i = 0; i < sp; ++i) {
    char c = line[i];
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) return false;
  }
  std::size_t version = line.rfind(" HTTP/");
  return version != std::string_view::npos && version > sp;
}

std::optional<std::string> percentDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    int hi = hexValue(text[i + 1]);
    int lo = hexValue(text[i + 2]);
    if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

std::optional<ParseError> parseHead(std::string_view head, const Limits& limits, Request& out) {
  std::size_t pos = 0;
  if (auto err = parseRequestLine(nextLine(head, pos), limits, out)) return err;
  while (pos < head.size()) {
    std::string_view line = nextLine(head, pos);
    if (line.empty()) break;
    if (line.front() == ' ' || line.front() == '\t') return ParseError{400, "folded header"};
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || !isToken(line.substr(0, colon))) {
      return ParseError{400, "bad header line"};
    }
    std::string_view value = trimBlanks(line.substr(colon + 1));
    // Control characters (other than tab) have no place in a header value.
    if (std::any_of(value.begin(), value.end(), [](char c) {
          return (static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f;
        })) {
      return ParseError{400, "bad header value"};
    }
    if (out.headers.size() >= limits.max_headers) return ParseError{431, "too many headers"};
    std::string_view name = line.substr(0, colon);
    if (iequals(name, "Content-Length")) {
      if (auto err = parseContentLength(value, limits, out)) return err;
    } else if (iequals(name, "Transfer-Encoding")) {
      // No client of Supervisor's sends a chunked request; refusing any
      // transfer coding keeps the body's end unambiguous.
      return ParseError{501, "Transfer-Encoding in a request"};
    }
    out.headers.push_back(Header{std::string(name), std::string(value)});
  }
  return std::nullopt;
}

void RequestParser::fail(int status, std::string reason) {
  state_ = State::kError;
  error_ = ParseError{status, std::move(reason)};
  head_.clear();
}

void RequestParser::headComplete() {
  request_ = Request{};
  if (auto err = parseHead(head_, limits_, request_)) {
    fail(err->status, std::move(err->reason));
    return;
  }
  head_.clear();
  body_left_ = request_.content_length.value_or(0);
  request_.body.reserve(body_left_);
  state_ = body_left_ > 0 ? State::kBody : State::kDone;
}

std::size_t RequestParser::feed(std::string_view data) {
  std::size_t used = 0;
  while (used < data.size()) {
    switch (state_) {
      case State::kDone:
      case State::kError:
        return used;
      case State::kIdle: {
        char c = data[used];
        if (c == '\r' || c == '\n') {
          ++used;
          continue;
        }
        state_ = State::kHead;
        continue;
      }
      case State::kHead: {
        // Take up to the next LF; a head is complete at an empty line.
        std::size_t lf = data.find('\n', used);
        std::size_t take = (lf == std::string_view::npos ? data.size() : lf + 1) - used;
        if (head_.size() + take > limits_.max_head) {
          bool in_request_line = head_.find('\n') == std::string::npos;
          fail(in_request_line ? 414 : 431,
               in_request_line ? "request line too long" : "headers too large");
          return used;
        }
        head_.append(data.substr(used, take));
        used += take;
        if (lf == std::string_view::npos) return used;
        std::size_t n = head_.size();
        bool empty_line = (n >= 2 && head_[n - 2] == '\n') ||
                          (n >= 3 && head_[n - 2] == '\r' && head_[n - 3] == '\n');
        if (empty_line) headComplete();
        continue;
      }
      case State::kBody: {
        std::size_t take = std::min(body_left_, data.size() - used);
        request_.body.append(data.substr(used, take));
        used += take;
        body_left_ -= take;
        if (body_left_ == 0) state_ = State::kDone;
        continue;
      }
    }
  }
  return used;
}

Request RequestParser::take() {
  Request out = std::move(request_);
  request_ = Request{};
  state_ = State::kIdle;
  return out;
}

}  // namespace sup::http
