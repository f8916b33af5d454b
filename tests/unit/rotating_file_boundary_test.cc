// RotatingFile near maxbytes, fed from a real pipe the way OutputCapture
// feeds it: splice(2) while the file is far from the limit, then one read of
// kBoundaryWindow bytes that write() cuts after the last newline that fits,
// rotates, and writes the rest to the new file.
#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "supervisord/rotating_file.h"
#include "tests/unit/temp_dir.h"

namespace fs = std::filesystem;
using sup::RotatingFile;

using sup::test::slurp;
using sup::test::TempDir;

namespace {

constexpr long long kWindow = RotatingFile::kBoundaryWindow;

// A non-blocking 1 MiB pipe, as OutputCapture::attach sets a child's up.
struct Pipe {
  int r = -1, w = -1;
  Pipe() {
    int fds[2];
    REQUIRE(::pipe2(fds, O_CLOEXEC | O_NONBLOCK) == 0);
    r = fds[0];
    w = fds[1];
    ::fcntl(w, F_SETPIPE_SZ, 1 << 20);
  }
  ~Pipe() {
    if (r >= 0) ::close(r);
    if (w >= 0) ::close(w);
  }
};

struct PumpStats {
  int splices = 0;
  int reads = 0;
};

// What OutputCapture::readOnce does, until the pipe is empty.
void pump(RotatingFile& rf, int fd, PumpStats& stats) {
  static char buf[kWindow];
  while (true) {
    auto r = rf.spliceFrom(fd, 1 << 20);
    if (r.status == RotatingFile::Spliced::Moved) {
      ++stats.splices;
      continue;
    }
    if (r.status != RotatingFile::Spliced::NotNow) return;  // Empty (or Eof)
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) return;
    ++stats.reads;
    REQUIRE(rf.write(std::string_view(buf, static_cast<size_t>(n))));
  }
}

// Push `data` through the pipe in pieces of `piece` bytes (cutting lines
// anywhere), pumping after each.
PumpStats feed(RotatingFile& rf, const std::string& data, size_t piece) {
  Pipe pipe;
  PumpStats stats;
  for (size_t at = 0; at < data.size(); at += piece) {
    size_t n = std::min(piece, data.size() - at);
    REQUIRE(::write(pipe.w, data.data() + at, n) == static_cast<ssize_t>(n));
    pump(rf, pipe.r, stats);
  }
  return stats;
}

// Numbered lines of 1 to max_len bytes (newline included), lengths from a
// fixed pseudo-random sequence.
std::string varyingLines(size_t total, size_t max_len) {
  std::string out;
  unsigned seed = 12345;
  for (int i = 0; out.size() < total; ++i) {
    seed = seed * 1103515245 + 12345;
    size_t len = 1 + (seed >> 8) % max_len;
    std::string line = std::to_string(i);
    line.resize(len - 1 < line.size() ? line.size() : len - 1, '.');
    out += line + "\n";
  }
  return out;
}

// The backups oldest first, then the current file.
std::vector<std::string> filesOldestFirst(const fs::path& f, int backups) {
  std::vector<std::string> out;
  for (int i = backups; i >= 1; --i) {
    fs::path b = f.string() + "." + std::to_string(i);
    if (fs::exists(b)) out.push_back(slurp(b));
  }
  out.push_back(slurp(f));
  return out;
}

std::string joined(const std::vector<std::string>& files) {
  std::string all;
  for (const auto& t : files) all += t;
  return all;
}

}  // namespace

