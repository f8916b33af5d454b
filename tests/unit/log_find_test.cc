#include "logsearch/log_find.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <sstream>

using sup::LogFileSet;
using sup::LogStream;

namespace {

constexpr std::int64_t kT0 = 1795341600;  // 2026-11-22 10:00:00 UTC

// Log files of known size and mtime, in UTC.
struct FindFixture {
  std::string dir;
  std::vector<LogFileSet> sets;
  std::string saved_tz;
  bool had_tz = false;

  FindFixture() {
    if (const char* tz = std::getenv("TZ")) {
      had_tz = true;
      saved_tz = tz;
    }
    setenv("TZ", "UTC", 1);
    tzset();
    char tmpl[] = "/tmp/sup-log-find-XXXXXX";
    dir = ::mkdtemp(tmpl);
    make("web.log.2", 100, kT0);
    make("web.log.1", 2048, kT0 + 60);
    make("web.log", 10, kT0 + 120);
    make("web.err", 0, kT0 + 180);
    make("grp-w.log", 5 * 1024 * 1024 + 1, kT0 + 240);
    sets = {{"web", LogStream::kStdout, dir + "/web.log", 5},
            {"web", LogStream::kStderr, dir + "/web.err", 5},
            {"grp:w", LogStream::kStdout, dir + "/grp-w.log", 0},
            {"nolog", LogStream::kStdout, "", 0}};
  }
  ~FindFixture() {
    std::filesystem::remove_all(dir);
    if (had_tz) {
      setenv("TZ", saved_tz.c_str(), 1);
    } else {
      unsetenv("TZ");
    }
    tzset();
  }
  void make(const std::string& name, off_t size, std::int64_t mtime) {
    std::string path = dir + "/" + name;
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    REQUIRE(fd >= 0);
    REQUIRE(::ftruncate(fd, size) == 0);
    ::close(fd);
    struct timespec times[2] = {{mtime, 0}, {mtime, 0}};
    REQUIRE(::utimensat(AT_FDCWD, path.c_str(), times, 0) == 0);
  }
  std::string row(const std::string& text) const {
    std::string out = text;
    auto at = out.find("D/");
    if (at != std::string::npos) out.replace(at, 1, dir);
    return out + "\n";
  }

  struct Run {
    int rc;
    std::string out, err;
  };
  Run find(const std::vector<std::string>& args) const {
    auto options = sup::parseFindArgs(args);
    REQUIRE(options.ok());
    options->now = kT0 + 300;
    std::ostringstream out, err;
    Run run{sup::runFind(*options, sets, out, err), "", ""};
    run.out = out.str();
    run.err = err.str();
    return run;
  }
};

}  // namespace

TEST_CASE("find lists every log file with size and mtime, oldest first per stream") {
  FindFixture f;
  auto r = f.find({});
  CHECK(r.rc == 0);
  CHECK(r.err.empty());
  CHECK(r.out == f.row("5242881  2026-11-22 10:04:00  grp:w  stdout  D/grp-w.log") +
                     f.row("    100  2026-11-22 10:00:00  web    stdout  D/web.log.2") +
                     f.row("   2048  2026-11-22 10:01:00  web    stdout  D/web.log.1") +
                     f.row("     10  2026-11-22 10:02:00  web    stdout  D/web.log") +
                     f.row("      0  2026-11-22 10:03:00  web    stderr  D/web.err"));
}

TEST_CASE("find -h prints human-readable sizes") {
  FindFixture f;
  CHECK(f.find({"-h", "web", "--stream", "stdout"}).out ==
        f.row(" 100  2026-11-22 10:00:00  web  stdout  D/web.log.2") +
            f.row("2.0K  2026-11-22 10:01:00  web  stdout  D/web.log.1") +
            f.row("  10  2026-11-22 10:02:00  web  stdout  D/web.log"));
  CHECK(sup::humanSize(1023) == "1023");
  CHECK(sup::humanSize(1536) == "1.5K");
  CHECK(sup::humanSize(5u << 20) == "5.0M");
  CHECK(sup::humanSize(12ull << 30) == "12G");
}

