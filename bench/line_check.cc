// bench/run's check of a capture: reads FILE... in order as one stream (the
// rotated backups oldest first, then the current log) and checks that it is
// line_writer's output: 100-byte lines "line <20-digit number> xxx...\n"
// numbered consecutively. Prints one line of key=value pairs:
//   files bytes first last lines gaps dups bad torn
// gaps/dups: lines missing / repeated (a number jump forward / backward);
// bad: a line that is not line_writer's; torn: files other than the last
// that do not end with a newline (a rotation that cut a line). The stream may
// begin mid-line (its oldest line was dropped with an older backup); that
// partial line is skipped.
//   line_check [--skip N] FILE...
// --skip N: each line starts with N bytes ending in a space (log_timestamps'
// 30-byte stamp, a tee's prefix), skipped before the check.
#include <fcntl.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

constexpr std::size_t kLine = 100;
constexpr std::size_t kDigits = 20;
constexpr std::size_t kOffset = 5;  // after "line "

struct Totals {
  std::uint64_t bytes = 0, lines = 0, gaps = 0, dups = 0, bad = 0, torn = 0;
  std::int64_t first = -1, last = -1;
};

class Checker {
 public:
  Checker(Totals& t, std::size_t skip) : t_(t), skip_(skip) {}
  void feed(const char* p, std::size_t n) {
    // 'l' only ever starts a line ("line "): anything else is the tail of a
    // line whose start went with an older backup. With a prefix, check
    // where it must end instead.
    if (!started_ && n > 0) {
      started_ = true;
      skipping_ = skip_ ? n < skip_ || p[skip_ - 1] != ' ' || p[skip_] != 'l' : p[0] != 'l';
    }
    while (n > 0) {
      if (skipping_) {  // before the first newline of the stream
        const void* nl = std::memchr(p, '\n', n);
        if (!nl) return;
        std::size_t k = static_cast<std::size_t>(static_cast<const char*>(nl) - p) + 1;
        p += k;
        n -= k;
        skipping_ = false;
        continue;
      }
      std::size_t take = std::min(kLine + skip_ - line_.size(), n);
      line_.append(p, take);
      p += take;
      n -= take;
      if (line_.size() == kLine + skip_) {
        if (skip_ && line_[skip_ - 1] != ' ') {
          ++t_.bad;
        } else {
          check(line_.substr(skip_));
        }
        line_.clear();
      }
    }
  }
  void finish() {
    if (!line_.empty()) ++t_.bad;  // a partial last line
  }

 private:
  void check(const std::string& l) {
    static const std::string kFiller(kLine - kOffset - kDigits - 2, 'x');
    bool shape = l.compare(0, kOffset, "line ") == 0 && l[kOffset + kDigits] == ' ' &&
                 l.back() == '\n' && l.compare(kOffset + kDigits + 1, kFiller.size(), kFiller) == 0;
    std::int64_t num = 0;
    for (std::size_t i = kOffset; shape && i < kOffset + kDigits; ++i) {
      if (l[i] < '0' || l[i] > '9') shape = false;
      num = num * 10 + (l[i] - '0');
    }
    if (!shape) {
      ++t_.bad;
      return;
    }
    if (t_.first < 0) t_.first = num;
    if (t_.last >= 0 && num != t_.last + 1) {
      if (num > t_.last)
        t_.gaps += static_cast<std::uint64_t>(num - t_.last - 1);
      else
        t_.dups += static_cast<std::uint64_t>(t_.last - num + 1);
    }
    t_.last = num;
    ++t_.lines;
  }
  Totals& t_;
  std::size_t skip_;
  std::string line_;
  bool started_ = false;
  bool skipping_ = false;
};

}  // namespace

int main(int argc, char** argv) {
  std::size_t skip = 0;
  int first = 1;
  if (argc > 2 && std::strcmp(argv[1], "--skip") == 0) {
    skip = static_cast<std::size_t>(std::atoi(argv[2]));
    first = 3;
  }
  if (argc <= first) {
    std::fprintf(stderr, "usage: line_check [--skip N] FILE...\n");
    return 2;
  }
  Totals t;
  Checker checker(t, skip);
  std::vector<char> buf(1 << 20);
  for (int i = first; i < argc; ++i) {
    int fd = ::open(argv[i], O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      std::perror(argv[i]);
      return 2;
    }
    char last = '\n';
    ssize_t n;
    while ((n = ::read(fd, buf.data(), buf.size())) > 0) {
      checker.feed(buf.data(), static_cast<std::size_t>(n));
      t.bytes += static_cast<std::uint64_t>(n);
      last = buf[static_cast<std::size_t>(n) - 1];
    }
    ::close(fd);
    if (i + 1 < argc && last != '\n') ++t.torn;
  }
  checker.finish();
  std::printf(
      "files=%d bytes=%llu first=%lld last=%lld lines=%llu gaps=%llu dups=%llu bad=%llu "
      "torn=%llu\n",
      argc - first, static_cast<unsigned long long>(t.bytes), static_cast<long long>(t.first),
      static_cast<long long>(t.last), static_cast<unsigned long long>(t.lines),
      static_cast<unsigned long long>(t.gaps), static_cast<unsigned long long>(t.dups),
      static_cast<unsigned long long>(t.bad), static_cast<unsigned long long>(t.torn));
  return 0;
}