TEST_CASE("splice stops one read short of maxbytes, and that read cuts after the last newline") {
  TempDir dir{"boundary"};
  auto f = dir.path / "app.log";
  const long long maxbytes = kWindow + 50000;
  RotatingFile rf(f.string(), maxbytes, 5);
  REQUIRE(rf.open());
  std::string data;
  for (int i = 0; i < 3000; ++i) {
    std::string line = "line " + std::to_string(i) + " ";
    data += line + std::string(99 - line.size(), 'x') + "\n";
  }
  Pipe pipe;
  REQUIRE(::write(pipe.w, data.data(), data.size()) == static_cast<ssize_t>(data.size()));
  // The first splice goes exactly up to maxbytes - kBoundaryWindow...
  auto first = rf.spliceFrom(pipe.r, 1 << 20);
  CHECK(first.status == RotatingFile::Spliced::Moved);
  CHECK(rf.size() == maxbytes - kWindow);
  // ... and from there on the bytes must be seen.
  CHECK(rf.spliceFrom(pipe.r, 1 << 20).status == RotatingFile::Spliced::NotNow);
  PumpStats stats;
  pump(rf, pipe.r, stats);
  CHECK(stats.reads >= 1);
  CHECK(stats.splices >= 1);  // the new file is far from maxbytes again
  std::string old = slurp(dir.path / "app.log.1");
  CHECK(old.back() == '\n');
  CHECK(static_cast<long long>(old.size()) <= maxbytes);
  CHECK(static_cast<long long>(old.size()) > maxbytes - 100);  // the last whole line that fits
  CHECK(old + slurp(f) == data);
}

TEST_CASE("lines of every length cross the limit whole through splices and boundary reads") {
  TempDir dir{"boundary"};
  auto f = dir.path / "app.log";
  // Room for splices again after each rotation, which leaves up to one
  // read's worth of bytes in the new file.
  const long long maxbytes = 3 * kWindow;
  const int backups = 40;
  RotatingFile rf(f.string(), maxbytes, backups);
  REQUIRE(rf.open());
  std::string data = varyingLines(4 << 20, 300);
  PumpStats stats = feed(rf, data, 65537);
  CHECK(stats.splices > 10);
  CHECK(stats.reads > 10);
  auto files = filesOldestFirst(f, backups);
  CHECK(files.size() > 8);  // 4 MiB in ~393 KB files
  for (size_t i = 0; i + 1 < files.size(); ++i) {
    INFO("file " << i << " of " << files.size());
    CHECK(files[i].back() == '\n');
    // maxbytes, plus the end of a line begun below it
    CHECK(static_cast<long long>(files[i].size()) <= maxbytes + 300);
  }
  CHECK(joined(files) == data);
}

TEST_CASE("maxbytes smaller than one read: no splice, and every rotation falls after a newline") {
  TempDir dir{"boundary"};
  auto f = dir.path / "app.log";
  const int backups = 80;
  RotatingFile rf(f.string(), 1000, backups);
  REQUIRE(rf.open());
  std::string data = varyingLines(60000, 120);
  PumpStats stats = feed(rf, data, 50000);
  CHECK(stats.splices == 0);
  auto files = filesOldestFirst(f, backups);
  CHECK(files.size() > 40);
  for (size_t i = 0; i + 1 < files.size(); ++i) {
    INFO("file " << i);
    CHECK(files[i].back() == '\n');
    CHECK(files[i].size() <= 1000 + 120);
  }
  CHECK(joined(files) == data);
}

TEST_CASE("backups=0 empties the file in place at the limit, after splices, at a line start") {
  TempDir dir{"boundary"};
  auto f = dir.path / "app.log";
  const long long maxbytes = kWindow + 5000;
  RotatingFile rf(f.string(), maxbytes, 0);
  REQUIRE(rf.open());
  std::string data = varyingLines(1 << 20, 200);
  PumpStats stats = feed(rf, data, 300000);
  CHECK(stats.splices > 0);
  CHECK_FALSE(fs::exists(dir.path / "app.log.1"));
  std::string now = slurp(f);
  REQUIRE(!now.empty());
  CHECK(static_cast<long long>(now.size()) < maxbytes);
  // What is left is the end of the data, starting at the start of a line.
  REQUIRE(now.size() <= data.size());
  size_t at = data.size() - now.size();
  CHECK(data.compare(at, std::string::npos, now) == 0);
  CHECK((at == 0 || data[at - 1] == '\n'));
}

