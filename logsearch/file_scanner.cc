#include "logsearch/file_scanner.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace sup {

namespace {

// Read size: big enough that syscalls cost nothing, small enough that the
// block stays in the L2 cache between read() and the search.
constexpr std::size_t kReadChunk = 256 * 1024;

}  // namespace

void ScanContext::error(const std::string& what) {
  output.flush();
  err << "supervisorctl grep: " << what << '\n';
  err.flush();
  any_error = true;
}

FileScanner::FileScanner(ScanContext& ctx, StreamTally& tally, std::string path)
    : ctx_(ctx), tally_(tally), path_(std::move(path)) {
  track_lines_ = ctx_.need_lines && (ctx_.options.line_number || ctx_.options.json);
}

FileScanner::~FileScanner() {
  if (fd_ >= 0) ::close(fd_);
}

bool FileScanner::open() {
  fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) {
    if (errno != ENOENT) ctx_.error(path_ + ": " + std::strerror(errno));
    return false;
  }
  return true;
}

void FileScanner::close() {
  if (draining_) tally_.done = true;
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

std::size_t FileScanner::lineEnd(std::size_t pos, std::size_t region_end) const {
  const void* nl = std::memchr(buf_.data() + pos, '\n', region_end - pos);
  return nl ? static_cast<const char*>(nl) - buf_.data() : region_end;
}

std::int64_t FileScanner::linenoAt(std::size_t pos) {
  if (!track_lines_) return 0;
  lineno_ += static_cast<std::int64_t>(countNewlines(buf_.data() + lineno_pos_, buf_.data() + pos));
  lineno_pos_ = pos;
  return lineno_;
}

void FileScanner::reportTooComplex(std::size_t pos) {
  std::string where = track_lines_ ? "line " + std::to_string(linenoAt(pos))
                                   : "byte offset " + std::to_string(base_ + pos);
  ctx_.error(path_ + ": " + where +
             ": regular expression too complex (backtracking limit exceeded), line skipped");
}

void FileScanner::printLine(std::size_t begin, std::size_t end, std::int64_t lineno,
                            bool is_match) {
  const bool context = ctx_.options.before > 0 || ctx_.options.after > 0;
  auto offset = static_cast<std::int64_t>(base_ + begin);
  if (context && ctx_.printed_any && printed_end_ != offset) ctx_.output.separator();
  ctx_.output.line(tally_, path_, lineno, is_match, buf_.data() + begin, buf_.data() + end);
  ctx_.printed_any = true;
  printed_end_ = static_cast<std::int64_t>(base_ + end + 1);
}

void FileScanner::select(std::size_t begin, std::size_t end, std::size_t region_end) {
  (void)region_end;
  ++tally_.selected;
  ctx_.any_selected = true;
  const auto& o = ctx_.options;
  if (o.quiet) {
    ctx_.stop_all = true;
    return;
  }
  if (o.files_with_matches) {
    tally_.done = true;
    return;
  }
  const bool max_reached = o.max_count >= 0 && tally_.selected >= o.max_count;
  if (!ctx_.need_lines) {
    tally_.done = max_reached;
    return;
  }
  std::int64_t lineno = linenoAt(begin);
  if (o.before > 0) {
    // Walk back over at most `before` lines not printed yet.
    std::size_t floor = 0;
    if (printed_end_ > static_cast<std::int64_t>(base_)) {
      floor = static_cast<std::size_t>(printed_end_ - static_cast<std::int64_t>(base_));
    }
    std::size_t from = begin;
    int lines = 0;
    while (lines < o.before && from > floor) {
      const void* nl = memrchr(buf_.data() + floor, '\n', from - 1 - floor);
      from = nl ? static_cast<const char*>(nl) - buf_.data() + 1 : floor;
      ++lines;
    }
    while (from < begin) {
      std::size_t e = lineEnd(from, begin);
      printLine(from, e, lineno - lines, false);
      --lines;
      from = e + 1;
    }
  }
  printLine(begin, end, lineno, true);
  after_left_ = o.after;
  if (max_reached) {
    draining_ = true;
    if (after_left_ == 0) tally_.done = true;
  }
}

void FileScanner::selectRange(std::size_t from, std::size_t stop, std::size_t region_end) {
  if (from >= stop) return;
  const auto& o = ctx_.options;
  if (!ctx_.need_lines) {
    // -c, -l, -q: count lines without splitting them.
    std::size_t n = countNewlines(buf_.data() + from, buf_.data() + stop);
    if (buf_[stop - 1] != '\n') ++n;  // the unterminated last line
    if (o.quiet || o.files_with_matches) {
      select(from, from, region_end);
      return;
    }
    auto take = static_cast<std::int64_t>(n);
    if (o.max_count >= 0) take = std::min(take, o.max_count - tally_.selected);
    tally_.selected += take;
    ctx_.any_selected = ctx_.any_selected || take > 0;
    if (o.max_count >= 0 && tally_.selected >= o.max_count) tally_.done = true;
    return;
  }
  while (from < stop && !tally_.done && !draining_) {
    std::size_t e = lineEnd(from, stop);
    select(from, e, region_end);
    from = nextLine(e, region_end);
  }
}

void FileScanner::process(std::size_t region_end) {
  const auto& o = ctx_.options;
  const char* b = buf_.data();
  while (scan_ < region_end && !tally_.done && !ctx_.stop_all) {
    if (after_left_ > 0 || draining_) {
      if (after_left_ == 0) {  // draining with no context left
        tally_.done = true;
        break;
      }
      // Line by line while after-context is pending: each line is either a
      // new selected line or context.
      std::size_t e = lineEnd(scan_, region_end);
      bool selected = false;
      if (!draining_) {
        LineResult r = ctx_.matcher.matchLine(b + scan_, b + e);
        if (r == LineResult::kTooComplex) reportTooComplex(scan_);
        selected = r != LineResult::kTooComplex && ((r == LineResult::kMatch) != o.invert);
      }
      if (selected) {
        select(scan_, e, region_end);
      } else {
        printLine(scan_, e, linenoAt(scan_), false);
        --after_left_;
      }
      scan_ = nextLine(e, region_end);
      continue;
    }
    auto hit = ctx_.matcher.findLine(b + scan_, b + region_end);
    if (!o.invert) {
      if (!hit) {
        scan_ = region_end;
        break;
      }
      std::size_t hb = hit->begin - b, he = hit->end - b;
      if (hit->result == LineResult::kTooComplex) {
        reportTooComplex(hb);
      } else {
        select(hb, he, region_end);
      }
      scan_ = nextLine(he, region_end);
      continue;
    }
    // -v: every line before the next matching one is selected.
    std::size_t stop = hit ? static_cast<std::size_t>(hit->begin - b) : region_end;
    selectRange(scan_, stop, region_end);
    if (!hit) {
      scan_ = region_end;
      break;
    }
    scan_ = stop;
    if (after_left_ > 0 || draining_) continue;  // the matching line may be context
    if (hit->result == LineResult::kTooComplex) reportTooComplex(stop);
    scan_ = nextLine(static_cast<std::size_t>(hit->end - b), region_end);
  }
}

void FileScanner::compact() {
  // Keep the unprocessed tail plus the lines before-context may still need.
  std::size_t keep = scan_;
  for (int i = 0; i < ctx_.options.before && keep > 0; ++i) {
    const void* nl = memrchr(buf_.data(), '\n', keep - 1);
    keep = nl ? static_cast<const char*>(nl) - buf_.data() + 1 : 0;
  }
  if (keep == 0) return;
  if (track_lines_ && lineno_pos_ < keep) linenoAt(keep);
  std::memmove(buf_.data(), buf_.data() + keep, len_ - keep);
  len_ -= keep;
  scan_ -= keep;
  lineno_pos_ -= keep;
  base_ += keep;
}

void FileScanner::readAvailable(bool final) {
  if (fd_ < 0) return;
  while (!tally_.done && !ctx_.stop_all) {
    compact();
    if (buf_.size() - len_ < kReadChunk / 2) buf_.resize(std::max(buf_.size() * 2, kReadChunk));
    ssize_t n = ::read(fd_, buf_.data() + len_, buf_.size() - len_);
    if (n < 0) {
      if (errno == EINTR) continue;
      ctx_.error(path_ + ": " + std::strerror(errno));
      return;
    }
    if (n == 0) {
      if (final) finishPartialLine();
      return;
    }
    len_ += static_cast<std::size_t>(n);
    const void* nl = memrchr(buf_.data() + scan_, '\n', len_ - scan_);
    if (nl) process(static_cast<const char*>(nl) - buf_.data() + 1);
  }
}

void FileScanner::finishPartialLine() {
  if (scan_ < len_) process(len_);
}

void FileScanner::restartFromBeginning() {
  if (fd_ >= 0) ::lseek(fd_, 0, SEEK_SET);
  len_ = scan_ = lineno_pos_ = 0;
  base_ = 0;
  lineno_ = 1;
  printed_end_ = -1;
  after_left_ = 0;
}

}  // namespace sup
