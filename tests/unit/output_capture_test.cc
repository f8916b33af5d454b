// Child log helpers: ANSI stripping and AUTO log cleanup at startup.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "supervisord/main_log.h"
#include "supervisord/output_capture.h"

using namespace sup;
namespace fs = std::filesystem;

TEST_CASE("strip_ansi removes escape sequences up to their final letter") {
  CHECK(stripAnsi("\x1b[31mred\x1b[0m plain") == "red plain");
  CHECK(stripAnsi("\x1b[2Jclear\x1b[1;1H") == "clear");
  CHECK(stripAnsi("no escapes") == "no escapes");
  CHECK(stripAnsi("dangling \x1b[12") == "dangling \x1b[12");
}

TEST_CASE("AUTO child logs of this identifier are cleaned up, others are kept") {
  std::string tmpl = (fs::temp_directory_path() / "autoclean-XXXXXX").string();
  fs::path dir = ::mkdtemp(tmpl.data());
  for (const char* name : {"web-stdout---supervisor-abc123.log", "web-stderr---supervisor-x_y.log.3",
                           "web-stdout---other-abc123.log", "notes.txt", "web.log"}) {
    std::ofstream(dir / name) << "x";
  }
  MainLog log;
  CaptureSettings s;
  s.childlogdir = dir.string();
  s.identifier = "supervisor";
  cleanupAutoChildLogs(s, log);
  CHECK_FALSE(fs::exists(dir / "web-stdout---supervisor-abc123.log"));
  CHECK_FALSE(fs::exists(dir / "web-stderr---supervisor-x_y.log.3"));
  CHECK(fs::exists(dir / "web-stdout---other-abc123.log"));
  CHECK(fs::exists(dir / "notes.txt"));
  CHECK(fs::exists(dir / "web.log"));
  fs::remove_all(dir);
}
