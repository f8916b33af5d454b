// Child log helpers: ANSI stripping, AUTO log cleanup at startup, and
// capture mode keeping captured bytes out of the log file.
#include "supervisord/output_capture.h"

#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "common/config_model.h"
#include "supervisord/event_loop.h"
#include "supervisord/main_log.h"

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
  for (const char* name :
       {"web-stdout---supervisor-abc123.log", "web-stderr---supervisor-x_y.log.3",
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

TEST_CASE("AUTO child log names are those Supervisor's clear_autochildlogdir pattern matches") {
  CHECK(isAutoChildLogName("web-stdout---supervisor-abc123.log", "supervisor"));
  CHECK(isAutoChildLogName("web-stderr---supervisor-x_y.log.3", "supervisor"));
  CHECK(isAutoChildLogName("a---supervisor-b.log.bak", "supervisor"));  // re.match: prefix only
  CHECK(isAutoChildLogName("a---supervisor-b.logfile", "supervisor"));
  CHECK(isAutoChildLogName("a---supervisor-x.log-y.log", "supervisor"));
  CHECK(isAutoChildLogName("a---supervisor-.log.log", "supervisor"));
  CHECK_FALSE(isAutoChildLogName("---supervisor-abc.log", "supervisor"));   // .+? needs one char
  CHECK_FALSE(isAutoChildLogName("a---supervisor-.log", "supervisor"));     // \S+ needs one
  CHECK_FALSE(isAutoChildLogName("a---supervisor-b c.log", "supervisor"));  // no space in \S+
  CHECK_FALSE(
      isAutoChildLogName("a---supervisor-b\xc2\xa0"
                         "c.log",
                         "supervisor"));                                    // nor U+00A0
  CHECK_FALSE(isAutoChildLogName("a\n---supervisor-b.log", "supervisor"));  // . stops at \n
  CHECK_FALSE(isAutoChildLogName("web-stdout---other-abc123.log", "supervisor"));
  CHECK_FALSE(isAutoChildLogName("web.log", "supervisor"));
  CHECK(isAutoChildLogName("w---ident-test-1.log", "ident-test"));
}

TEST_CASE("with capture_maxbytes the bytes between the capture tokens stay out of the log file") {
  std::string tmpl = (fs::temp_directory_path() / "capture-XXXXXX").string();
  fs::path dir = ::mkdtemp(tmpl.data());
  {
    EventLoop loop;
    MainLog log;
    ProcessConfig config;
    config.name = "talker";
    config.stdout_log.logfile.kind = LogFileSpec::Kind::Path;
    config.stdout_log.logfile.path = (dir / "talker.log").string();
    config.stdout_log.capture_maxbytes = 1000;
    config.redirect_stderr = true;
    CaptureSettings settings;
    OutputCapture capture(loop, log, config, settings);
    int fds[2];
    REQUIRE(::pipe2(fds, O_NONBLOCK | O_CLOEXEC) == 0);
    capture.attach(-1, fds[0], -1);
    std::string text =
        "before the capture\n<!--XSUPERVISOR:BEGIN-->secret payload\n"
        "<!--XSUPERVISOR:END-->after the capture\nok\n";
    REQUIRE(::write(fds[1], text.data(), text.size()) == static_cast<ssize_t>(text.size()));
    ::close(fds[1]);
    capture.drainAndDetach();
    std::ifstream in(dir / "talker.log");
    std::string got((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(got == "before the capture\nafter the capture\nok\n");
  }
  fs::remove_all(dir);
}
