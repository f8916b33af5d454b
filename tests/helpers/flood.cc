// Test child: flood STOPFILE [MAX_MIB] — writes numbered lines ("1", "2",
// ...) to stdout as fast as the pipe takes them, in 4 KiB writes that cut
// lines anywhere (so a line often spans two writes), until STOPFILE exists
// or MAX_MIB (default 64) have been written; then "end N\n" (N = the last
// line) and it sleeps forever. The reader of the log checks that 1..N are
// all there, once each and whole:
//   flood --check LOG   prints "lines N lost L dup D torn T" (exit 0 if
//                       every count but N is 0 and the end line matches)
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

static void writeAll(const char* p, size_t n) {
  while (n > 0) {
    ssize_t w = ::write(1, p, n);
    if (w <= 0) std::exit(1);
    p += w;
    n -= static_cast<size_t>(w);
  }
}

// Counts what a flood's log holds against what it should.
static int check(const char* path) {
  FILE* f = std::fopen(path, "r");
  if (!f) return 2;
  long expect = 1, lost = 0, dup = 0, torn = 0, end = -1;
  char line[64];
  while (std::fgets(line, sizeof line, f)) {
    size_t n = std::strlen(line);
    bool whole = n > 0 && line[n - 1] == '\n';
    char* stop = nullptr;
    if (whole && std::strncmp(line, "end ", 4) == 0) {
      end = std::strtol(line + 4, &stop, 10);
      break;
    }
    long v = std::strtol(line, &stop, 10);
    if (!whole || stop == line || *stop != '\n') {
      ++torn;
      while (!whole && std::fgets(line, sizeof line, f)) whole = line[std::strlen(line) - 1] == '\n';
    } else if (v == expect) {
      ++expect;
    } else if (v > expect) {
      lost += v - expect;
      expect = v + 1;
    } else {
      ++dup;
    }
  }
  std::fclose(f);
  if (end < 0) lost += 1;  // the end line itself
  else if (end >= expect) lost += end - expect + 1;
  std::printf("lines %ld lost %ld dup %ld torn %ld\n", expect - 1, lost, dup, torn);
  return lost == 0 && dup == 0 && torn == 0 ? 0 : 1;
}

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  if (std::strcmp(argv[1], "--check") == 0) return argc > 2 ? check(argv[2]) : 2;
  const char* stop = argv[1];
  long long max = (argc > 2 ? std::atoll(argv[2]) : 64) << 20;
  std::string buf;
  long long written = 0;
  long n = 0;
  for (int chunk = 1; written < max; ++chunk) {
    while (buf.size() < 4096) buf += std::to_string(++n) + "\n";
    writeAll(buf.data(), 4096);
    written += 4096;
    buf.erase(0, 4096);
    if (chunk % 16 == 0 && ::access(stop, F_OK) == 0) break;
  }
  // Finish the line cut by the last write, then say where it ended.
  long last = n;
  if (!buf.empty()) {
    size_t nl = buf.find('\n');
    writeAll(buf.data(), nl + 1);
    last = std::atol(buf.substr(0, nl).c_str());
  }
  std::string end = "end " + std::to_string(last) + "\n";
  writeAll(end.data(), end.size());
  while (true) pause();
}
