// The web page's guard against cross-site request forgery, pure. Every
// action is a POST that must carry the daemon's token: in the form's
// "token" field (the page embeds it; a plain HTML form sends it) or in an
// X-Supervisor-Token header (the page's fetch calls, which a cross-site
// page cannot send without a CORS preflight that is never granted). And
// when the browser says where the request comes from (Origin, else
// Referer), that must be this server (the Host header): a token leaked to
// another site is still refused from it. Basic auth alone is no guard: a
// browser replays cached credentials to any site's forms.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "supervisord/http_request.h"

namespace sup::web {

/// The header a fetch call carries the token in.
inline constexpr std::string_view kTokenHeader = "X-Supervisor-Token";

/// The token text of some random bytes (lower-case hex).
std::string csrfToken(std::span<const unsigned char> random_bytes);

enum class CsrfVerdict {
  kOk,
  kMissingToken,  ///< neither the form field nor the header
  kBadToken,
  kCrossOrigin,  ///< Origin or Referer names another server
};

/// Check an action request: `form_token` is the form's "token" field ("" if
/// absent), `expected` the daemon's token (never empty).
CsrfVerdict checkCsrf(const http::Request& request, std::string_view form_token,
                      std::string_view expected);

/// "host:port" of an absolute URL ("http://h:1/x" gives "h:1"); "" when the
/// text is not one ("null", a relative path).
std::string_view urlAuthority(std::string_view url);

}  // namespace sup::web
