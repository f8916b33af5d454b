// bench/run's log-capture load: writes numbered 100-byte lines to stdout as
// fast as the reader takes them, and records when it started and finished
// (CLOCK_MONOTONIC, the clock Python's time.monotonic_ns() reads), so the
// bench can time a daemon's capture from the writer's first byte.
//   line_writer --bytes N [--stamp FILE] [--go FIFO]
// --bytes N  write N/100 lines of exactly 100 bytes each
// --stamp    write "START_NS END_NS\n" to FILE (START first, END at exit)
// --go       block until a byte (or EOF) arrives on FIFO before writing, so
//            the bench starts the load only once the daemon is settled
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

constexpr std::size_t kLineBytes = 100;
constexpr std::size_t kLinesPerChunk = 1310;  // ~128 KiB per write()

std::int64_t monotonicNs() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

bool writeAll(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    ssize_t n = write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

// "line 00000000000000000042 " + filler + "\n": the number makes lost or
// duplicated lines visible in the captured file. The number is kept as ASCII
// and incremented in place, so the writer costs far less than any reader.
class LineCounter {
 public:
  static constexpr std::size_t kDigits = 20;
  static constexpr std::size_t kOffset = 5;  // after "line "
  LineCounter() { std::memset(digits_, '0', kDigits); }
  void fill(char* out) const {
    std::memset(out, 'x', kLineBytes);
    std::memcpy(out, "line ", kOffset);
    std::memcpy(out + kOffset, digits_, kDigits);
    out[kOffset + kDigits] = ' ';
    out[kLineBytes - 1] = '\n';
  }
  void stampInto(char* out) const { std::memcpy(out + kOffset, digits_, kDigits); }
  void increment() {
    for (std::size_t i = kDigits; i-- > 0;) {
      if (digits_[i] != '9') {
        ++digits_[i];
        return;
      }
      digits_[i] = '0';
    }
  }

 private:
  char digits_[kDigits];
};

void writeStamp(const std::string& path, std::int64_t start, std::int64_t end) {
  if (path.empty()) return;
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (!f) return;
  if (end) {
    std::fprintf(f, "%lld %lld\n", static_cast<long long>(start), static_cast<long long>(end));
  } else {
    std::fprintf(f, "%lld\n", static_cast<long long>(start));
  }
  std::fclose(f);
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t bytes = 0;
  std::string stamp, go;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string key = argv[i];
    if (key == "--bytes") {
      bytes = std::strtoull(argv[i + 1], nullptr, 10);
    } else if (key == "--stamp") {
      stamp = argv[i + 1];
    } else if (key == "--go") {
      go = argv[i + 1];
    } else {
      std::fprintf(stderr, "line_writer: unknown option %s\n", key.c_str());
      return 2;
    }
  }
  if (bytes < kLineBytes) {
    std::fprintf(stderr, "usage: line_writer --bytes N [--stamp FILE] [--go FIFO]\n");
    return 2;
  }
  if (!go.empty()) {
    int fd = open(go.c_str(), O_RDONLY);
    if (fd < 0) {
      std::perror("line_writer: open --go");
      return 1;
    }
    char c;
    while (read(fd, &c, 1) < 0 && errno == EINTR) {
    }
    close(fd);
  }
  const std::uint64_t lines = bytes / kLineBytes;
  std::vector<char> chunk(kLinesPerChunk * kLineBytes);
  LineCounter counter;
  for (std::size_t i = 0; i < kLinesPerChunk; ++i) counter.fill(&chunk[i * kLineBytes]);
  const std::int64_t start = monotonicNs();
  writeStamp(stamp, start, 0);
  for (std::uint64_t done = 0; done < lines;) {
    std::uint64_t batch = lines - done < kLinesPerChunk ? lines - done : kLinesPerChunk;
    for (std::uint64_t i = 0; i < batch; ++i) {
      counter.stampInto(&chunk[i * kLineBytes]);
      counter.increment();
    }
    if (!writeAll(1, chunk.data(), batch * kLineBytes)) {
      std::perror("line_writer: write");
      return 1;
    }
    done += batch;
  }
  writeStamp(stamp, start, monotonicNs());
  return 0;
}
