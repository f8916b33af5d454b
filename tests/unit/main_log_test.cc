// The main log's rotation, on real files: Supervisor's RotatingFileHandler
// writes each whole line, then rotates once the file has reached maxbytes,
// so the line that crosses the limit ends the old file. (Recorded with
// Python's supervisord -y 1KB: its main log rotated after the line that
// passed 1024 bytes.)
#include "supervisord/main_log.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

size_t lines(const std::string& text) {
  size_t n = 0;
  for (char c : text) n += c == '\n';
  return n;
}

}  // namespace

TEST_CASE("the main log rotates after the line that reaches maxbytes as Supervisor's does") {
  std::string tmpl = (fs::temp_directory_path() / "mainlog-XXXXXX").string();
  fs::path dir = ::mkdtemp(tmpl.data());
  sup::MainLogOptions o;
  o.path = (dir / "supervisord.log").string();
  o.maxbytes = 100;
  o.backups = 2;
  sup::MainLog log;
  std::string err;
  REQUIRE(log.open(o, &err));
  // Each line is 24 (time) + 5 (level) + 50 + 1 = 80 bytes.
  const std::string body(50, 'x');
  log.info(body);  // 80 bytes: below 100, no rotation
  CHECK_FALSE(fs::exists(dir / "supervisord.log.1"));
  log.info(body);  // 160 bytes: written whole, then rotated
  CHECK(lines(slurp(dir / "supervisord.log.1")) == 2);
  CHECK(slurp(dir / "supervisord.log").empty());
  log.info(body);
  CHECK(lines(slurp(dir / "supervisord.log")) == 1);
  log.info(body);  // the second rotation shifts .1 to .2
  CHECK(lines(slurp(dir / "supervisord.log.2")) == 2);
  CHECK(lines(slurp(dir / "supervisord.log.1")) == 2);
  fs::remove_all(dir);
}
