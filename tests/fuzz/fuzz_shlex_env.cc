// Fuzz target: command= splitting and environment= parsing, the two shlex
// dialects Supervisor uses, plus the %(...)s expansion that runs on both
// values before they are split. One input is one config value.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>

#include "common/percent_format.h"
#include "common/py_text.h"
#include "common/shlex.h"

namespace {

const sup::FormatNames& names() {
  static const sup::FormatNames n = {
      {"program_name", std::string("web")}, {"process_num", 3LL},
      {"group_name", std::string("web")},   {"numprocs", 4LL},
      {"here", std::string("/etc/supervisor")}, {"ENV_HOME", std::string("/root")},
      {"host_node_name", std::string("fuzzhost")}};
  return n;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  // Every parser here walks code points; the decoding must round-trip
  // (invalid bytes survive as surrogate escapes) or values get corrupted.
  if (sup::py::encodeUtf8(sup::py::decodeUtf8(text)) != text) std::abort();

  auto argv = sup::shlexSplit(text);
  if (argv.ok()) {
    // Splitting never invents bytes: every word is made of input characters.
    size_t total = 0;
    for (const std::string& word : *argv) total += word.size();
    if (total > size) std::abort();
  }
  (void)sup::nonPosixTokens(text);
  auto env = sup::parseKeyValuePairs(text);
  if (env.ok()) {
    for (const auto& [key, value] : *env) {
      if (key.size() + value.size() > size) std::abort();
    }
  }

  auto expanded = sup::pythonPercentFormat(text, names());
  if (const std::string* s = std::get_if<std::string>(&expanded)) {
    (void)sup::shlexSplit(*s);
    (void)sup::parseKeyValuePairs(*s);
  }
  (void)sup::expandFormat(text, names(), "program:web.command");
  return 0;
}
