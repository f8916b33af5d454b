#include "supervisord/web_csrf.h"

namespace sup::web {

std::string csrfToken(std::span<const unsigned char> random_bytes) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : random_bytes) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

std::string_view urlAuthority(std::string_view url) {
  std::size_t scheme = url.find("://");
  if (scheme == std::string_view::npos || scheme == 0) return {};
  std::string_view rest = url.substr(scheme + 3);
  std::size_t end = rest.find_first_of("/?#");
  rest = rest.substr(0, end);
  // Credentials in a URL ("user:pw@host") are not part of the server's name.
  if (std::size_t at = rest.rfind('@'); at != std::string_view::npos) rest = rest.substr(at + 1);
  return rest;
}

namespace {

// Compare without stopping at the first difference, so the time taken says
// nothing about how much of a guessed token was right.
bool sameSecret(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

bool sameServer(std::string_view source_url, const http::Request& request) {
  std::string_view authority = urlAuthority(source_url);
  const std::string* host = request.header("Host");
  return !authority.empty() && host && !host->empty() && authority == *host;
}

}  // namespace

CsrfVerdict checkCsrf(const http::Request& request, std::string_view form_token,
                      std::string_view expected) {
  std::string_view token = form_token;
  if (token.empty()) {
    if (const std::string* h = request.header(kTokenHeader)) token = *h;
  }
  if (token.empty()) return CsrfVerdict::kMissingToken;
  if (expected.empty() || !sameSecret(token, expected)) return CsrfVerdict::kBadToken;
  // A browser sends Origin with every POST; older ones only a Referer (and
  // none when a policy hides it). A client that is not a browser (curl, a
  // script on the Unix socket) sends neither and needs the token only.
  if (const std::string* origin = request.header("Origin")) {
    if (!sameServer(*origin, request)) return CsrfVerdict::kCrossOrigin;
  } else if (const std::string* referer = request.header("Referer")) {
    if (!sameServer(*referer, request)) return CsrfVerdict::kCrossOrigin;
  }
  return CsrfVerdict::kOk;
}

}  // namespace sup::web