TEST_CASE("find --newer and --older take durations and timestamps") {
  FindFixture f;
  CHECK(f.find({"--newer", "150s"}).out ==
        f.row("5242881  2026-11-22 10:04:00  grp:w  stdout  D/grp-w.log") +
            f.row("      0  2026-11-22 10:03:00  web    stderr  D/web.err"));
  CHECK(f.find({"--older", "2026-11-22T10:01"}).out ==
        f.row("100  2026-11-22 10:00:00  web  stdout  D/web.log.2"));
  CHECK(f.find({"--newer", "2026-11-22T10:00", "--older", "2m59s"}).out ==
        f.row("2048  2026-11-22 10:01:00  web  stdout  D/web.log.1") +
            f.row("  10  2026-11-22 10:02:00  web  stdout  D/web.log"));
  CHECK(f.find({"--newer", "1h", "--older", "1h"}).out.empty());
}

TEST_CASE("find --larger, --smaller and --stream filter files") {
  FindFixture f;
  CHECK(f.find({"--larger", "1k"}).out ==
        f.row("5242881  2026-11-22 10:04:00  grp:w  stdout  D/grp-w.log") +
            f.row("   2048  2026-11-22 10:01:00  web    stdout  D/web.log.1"));
  CHECK(f.find({"--smaller=100"}).out ==
        f.row("10  2026-11-22 10:02:00  web  stdout  D/web.log") +
            f.row(" 0  2026-11-22 10:03:00  web  stderr  D/web.err"));
  CHECK(f.find({"--stream", "stderr"}).out ==
        f.row("0  2026-11-22 10:03:00  web  stderr  D/web.err"));
  CHECK(f.find({"grp:*"}).out ==
        f.row("5242881  2026-11-22 10:04:00  grp:w  stdout  D/grp-w.log"));
}

TEST_CASE("find --json prints one object per file") {
  FindFixture f;
  CHECK(f.find({"--json", "--larger", "1000", "web"}).out ==
        "{\"process\":\"web\",\"stream\":\"stdout\",\"path\":\"" + f.dir +
            "/web.log.1\",\"backup\":1,\"size\":2048,\"mtime\":1795341660,"
            "\"modified\":\"2026-11-22T10:01:00+0000\"}\n");
}

TEST_CASE("find reports unknown names with exit 2 and unreadable paths with exit 1") {
  FindFixture f;
  auto unknown = f.find({"nope"});
  CHECK(unknown.rc == 2);
  CHECK(unknown.err == "supervisorctl find: nope: no such process\n");
  CHECK(unknown.out.empty());
  std::filesystem::create_directory(f.dir + "/dir.log");
  f.sets.push_back({"broken", LogStream::kStdout, f.dir + "/dir.log", 0});
  auto broken = f.find({"broken"});
  CHECK(broken.rc == 1);
  CHECK(broken.err == "supervisorctl find: " + f.dir + "/dir.log: Is a directory\n");
}

TEST_CASE("Log file sets list backups that exist, skip devices, and drop duplicate paths") {
  FindFixture f;
  auto files = sup::listLogFiles(f.sets[0]);
  REQUIRE(files.size() == 3);
  CHECK(files[0].backup == 2);
  CHECK(files[1].backup == 1);
  CHECK(files[2].backup == 0);
  CHECK(sup::listLogFiles({"tty", LogStream::kStdout, "/dev/null", 2}).empty());
  auto sets = sup::normalizeLogFileSets({{"b", LogStream::kStderr, "/x/b.log", 0},
                                         {"b", LogStream::kStdout, "/x/b.log", 0},
                                         {"a", LogStream::kStdout, "", 0}});
  REQUIRE(sets.size() == 1);
  CHECK(sets[0].stream == LogStream::kStdout);
}

TEST_CASE("Fixture file lists name a set per line with the path last") {
  auto sets = sup::parseLogFileSetList(
      "# comment\n\nweb:web_0 stdout 10 /var/log/my app/web.log\r\nw stderr 0 /l/w.err\n");
  REQUIRE(sets.ok());
  REQUIRE(sets->size() == 2);
  CHECK((*sets)[0].namespec == "web:web_0");
  CHECK((*sets)[0].maxbackups == 10);
  CHECK((*sets)[0].path == "/var/log/my app/web.log");
  CHECK((*sets)[1].stream == LogStream::kStderr);
  auto bad = sup::parseLogFileSetList("w stdboth 1 /p\n");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message == "line 1: expected 'NAMESPEC stdout|stderr MAXBACKUPS PATH'");
  CHECK_FALSE(sup::parseLogFileSetList("w stdout -1 /p").ok());
  CHECK_FALSE(sup::parseLogFileSetList("w stdout 1").ok());
}
