// Reads one log file in big blocks and hands complete lines to the matcher.
// Lines are split only around candidate matches (and for context), so a file
// with few matches is scanned at the speed of the literal or regex search.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "logsearch/log_matcher.h"
#include "logsearch/search_output.h"

namespace sup {

/// What all files of one grep run share.
struct ScanContext {
  const GrepOptions& options;
  LogMatcher& matcher;
  SearchOutput& output;
  std::ostream& err;
  bool need_lines = false;   // print selected lines (not -c, -l, -q)
  bool any_selected = false;
  bool any_error = false;
  bool stop_all = false;     // -q found a line
  bool printed_any = false;  // some line was printed (for "--" separators)

  /// Prints "supervisorctl grep: <what>" after the lines printed so far.
  void error(const std::string& what);
};

class FileScanner {
 public:
  FileScanner(ScanContext& ctx, StreamTally& tally, std::string path);
  ~FileScanner();
  FileScanner(const FileScanner&) = delete;
  FileScanner& operator=(const FileScanner&) = delete;

  /// Opens the file. A missing file is skipped silently (false); other
  /// failures are reported, naming the file (false).
  bool open();
  bool isOpen() const { return fd_ >= 0; }
  int fd() const { return fd_; }
  const std::string& path() const { return path_; }
  /// Bytes of the file consumed so far.
  std::uint64_t offset() const { return base_ + len_; }

  /// Reads to the current end of the file, handling every complete line. With
  /// `final` the data ends the last line even without a '\n'; without it (to
  /// follow a growing file) a trailing partial line waits for more data.
  void readAvailable(bool final);
  /// The file will not grow (rotated away): its partial last line counts.
  void finishPartialLine();
  /// The file was truncated: start again from its first byte.
  void restartFromBeginning();
  /// Ends this file: trailing context of -m stops here (GNU grep: per file).
  void close();

 private:
  void process(std::size_t region_end);
  void select(std::size_t begin, std::size_t end, std::size_t region_end);
  void selectRange(std::size_t from, std::size_t stop, std::size_t region_end);
  void printLine(std::size_t begin, std::size_t end, std::int64_t lineno, bool is_match);
  std::int64_t linenoAt(std::size_t pos);
  std::size_t lineEnd(std::size_t pos, std::size_t region_end) const;
  std::size_t nextLine(std::size_t end, std::size_t region_end) const {
    return end < region_end ? end + 1 : region_end;
  }
  void reportTooComplex(std::size_t pos);
  void compact();

  ScanContext& ctx_;
  StreamTally& tally_;
  std::string path_;
  int fd_ = -1;
  std::vector<char> buf_;
  std::size_t len_ = 0;                // valid bytes in buf_
  std::uint64_t base_ = 0;             // file offset of buf_[0]
  std::size_t scan_ = 0;               // next line start to examine
  std::int64_t printed_end_ = -1;      // file offset after the last printed line
  int after_left_ = 0;                 // after-context lines still to print
  bool draining_ = false;              // -m reached: only trailing context left
  bool track_lines_ = false;           // line numbers needed (-n, --json)
  std::size_t lineno_pos_ = 0;         // buf_ position whose line number is known
  std::int64_t lineno_ = 1;            // line number of the line at lineno_pos_
};

}  // namespace sup
