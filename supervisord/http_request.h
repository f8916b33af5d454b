// HTTP/1.0 and 1.1 requests as the control socket receives them (Python
// Supervisor's clients speak HTTP: supervisorctl's XML-RPC, its tail -f).
// A small, strict, incremental parser: pure code, bytes in, a request or the
// error status to answer out. Only what those clients send is accepted:
// origin-form targets, Content-Length bodies (no chunked requests), no
// obsolete header folding; every size is capped, so a client cannot make the
// daemon hold more than the limits. Leading empty lines before a request are
// skipped, as medusa does (Supervisor's own tail -f client sends one extra
// CRLF after its headers).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sup::http {

struct Header {
  std::string name;   ///< as sent
  std::string value;  ///< without surrounding blanks
};

struct Request {
  std::string method;     ///< "GET", "POST": a token, case as sent
  std::string target;     ///< the request-target as sent
  std::string path;       ///< its path, percent-decoded ("/logtail/web:x/stderr")
  std::string query;      ///< after '?', raw; "" when none
  int minor_version = 1;  ///< HTTP/1.<minor_version>: 0 or 1
  std::vector<Header> headers;
  std::optional<std::size_t> content_length;
  std::string body;

  /// The first header called `name` (case-insensitive), nullptr when absent.
  const std::string* header(std::string_view name) const;
  /// Whether the Connection header lists `token` (case-insensitive).
  bool connectionHas(std::string_view token) const;
  /// Whether the client lets the connection stay open after the response:
  /// HTTP/1.1 unless "Connection: close"; HTTP/1.0 only with
  /// "Connection: keep-alive" (medusa's rule).
  bool keepAlive() const;
  /// "Expect: 100-continue" (curl sends it before bodies over 1 KiB).
  bool expectsContinue() const;
};

struct Limits {
  std::size_t max_head = 64 * 1024;  ///< request line plus headers
  std::size_t max_target = 8 * 1024;
  std::size_t max_headers = 100;
  std::size_t max_body = 4 << 20;
};

/// Why a request was refused: the status to answer before closing.
struct ParseError {
  int status = 400;
  std::string reason;  ///< for the log: "bad request line", ...
};

class RequestParser {
 public:
  enum class State {
    kIdle,   ///< between requests (only empty lines seen)
    kHead,   ///< inside the request line or headers
    kBody,   ///< head complete, body bytes still to come
    kDone,   ///< a request is complete: take() it
    kError,  ///< refused: error() says why; the connection must close
  };

  explicit RequestParser(Limits limits = {}) : limits_(limits) {}

  /// Consume bytes from `data` until a request is complete or refused (or
  /// `data` runs out); returns how many were consumed. Bytes after a
  /// complete request belong to the next one: feed them again after take().
  std::size_t feed(std::string_view data);

  State state() const { return state_; }
  /// Some bytes of a request have arrived and it is not complete.
  bool inProgress() const { return state_ == State::kHead || state_ == State::kBody; }
  /// The head has been parsed (state kBody or kDone): request() holds it.
  const Request& request() const { return request_; }
  /// The complete request (state kDone); the parser is then idle again.
  Request take();
  const ParseError& error() const { return error_; }

 private:
  void fail(int status, std::string reason);
  void headComplete();

  Limits limits_;
  State state_ = State::kIdle;
  std::string head_;
  Request request_;
  std::size_t body_left_ = 0;
  ParseError error_;
};

/// Parse a complete head (request line and header lines, each ended by LF
/// or CRLF, up to and without the empty line) into `out`. Pure; exposed for
/// tests. Returns the refusal, or nullopt when the head is acceptable.
std::optional<ParseError> parseHead(std::string_view head, const Limits& limits, Request& out);

/// Whether a connection's first line is an HTTP request line (a method,
/// a target, "HTTP/"): how the control socket tells HTTP from JSON-RPC.
bool looksLikeRequestLine(std::string_view line);

/// %XX-decode a path; nullopt for a malformed escape or an encoded NUL.
std::optional<std::string> percentDecode(std::string_view text);

}  // namespace sup::http