TEST_CASE("a line longer than maxbytes is cut once it holds maxbytes bytes, also after a splice") {
  TempDir dir{"boundary"};
  auto f = dir.path / "app.log";
  const long long maxbytes = kWindow + 1000;
  const int backups = 20;
  RotatingFile rf(f.string(), maxbytes, backups);
  REQUIRE(rf.open());
  std::string data = "short\n" + std::string(3 * maxbytes, 'x') + "\nend\n";
  feed(rf, data, 50000);
  auto files = filesOldestFirst(f, backups);
  CHECK(joined(files) == data);
  CHECK(files.size() >= 3);  // the long line spans three files
  CHECK(files.front().rfind("short\n", 0) == 0);
  for (size_t i = 0; i + 1 < files.size(); ++i) {
    INFO("file " << i);
    // Only a line that reached maxbytes is cut: a file that does not end
    // with a newline holds at least maxbytes bytes of that line.
    if (files[i].back() != '\n') {
      size_t nl = files[i].rfind('\n');
      size_t line_part = nl == std::string::npos ? files[i].size() : files[i].size() - nl - 1;
      CHECK(static_cast<long long>(line_part) >= maxbytes - 6);
    }
  }
}

TEST_CASE("a line split across writes at the limit is finished in the old file") {
  TempDir dir{"boundary"};
  auto f = dir.path / "app.log";
  RotatingFile rf(f.string(), 10, 3);
  REQUIRE(rf.open());
  rf.write("aaaaaaa\nb");  // 9 bytes: one to go, mid-line
  rf.write("bbb");         // past maxbytes, the line's end not here yet
  CHECK_FALSE(fs::exists(dir.path / "app.log.1"));
  rf.write("b\nc");
  CHECK(slurp(dir.path / "app.log.1") == "aaaaaaa\nbbbbb\n");
  CHECK(slurp(f) == "c");
}

TEST_CASE("a rotation asked for mid-line after a splice waits for the end of that line") {
  TempDir dir{"boundary"};
  auto f = dir.path / "app.log";
  RotatingFile rf(f.string(), 0, 3);  // no size limit: only the asked-for rotation
  REQUIRE(rf.open());
  Pipe pipe;
  std::string head = "one\ntwo\nthr";
  REQUIRE(::write(pipe.w, head.data(), head.size()) == static_cast<ssize_t>(head.size()));
  CHECK(rf.spliceFrom(pipe.r, 1 << 20).status == RotatingFile::Spliced::Moved);
  CHECK(rf.rotateSoon());  // reads the spliced tail back: mid-line
  CHECK(rf.rotationDue());
  CHECK_FALSE(fs::exists(dir.path / "app.log.1"));
  std::string tail = "ee\nfour\n";
  REQUIRE(::write(pipe.w, tail.data(), tail.size()) == static_cast<ssize_t>(tail.size()));
  PumpStats stats;
  pump(rf, pipe.r, stats);
  CHECK(stats.reads == 1);  // the due rotation needs the bytes seen
  CHECK(slurp(dir.path / "app.log.1") == "one\ntwo\nthree\n");
  CHECK(slurp(f) == "four\n");
}

TEST_CASE("a rotation drops the oldest backup only when one moves onto it, as Supervisor does") {
  TempDir dir{"boundary"};
  auto f = dir.path / "app.log";
  std::ofstream(dir.path / "app.log.3") << "three";  // no app.log.2 to move onto it
  RotatingFile rf(f.string(), 0, 3);
  REQUIRE(rf.open());
  rf.write("now\n");
  REQUIRE(rf.rotate());
  CHECK(slurp(dir.path / "app.log.1") == "now\n");
  CHECK(slurp(dir.path / "app.log.3") == "three");
  rf.write("next\n");
  REQUIRE(rf.rotate());
  CHECK(slurp(dir.path / "app.log.2") == "now\n");
  rf.write("last\n");
  REQUIRE(rf.rotate());  // app.log.2 moves onto app.log.3
  CHECK(slurp(dir.path / "app.log.3") == "now\n");
  CHECK(slurp(dir.path / "app.log.2") == "next\n");
  CHECK(slurp(dir.path / "app.log.1") == "last\n");
}
