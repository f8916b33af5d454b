// RotatingFile: Supervisor's size rotation and naming, on real files in a
// private temp dir.
#include "supervisord/rotating_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/unit/temp_dir.h"

namespace fs = std::filesystem;
using sup::RotatingFile;

using sup::test::slurp;
using sup::test::TempDir;

namespace {

// A RotatingFile on app.log in a fresh temp dir, opened.
struct LogInTempDir {
  TempDir dir{"rotating"};
  fs::path f = dir.path / "app.log";
  RotatingFile rf;
  LogInTempDir(long long maxbytes, int backups) : rf(f.string(), maxbytes, backups) {
    REQUIRE(rf.open());
  }
  /// The contents of backup n (app.log.n).
  std::string backup(int n) const { return slurp(dir.path / ("app.log." + std::to_string(n))); }
};

}  // namespace

TEST_CASE("a write that reaches maxbytes rotates f to f.1 and starts f empty") {
  LogInTempDir t(10, 3);
  t.rf.write("12345");
  CHECK_FALSE(fs::exists(t.dir.path / "app.log.1"));
  t.rf.write("678901");  // 11 bytes: past maxbytes after this write
  CHECK(t.backup(1) == "12345678901");
  CHECK(slurp(t.f) == "");
  t.rf.write("abc");
  CHECK(slurp(t.f) == "abc");
}

TEST_CASE("backups shift f.1 to f.2 up to the backups count and the oldest is dropped") {
  LogInTempDir t(4, 2);
  t.rf.write("aaaa");
  t.rf.write("bbbb");
  t.rf.write("cccc");
  CHECK(t.backup(1) == "cccc");
  CHECK(t.backup(2) == "bbbb");
  CHECK_FALSE(fs::exists(t.dir.path / "app.log.3"));
}

TEST_CASE("backups=0 truncates in place instead of renaming") {
  LogInTempDir t(4, 0);
  t.rf.write("aaaaa");
  CHECK(slurp(t.f) == "");
  CHECK_FALSE(fs::exists(t.dir.path / "app.log.1"));
  t.rf.write("xy");
  CHECK(slurp(t.f) == "xy");
}

TEST_CASE("maxbytes=0 never rotates") {
  LogInTempDir t(0, 5);
  for (int i = 0; i < 100; ++i) t.rf.write("0123456789");
  CHECK(fs::file_size(t.f) == 1000);
  CHECK_FALSE(fs::exists(t.dir.path / "app.log.1"));
}

TEST_CASE("an existing file is appended to and its size counts toward maxbytes") {
  TempDir dir{"rotating"};
  auto f = dir.path / "app.log";
  { std::ofstream(f) << "old-"; }
  RotatingFile rf(f.string(), 6, 1);
  REQUIRE(rf.open());
  CHECK(rf.size() == 4);
  rf.write("new");
  CHECK(slurp(dir.path / "app.log.1") == "old-new");
}

TEST_CASE("a pipe is written to and never rotated or truncated") {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  std::string path = "/proc/self/fd/" + std::to_string(fds[1]);
  RotatingFile rf(path, 4, 2);
  REQUIRE(rf.open());
  CHECK_FALSE(rf.seekable());
  CHECK(rf.write("hello world"));
  CHECK(rf.clear());  // must not unlink anything
  char buf[64] = {0};
  ssize_t n = ::read(fds[0], buf, sizeof buf);
  CHECK(std::string(buf, n > 0 ? static_cast<size_t>(n) : 0) == "hello world");
  ::close(fds[0]);
  ::close(fds[1]);
}

TEST_CASE("reopen follows a rename by an external logrotate") {
  LogInTempDir t(0, 0);
  t.rf.write("before\n");
  fs::rename(t.f, t.dir.path / "app.log.old");
  REQUIRE(t.rf.reopen());
  t.rf.write("after\n");
  CHECK(slurp(t.dir.path / "app.log.old") == "before\n");
  CHECK(slurp(t.f) == "after\n");
}

TEST_CASE("clear removes the file and starts it empty, keeping backups") {
  LogInTempDir t(4, 2);
  t.rf.write("aaaa");
  t.rf.write("bb");
  REQUIRE(t.rf.clear());
  CHECK(slurp(t.f) == "");
  CHECK(t.backup(1) == "aaaa");
  t.rf.write("c");
  CHECK(slurp(t.f) == "c");
}

TEST_CASE("a rotation due mid-chunk puts the whole lines that fit in the old file") {
  LogInTempDir t(10, 3);
  t.rf.write("aaa\nbbb\nccc\nddd\n");
  CHECK(t.backup(1) == "aaa\nbbb\n");
  CHECK(slurp(t.f) == "ccc\nddd\n");
}

