// stdout_syslog/stderr_syslog: lines, Supervisor's message format, and a
// non-blocking datagram socket that drops (with one report per outage)
// instead of blocking, against a private unix socket.
#include "supervisord/syslog_sink.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include "common/config_model.h"
#include "supervisord/event_loop.h"
#include "supervisord/main_log.h"
#include "supervisord/output_capture.h"

using namespace sup;
namespace fs = std::filesystem;

namespace {

// A private "syslog daemon": a bound datagram socket in a temp dir.
struct FakeSyslog {
  fs::path dir;
  std::string path;
  int fd = -1;
  FakeSyslog() {
    std::string tmpl = (fs::temp_directory_path() / "syslog-XXXXXX").string();
    dir = ::mkdtemp(tmpl.data());
    path = (dir / "log").string();
  }
  bool bind() {
    fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
    return ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  std::vector<std::string> received() {
    std::vector<std::string> out;
    char buf[8192];
    ssize_t n;
    while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) out.emplace_back(buf, static_cast<size_t>(n));
    return out;
  }
  ~FakeSyslog() {
    if (fd >= 0) ::close(fd);
    fs::remove_all(dir);
  }
};

std::vector<std::string> linesOf(const std::vector<std::string>& chunks, bool eof) {
  SyslogLines lines;
  std::vector<std::string> out;
  auto emit = [&](std::string_view l) { out.emplace_back(l); };
  for (const auto& c : chunks) lines.feed(c, emit);
  if (eof) lines.flush(emit);
  return out;
}

}  // namespace

TEST_CASE("syslog messages are user.info, tagged supervisord, in syslog(3)'s format") {
  std::string d = syslogDatagram("web GET / 200", 0);
  CHECK(std::regex_match(d, std::regex("<14>[A-Z][a-z]{2} [ 123][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2} "
                                       "supervisord: web GET / 200")));
}

TEST_CASE("syslog lines are whole even when a line comes in several reads") {
  CHECK(linesOf({"one\ntwo\n"}, false) == std::vector<std::string>{"one", "two"});
  CHECK(linesOf({"par", "tial\nnext"}, false) == std::vector<std::string>{"partial"});
  CHECK(linesOf({"par", "tial\nnext"}, true) == std::vector<std::string>{"partial", "next"});
  CHECK(linesOf({"a\n\nb\n"}, true) == std::vector<std::string>{"a", "", "b"});
  std::string huge(SyslogLines::kMaxLine + 10, 'x');
  auto big = linesOf({huge}, false);
  REQUIRE(big.size() == 1);
  CHECK(big[0].size() == huge.size());
}

TEST_CASE("a syslog sink sends each line as one datagram prefixed with the process name") {
  FakeSyslog server;
  REQUIRE(server.bind());
  SyslogSink sink(server.path);
  CHECK(sink.send("web", "hello"));
  CHECK(sink.send("web", "world"));
  auto got = server.received();
  REQUIRE(got.size() == 2);
  CHECK(std::regex_search(got[0], std::regex("^<14>.* supervisord: web hello$")));
  CHECK(std::regex_search(got[1], std::regex("supervisord: web world$")));
}

TEST_CASE("a syslog sink drops lines when syslog is absent or full, reporting once per outage") {
  FakeSyslog server;
  std::vector<std::pair<std::string, unsigned long long>> reports;
  SyslogSink sink(server.path,
                  [&](const std::string& e, unsigned long long n) { reports.emplace_back(e, n); });
  // No socket yet: dropped, one report.
  CHECK_FALSE(sink.send("web", "lost 1"));
  CHECK_FALSE(sink.send("web", "lost 2"));
  REQUIRE(reports.size() == 1);
  CHECK(reports[0].first == std::strerror(ENOENT));
  // It comes up: the next line gets through and the outage's end is reported.
  REQUIRE(server.bind());
  CHECK(sink.send("web", "back"));
  REQUIRE(reports.size() == 2);
  CHECK(reports[1] == std::make_pair(std::string(), 2ULL));
  // Nobody reads: the queue fills, sends fail at once instead of blocking.
  int failed = 0;
  for (int i = 0; i < 5000 && failed == 0; ++i) failed += sink.send("web", "flood") ? 0 : 1;
  CHECK(failed == 1);
  REQUIRE(reports.size() == 3);
  CHECK(reports[2].first == std::strerror(EAGAIN));
}

TEST_CASE("a process's output reaches syslog line by line, the last partial line at EOF") {
  FakeSyslog server;
  REQUIRE(server.bind());
  EventLoop loop;
  MainLog log;
  ProcessConfig config;
  config.name = "worker";
  config.stdout_log.logfile.kind = LogFileSpec::Kind::None;
  config.stdout_log.syslog = true;
  config.redirect_stderr = true;
  CaptureSettings settings;
  settings.syslog_path = server.path;
  OutputCapture capture(loop, log, config, settings);
  int fds[2];
  REQUIRE(::pipe2(fds, O_NONBLOCK | O_CLOEXEC) == 0);
  capture.attach(-1, fds[0], -1);
  std::string text = "first line\nsecond line\nno newline";
  REQUIRE(::write(fds[1], text.data(), text.size()) == static_cast<ssize_t>(text.size()));
  ::close(fds[1]);
  capture.drainAndDetach();
  auto got = server.received();
  REQUIRE(got.size() == 3);
  CHECK(std::regex_search(got[0], std::regex("supervisord: worker first line$")));
  CHECK(std::regex_search(got[1], std::regex("supervisord: worker second line$")));
  CHECK(std::regex_search(got[2], std::regex("supervisord: worker no newline$")));
}
