// Fuzz target: the HTTP request parser of the control socket. The input is
// the byte stream of one connection. It is parsed twice, once fed whole and
// once in irregular pieces (as recv(2) delivers it), and both must give the
// same requests and the same refusal; every request must respect the
// limits; then the pieces the session uses on a request run too: the
// protocol sniff of the first line, keep-alive and 100-continue, Basic
// credentials and the {SHA} password check.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "supervisord/http_auth.h"
#include "supervisord/http_request.h"
#include "supervisord/http_response.h"

namespace {

using sup::http::Request;
using sup::http::RequestParser;

struct Outcome {
  std::vector<Request> requests;
  int error_status = 0;
};

const sup::http::Limits& limits() {
  static const sup::http::Limits l = [] {
    sup::http::Limits small;
    small.max_head = 4096;  // small enough that the fuzzer reaches the caps
    small.max_target = 512;
    small.max_headers = 16;
    small.max_body = 8192;
    return small;
  }();
  return l;
}

// Parse `data` handing it over in pieces of the given sizes (cycled).
Outcome parse(std::string_view data, const std::vector<std::size_t>& pieces) {
  Outcome out;
  RequestParser p(limits());
  std::string pending;
  std::size_t next = 0;
  std::size_t k = 0;
  while (true) {
    if (next < data.size()) {
      std::size_t n = std::min(pieces[k++ % pieces.size()], data.size() - next);
      pending.append(data.substr(next, n));
      next += n;
    }
    // Feed until the parser stops taking bytes (a request is done or refused).
    while (true) {
      std::size_t used = p.feed(pending);
      pending.erase(0, used);
      if (p.state() == RequestParser::State::kDone) {
        out.requests.push_back(p.take());
        continue;
      }
      if (p.state() == RequestParser::State::kError) {
        out.error_status = p.error().status;
        return out;
      }
      break;
    }
    if (next >= data.size()) return out;
  }
}

bool same(const Request& a, const Request& b) {
  if (a.method != b.method || a.target != b.target || a.path != b.path || a.query != b.query ||
      a.minor_version != b.minor_version || a.body != b.body ||
      a.content_length != b.content_length || a.headers.size() != b.headers.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.headers.size(); ++i) {
    if (a.headers[i].name != b.headers[i].name || a.headers[i].value != b.headers[i].value) {
      return false;
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  Outcome whole = parse(text, {size ? size : 1});
  std::vector<std::size_t> pieces;
  for (std::size_t i = 0; i < 8; ++i) pieces.push_back(1 + (size > i ? data[i] % 7 : i));
  Outcome split = parse(text, pieces);

  if (whole.error_status != split.error_status) std::abort();
  if (whole.requests.size() != split.requests.size()) std::abort();
  for (std::size_t i = 0; i < whole.requests.size(); ++i) {
    if (!same(whole.requests[i], split.requests[i])) std::abort();
  }
  if (whole.error_status != 0 && sup::http::reasonPhrase(whole.error_status) == "Unknown") {
    std::abort();  // every refusal has a status medusa's clients understand
  }

  for (const Request& r : whole.requests) {
    if (r.body.size() > limits().max_body || r.headers.size() > limits().max_headers ||
        r.target.size() > limits().max_target) {
      std::abort();
    }
    if (r.body.size() != r.content_length.value_or(0)) std::abort();
    if (r.path.empty() || r.path.front() != '/') std::abort();
    if (r.minor_version != 0 && r.minor_version != 1) std::abort();
    (void)r.keepAlive();
    (void)r.expectsContinue();
    if (const std::string* auth = r.header("Authorization")) {
      auto creds = sup::parseBasicAuthorization(*auth);
      if (creds) {
        (void)sup::credentialsAccepted(std::string("user"), std::string("{SHA}0123"),
                                       creds->username, creds->password);
      }
    }
  }
  std::size_t lf = text.find('\n');
  (void)sup::http::looksLikeRequestLine(text.substr(0, lf));
  return 0;
}