TEST_CASE("a line begun before a rotation is due is finished in the old file") {
  LogInTempDir t(10, 3);
  t.rf.write("aaaa\nbb");
  t.rf.write("bbbbbb\ncc");
  CHECK(t.backup(1) == "aaaa\nbbbbbbbb\n");
  CHECK(slurp(t.f) == "cc");
}

TEST_CASE("a line that does not fit after whole lines rotates before it is written") {
  LogInTempDir t(10, 3);
  t.rf.write("aaaa\n");
  t.rf.write("bbbbbbbb\n");
  CHECK(t.backup(1) == "aaaa\n");
  CHECK(slurp(t.f) == "bbbbbbbb\n");
}

TEST_CASE("a line longer than maxbytes stays in one file, then the file rotates") {
  LogInTempDir t(4, 3);
  t.rf.write("0123456789\nx");
  CHECK(t.backup(1) == "0123456789\n");
  CHECK(slurp(t.f) == "x");
}

TEST_CASE("concatenating backups oldest first and the current file gives every byte written") {
  LogInTempDir t(100, 50);
  std::string all;
  for (int i = 0; i < 300; ++i) all += "line " + std::to_string(i) + "\n";
  for (size_t at = 0; at < all.size(); at += 37) t.rf.write(std::string_view(all).substr(at, 37));
  std::string joined;
  for (int i = 50; i >= 1; --i) {
    auto backup = t.dir.path / ("app.log." + std::to_string(i));
    if (!fs::exists(backup)) continue;
    std::string text = slurp(backup);
    CHECK(text.back() == '\n');
    CHECK(text.size() <= 100 + 9);  // at most the end of a line begun below maxbytes
    joined += text;
  }
  joined += slurp(t.f);
  CHECK(joined == all);
}

TEST_CASE("a rotation asked for at the end of a line happens at once") {
  LogInTempDir t(0, 3);  // maxbytes 0: only asked-for rotations
  t.rf.write("one\n");
  CHECK(t.rf.rotateSoon());
  CHECK_FALSE(t.rf.rotationDue());
  CHECK(t.backup(1) == "one\n");
  CHECK(slurp(t.f) == "");
  t.rf.write("two\n");
  CHECK(slurp(t.f) == "two\n");
}

TEST_CASE("a rotation asked for mid-line waits for the end of that line") {
  LogInTempDir t(1000, 3);
  t.rf.write("one\ntw");
  CHECK(t.rf.rotateSoon());
  CHECK(t.rf.rotationDue());
  CHECK_FALSE(fs::exists(t.dir.path / "app.log.1"));
  t.rf.write("o and");
  CHECK(t.rf.rotationDue());
  t.rf.write(" more\nthree\nfo");
  CHECK_FALSE(t.rf.rotationDue());
  CHECK(t.backup(1) == "one\ntwo and more\n");
  CHECK(slurp(t.f) == "three\nfo");
}

TEST_CASE("a rotation asked for on an empty file or a pipe changes nothing") {
  LogInTempDir t(1000, 3);
  CHECK(t.rf.rotateSoon());
  CHECK_FALSE(fs::exists(t.dir.path / "app.log.1"));
  auto fifo = t.dir.path / "fifo";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  int reader = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
  REQUIRE(reader >= 0);
  RotatingFile pipe(fifo.string(), 1000, 3);
  REQUIRE(pipe.open());
  pipe.write("x\n");
  CHECK(pipe.rotateSoon());
  CHECK_FALSE(fs::exists(t.dir.path / "fifo.1"));
  ::close(reader);
}

TEST_CASE("a rotation asked for with backups=0 empties the file in place") {
  LogInTempDir t(1000, 0);
  t.rf.write("gone\n");
  CHECK(t.rf.rotateSoon());
  CHECK(slurp(t.f) == "");
  CHECK_FALSE(fs::exists(t.dir.path / "app.log.1"));
}

TEST_CASE("the file counts the bytes it wrote and its rotations for /metrics") {
  LogInTempDir t(100, 3);
  CHECK(t.rf.writtenTotal() == 0);
  CHECK(t.rf.rotations() == 0);
  t.rf.write(std::string(59, 'a') + "\n");
  t.rf.write(std::string(49, 'b') + "\n");  // past maxbytes: one rotation
  t.rf.write("abc\n");
  CHECK(t.rf.writtenTotal() == 114);
  CHECK(t.rf.rotations() == 1);
  CHECK(t.rf.rotate());  // on request (logrotate)
  CHECK(t.rf.rotations() == 2);
  CHECK(t.rf.writtenTotal() == 114);
}
