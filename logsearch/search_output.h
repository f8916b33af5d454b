// How `supervisorctl grep` prints (colour never):
//   match line      NAME:STREAM:[PATH:][LINENO:]TEXT
//   context line    NAME:STREAM-[PATH-][LINENO-]TEXT
//   group separator --            (between non-adjacent context groups)
//   -c              NAME:STREAM:COUNT
//   -l              NAME:STREAM
// PATH with -H, LINENO with -n; -h drops "NAME:STREAM" and its separator.
// --json prints one object per line instead:
//   {"process":"web","stream":"stdout","file":"/l/web.log.1","line":7,
//    "type":"match","text":"..."}     ("type" is "context" for context lines)
//   {"process":"web","stream":"stdout","count":3}   (-c)
//   {"process":"web","stream":"stdout"}             (-l)
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

#include "logsearch/log_files.h"
#include "logsearch/search_options.h"

namespace sup {

/// Search state of one stream (one LogFileSet) across its files.
struct StreamTally {
  const LogFileSet* set = nullptr;
  std::string label;          // "name:stream"
  std::int64_t selected = 0;  // selected lines so far (bounded by -m)
  bool done = false;          // -m reached or -l satisfied: read no further
};

class SearchOutput {
 public:
  SearchOutput(std::ostream& out, const GrepOptions& options);
  ~SearchOutput() { flush(); }
  SearchOutput(const SearchOutput&) = delete;
  SearchOutput& operator=(const SearchOutput&) = delete;

  void line(const StreamTally& tally, const std::string& path, std::int64_t lineno,
            bool is_match, const char* begin, const char* end);
  void separator();
  void count(const StreamTally& tally);
  void listed(const StreamTally& tally);
  /// Writes the buffered text to the stream (done when the buffer is large,
  /// before any error message, and at the end).
  void flush();

 private:
  void jsonHead(const StreamTally& tally);
  void maybeFlush() {
    if (buffer_.size() >= kFlushBytes) flush();
  }

  static constexpr std::size_t kFlushBytes = 256 * 1024;
  std::ostream& out_;
  const GrepOptions& options_;
  std::string buffer_;
};

}  // namespace sup
