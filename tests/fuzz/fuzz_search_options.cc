// Fuzz target: `supervisorctl grep` / `find` option parsing. The input is an
// argv: words separated by NUL bytes (the way /proc/PID/cmdline stores one).
// The same words also feed the duration, timestamp and size parsers that
// --newer/--older/--larger/--smaller use.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "logsearch/search_options.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> args;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\0', start);
    if (end == std::string_view::npos) end = text.size();
    args.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  if (args.size() > 64) return 0;  // argv length adds nothing but time

  (void)sup::parseGrepArgs(args);
  (void)sup::parseFindArgs(args);
  for (const std::string& word : args) {
    (void)sup::parseDuration(word);
    (void)sup::parseTimestamp(word);
    (void)sup::parseTimeBound(word);
    (void)sup::parseSize(word);
  }
  return 0;
}
