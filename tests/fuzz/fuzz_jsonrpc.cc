// Fuzz target: the JSON-RPC protocol both binaries speak. The input is the
// byte stream of one connection. It is fed to LineBuffer in irregular pieces
// (as recv(2) delivers it) and the lines that come out are checked against a
// plain split of the whole stream; then each line is parsed as a request (the
// daemon's side) and as a reply or notification (supervisorctl's side);
// replies are re-encoded, and results decoded into the protocol's structs the
// way supervisorctl does.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "common/line_framing.h"
#include "common/protocol.h"

namespace {

using sup::proto::json;

// from_json throws json::exception on a value of the wrong type; callers
// catch that. Anything else (a crash, UB, another exception) is a bug.
template <class T>
void decodeAs(const json& value) {
  try {
    T decoded = value.get<T>();
    json again = decoded;
    (void)sup::proto::encodeLine(again);
  } catch (const json::exception&) {
  }
}

void decodeResult(const json& result) {
  decodeAs<sup::proto::ProcessInfo>(result);
  decodeAs<sup::proto::CallResult>(result);
  decodeAs<sup::proto::ConfigInfo>(result);
  decodeAs<sup::proto::LogFileEntry>(result);
  decodeAs<sup::proto::LogChunk>(result);
  if (result.is_array()) {
    for (const json& item : result) {
      decodeAs<sup::proto::ProcessInfo>(item);
      decodeAs<sup::proto::CallResult>(item);
    }
  }
}

void handleLine(std::string_view line) {
  json id;
  auto request = sup::proto::parseRequest(line, &id);
  if (request.ok()) {
    const json reply = sup::proto::makeResult(request->id, request->params);
    (void)sup::proto::encodeLine(reply);
    (void)sup::proto::splitNamespec(request->method);
  } else {
    (void)sup::proto::encodeLine(sup::proto::makeError(id, sup::proto::kInvalidRequest,
                                                       request.error().message));
  }

  auto message = sup::proto::parseMessage(line);
  if (message.ok()) {
    if (message->error) {
      (void)sup::proto::faultName(message->error->code);
    } else if (!message->is_notification) {
      decodeResult(message->result);
    } else {
      decodeAs<sup::proto::LogChunk>(message->params);
    }
  }
}


// What LineBuffer must produce: the stream's lines (a trailing '\r' dropped)
// up to the first one longer than max_line; `overflow` says whether one was.
std::vector<std::string> expectedLines(std::string_view stream, size_t max_line, bool* overflow) {
  std::vector<std::string> lines;
  *overflow = false;
  size_t start = 0;
  while (start < stream.size()) {
    size_t nl = stream.find('\n', start);
    size_t raw_end = nl == std::string_view::npos ? stream.size() : nl;
    if (raw_end - start > max_line) {
      *overflow = true;
      break;
    }
    if (nl == std::string_view::npos) break;  // a partial line stays pending
    size_t end = nl;
    if (end > start && stream[end - 1] == '\r') --end;
    lines.emplace_back(stream.substr(start, end - start));
    start = nl + 1;
  }
  return lines;
}

// Feed `stream` in pieces of varying size, draining lines after each piece.
std::vector<std::string> framedLines(std::string_view stream, size_t max_line, bool* overflow) {
  sup::LineBuffer buffer(max_line);
  std::vector<std::string> lines;
  size_t pos = 0;
  unsigned step = 0;
  while (pos < stream.size()) {
    size_t piece = 1 + (static_cast<unsigned char>(stream[pos]) + 37 * step++) % 97;
    if (piece > stream.size() - pos) piece = stream.size() - pos;
    bool accepted = buffer.append(stream.substr(pos, piece));
    pos += piece;
    while (auto line = buffer.nextLine()) lines.push_back(std::move(*line));
    if (!accepted) break;  // the server closes the connection here
  }
  *overflow = buffer.overflowed();
  return lines;
}

void checkFraming(std::string_view stream, size_t max_line) {
  bool want_overflow = false;
  bool got_overflow = false;
  const std::vector<std::string> want = expectedLines(stream, max_line, &want_overflow);
  const std::vector<std::string> got = framedLines(stream, max_line, &got_overflow);
  if (got != want || got_overflow != want_overflow) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view stream(reinterpret_cast<const char*>(data), size);
  checkFraming(stream, 64);  // small enough for the fuzzer to overflow it
  bool overflow = false;
  for (const std::string& line : framedLines(stream, 1 << 20, &overflow)) handleLine(line);
  return 0;
}
