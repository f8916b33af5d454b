#include "logsearch/log_search.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "logsearch/search_options.h"

using sup::LogFileSet;
using sup::LogStream;
using namespace std::string_literals;

namespace {

struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/sup-log-search-XXXXXX";
    path = ::mkdtemp(tmpl);
    ::chmod(path.c_str(), 0755);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string operator/(const std::string& name) const { return path + "/" + name; }
};

void writeFile(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

void appendFile(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::app) << bytes;
}

struct GrepRun {
  int rc = -1;
  std::string out, err;
};

GrepRun grep(const std::vector<std::string>& args, const std::vector<LogFileSet>& sets) {
  auto options = sup::parseGrepArgs(args);
  REQUIRE(options.ok());
  std::ostringstream out, err;
  GrepRun run;
  run.rc = sup::runGrep(*options, sets, out, err);
  run.out = out.str();
  run.err = err.str();
  return run;
}

// The fixture: a rotated stdout set (backup .3 missing, current file without
// a final newline), a stderr set with CRLF, an empty log and a binary one.
struct Fixture {
  TempDir dir;
  std::vector<LogFileSet> sets;
  Fixture() {
    writeFile(dir / "web.log.2", "boot\nERROR disk full\nretry\n");
    writeFile(dir / "web.log.1", "ok 1\nok 2\nERROR timeout\n");
    writeFile(dir / "web.log", "ok 3\nerror lowercase\nlast ERROR no newline");
    writeFile(dir / "web.err.1", "warn: a\n");
    writeFile(dir / "web.err", "ERROR on stderr\r\n");
    writeFile(dir / "w0.log", "");
    writeFile(dir / "w1.log", "bin\0ary ERROR\x01\n\xff\xfe ERROR\n"s);
    // Given out of order: the search sorts by name, stdout first.
    sets = {{"workers:w_1", LogStream::kStdout, dir / "w1.log", 0},
            {"web", LogStream::kStderr, dir / "web.err", 1},
            {"web", LogStream::kStdout, dir / "web.log", 3},
            {"workers:w_0", LogStream::kStdout, dir / "w0.log", 0}};
  }
};

}  // namespace

TEST_CASE("grep prints matches oldest backup first, prefixed with name and stream") {
  Fixture f;
  auto r = grep({"ERROR"}, f.sets);
  CHECK(r.rc == 0);
  CHECK(r.err.empty());
  CHECK(r.out ==
        "web:stdout:ERROR disk full\n"
        "web:stdout:ERROR timeout\n"
        "web:stdout:last ERROR no newline\n"
        "web:stderr:ERROR on stderr\r\n"
        "workers:w_1:stdout:bin\0ary ERROR\x01\n"
        "workers:w_1:stdout:\xff\xfe ERROR\n"s);
}

TEST_CASE("grep exits 1 and prints nothing when no line matches") {
  Fixture f;
  auto r = grep({"no such text"}, f.sets);
  CHECK(r.rc == 1);
  CHECK(r.out.empty());
  CHECK(r.err.empty());
}

TEST_CASE("grep -n numbers lines within each file and -H names the file") {
  Fixture f;
  auto r = grep({"-nH", "ERROR", "web", "--stream", "stdout"}, f.sets);
  CHECK(r.rc == 0);
  CHECK(r.out == "web:stdout:" + f.dir / "web.log.2" + ":2:ERROR disk full\n" +
                     "web:stdout:" + f.dir / "web.log.1" + ":3:ERROR timeout\n" +
                     "web:stdout:" + f.dir / "web.log" + ":3:last ERROR no newline\n");
  auto bare = grep({"-h", "timeout"}, f.sets);
  CHECK(bare.out == "ERROR timeout\n");
}

TEST_CASE("grep -c counts per stream across its files, including zero") {
  Fixture f;
  auto r = grep({"-c", "ERROR"}, f.sets);
  CHECK(r.rc == 0);
  CHECK(r.out == "web:stdout:3\nweb:stderr:1\nworkers:w_0:stdout:0\nworkers:w_1:stdout:2\n");
  auto ci = grep({"-ci", "error"}, f.sets);
  CHECK(ci.out == "web:stdout:4\nweb:stderr:1\nworkers:w_0:stdout:0\nworkers:w_1:stdout:2\n");
  auto inverted = grep({"-cv", "ERROR"}, f.sets);
  CHECK(inverted.out == "web:stdout:6\nweb:stderr:1\nworkers:w_0:stdout:0\nworkers:w_1:stdout:0\n");
  auto capped = grep({"-c", "-m2", "ERROR", "web"}, f.sets);
  CHECK(capped.out == "web:stdout:2\nweb:stderr:1\n");
}

TEST_CASE("grep -l lists the streams with a match and -q only sets the exit code") {
  Fixture f;
  auto l = grep({"-l", "ERROR"}, f.sets);
  CHECK(l.rc == 0);
  CHECK(l.out == "web:stdout\nweb:stderr\nworkers:w_1:stdout\n");
  auto q = grep({"-q", "ERROR"}, f.sets);
  CHECK(q.rc == 0);
  CHECK(q.out.empty());
  CHECK(grep({"-q", "absent"}, f.sets).rc == 1);
}

TEST_CASE("grep -v selects the lines that do not match") {
  Fixture f;
  auto r = grep({"-v", "ERROR", "web", "--stream=stdout"}, f.sets);
  CHECK(r.rc == 0);
  CHECK(r.out ==
        "web:stdout:boot\nweb:stdout:retry\nweb:stdout:ok 1\nweb:stdout:ok 2\n"
        "web:stdout:ok 3\nweb:stdout:error lowercase\n");
}

TEST_CASE("grep -i matches regardless of case with literals and regexes") {
  Fixture f;
  auto literal = grep({"-i", "ERROR L", "web"}, f.sets);
  CHECK(literal.out == "web:stdout:error lowercase\n");
  auto regex = grep({"-i", "^E.*(full|CASE)$", "web"}, f.sets);
  CHECK(regex.out == "web:stdout:ERROR disk full\nweb:stdout:error lowercase\n");
}

TEST_CASE("grep context lines use '-', groups are separated by '--', also across files") {
  Fixture f;
  auto r = grep({"-n", "-C1", "ERROR", "web", "--stream", "stdout"}, f.sets);
  CHECK(r.out ==
        "web:stdout-1-boot\n"
        "web:stdout:2:ERROR disk full\n"
        "web:stdout-3-retry\n"
        "--\n"
        "web:stdout-2-ok 2\n"
        "web:stdout:3:ERROR timeout\n"
        "--\n"
        "web:stdout-2-error lowercase\n"
        "web:stdout:3:last ERROR no newline\n");
}

TEST_CASE("grep merges overlapping context like GNU grep") {
  TempDir dir;
  writeFile(dir / "c.log", "a\nM1\nb\nM2\nc\nd\ne\nM3\nf\n");
  std::vector<LogFileSet> sets = {{"c", LogStream::kStdout, dir / "c.log", 0}};
  CHECK(grep({"-n", "-C1", "M"}, sets).out ==
        "c:stdout-1-a\nc:stdout:2:M1\nc:stdout-3-b\nc:stdout:4:M2\nc:stdout-5-c\n--\n"
        "c:stdout-7-e\nc:stdout:8:M3\nc:stdout-9-f\n");
  CHECK(grep({"-n", "-B3", "M3"}, sets).out ==
        "c:stdout-5-c\nc:stdout-6-d\nc:stdout-7-e\nc:stdout:8:M3\n");
  CHECK(grep({"-n", "-A1", "-v", "-m2", "M"}, sets).out ==
        "c:stdout:1:a\nc:stdout-2-M1\nc:stdout:3:b\nc:stdout-4-M2\n");
}

TEST_CASE("grep -m stops a stream after N lines and still prints trailing context") {
  TempDir dir;
  writeFile(dir / "c.log", "a\nM1\nb\nM2\nc\nd\ne\nM3\nf\n");
  std::vector<LogFileSet> sets = {{"c", LogStream::kStdout, dir / "c.log", 0}};
  CHECK(grep({"-n", "-m1", "-A2", "M"}, sets).out ==
        "c:stdout:2:M1\nc:stdout-3-b\nc:stdout-4-M2\n");
  Fixture f;
  CHECK(grep({"-m1", "ERROR", "web"}, f.sets).out ==
        "web:stdout:ERROR disk full\nweb:stderr:ERROR on stderr\r\n");
  CHECK(grep({"-m0", "ERROR"}, f.sets).rc == 1);
}

TEST_CASE("grep --json prints one valid JSON object per line, whatever the bytes") {
  Fixture f;
  auto r = grep({"--json", "ERROR", "workers:*"}, f.sets);
  CHECK(r.out == "{\"process\":\"workers:w_1\",\"stream\":\"stdout\",\"file\":\"" +
                     f.dir / "w1.log" +
                     "\",\"line\":1,\"type\":\"match\",\"text\":\"bin\\u0000ary ERROR\\u0001\"}\n"
                     "{\"process\":\"workers:w_1\",\"stream\":\"stdout\",\"file\":\"" +
                     f.dir / "w1.log" +
                     "\",\"line\":2,\"type\":\"match\",\"text\":\"\xEF\xBF\xBD\xEF\xBF\xBD "
                     "ERROR\"}\n");
  auto ctx = grep({"--json", "-B1", "timeout"}, f.sets);
  CHECK(ctx.out == "{\"process\":\"web\",\"stream\":\"stdout\",\"file\":\"" + f.dir / "web.log.1" +
                       "\",\"line\":2,\"type\":\"context\",\"text\":\"ok 2\"}\n"
                       "{\"process\":\"web\",\"stream\":\"stdout\",\"file\":\"" +
                       f.dir / "web.log.1" +
                       "\",\"line\":3,\"type\":\"match\",\"text\":\"ERROR timeout\"}\n");
  auto count = grep({"--json", "-c", "ERROR", "web"}, f.sets);
  CHECK(count.out ==
        "{\"process\":\"web\",\"stream\":\"stdout\",\"count\":3}\n"
        "{\"process\":\"web\",\"stream\":\"stderr\",\"count\":1}\n");
  auto listed = grep({"--json", "-l", "stderr"}, f.sets);
  CHECK(listed.out == "{\"process\":\"web\",\"stream\":\"stderr\"}\n");
}

TEST_CASE("grep -F, -w, -x and several -e patterns") {
  TempDir dir;
  writeFile(dir / "p.log", "a.b\naxb\nERRORS here\nERR here\nexact\nnot exact\n");
  std::vector<LogFileSet> sets = {{"p", LogStream::kStdout, dir / "p.log", 0}};
  CHECK(grep({"-h", "-F", "a.b"}, sets).out == "a.b\n");
  CHECK(grep({"-h", "a.b"}, sets).out == "a.b\naxb\n");
  CHECK(grep({"-h", "-w", "ERR"}, sets).out == "ERR here\n");
  CHECK(grep({"-h", "-wF", "ERR"}, sets).out == "ERR here\n");
  CHECK(grep({"-h", "-x", "exact"}, sets).out == "exact\n");
  CHECK(grep({"-h", "-e", "axb", "-e", "exact$"}, sets).out == "axb\nexact\nnot exact\n");
  CHECK(grep({"-h", "-F", "-e", "(", "-e", "a.b"}, sets).out == "a.b\n");
  CHECK(grep({"-h", ""}, sets).out == "a.b\naxb\nERRORS here\nERR here\nexact\nnot exact\n");
}

TEST_CASE("grep reports an invalid regex and unknown names with exit 2") {
  Fixture f;
  auto bad = grep({"("}, f.sets);
  CHECK(bad.rc == 2);
  CHECK(bad.err ==
        "supervisorctl grep: invalid regex '(': missing closing parenthesis (at offset 1)\n");
  auto name = grep({"x", "nope"}, f.sets);
  CHECK(name.rc == 2);
  CHECK(name.err == "supervisorctl grep: nope: no such process\n");
  auto group = grep({"x", "nogroup:*"}, f.sets);
  CHECK(group.rc == 2);
  CHECK(group.err == "supervisorctl grep: nogroup: no such group\n");
}

TEST_CASE("grep names an unreadable file, keeps searching, and exits 2") {
  Fixture f;
  std::filesystem::create_directory(f.dir / "dir.log");
  writeFile(f.dir / "dir.log.1", "ERROR before\n");
  f.sets.push_back({"broken", LogStream::kStdout, f.dir / "dir.log", 1});
  auto r = grep({"ERROR", "broken"}, f.sets);
  CHECK(r.rc == 2);
  CHECK(r.out == "broken:stdout:ERROR before\n");
  CHECK(r.err == "supervisorctl grep: " + f.dir / "dir.log" + ": Is a directory\n");
  CHECK(grep({"-q", "ERROR", "broken"}, f.sets).rc == 0);  // GNU: -q and a match win
}

TEST_CASE("grep reports Permission denied for a file the user may not read") {
  Fixture f;
  writeFile(f.dir / "secret.log", "ERROR secret\n");
  writeFile(f.dir / "secret.log.1", "ERROR public\n");
  ::chmod((f.dir / "secret.log").c_str(), 0);
  f.sets.push_back({"secret", LogStream::kStdout, f.dir / "secret.log", 1});
  // Root reads everything: run the search as "nobody" in a child process.
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::close(fds[0]);
    if (::geteuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0)) ::_exit(99);
    auto options = sup::parseGrepArgs({"ERROR", "secret"});
    std::ostringstream out, err;
    int rc = options ? sup::runGrep(*options, f.sets, out, err) : 98;
    std::string report = std::to_string(rc) + "\n" + out.str() + err.str();
    ssize_t written = ::write(fds[1], report.data(), report.size());
    ::_exit(written == static_cast<ssize_t>(report.size()) ? 0 : 97);
  }
  ::close(fds[1]);
  std::string report;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fds[0], buf, sizeof buf)) > 0) report.append(buf, n);
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(report == "2\nsecret:stdout:ERROR public\nsupervisorctl grep: " + f.dir / "secret.log" +
                      ": Permission denied\n");
}

TEST_CASE("grep finds lines that cross read blocks and lines longer than a block") {
  TempDir dir;
  std::string text, expected;
  int lineno = 0;
  auto add = [&](const std::string& line) {
    ++lineno;
    text += line + "\n";
    if (line.find("NEEDLE") != std::string::npos) {
      expected += "big:stdout:" + std::to_string(lineno) + ":" + line + "\n";
    }
  };
  for (int i = 0; i < 40000; ++i) {
    std::string line = "line " + std::to_string(i) + " " + std::string(i % 97, 'x');
    if (i % 1013 == 0) line += " NEEDLE " + std::to_string(i);
    add(line);
  }
  const std::string long_line =
      std::string(700000, 'y') + "NEEDLE in a long line" + std::string(900000, 'z');
  add(long_line);
  const int long_lineno = lineno;
  add("tail NEEDLE");
  for (int i = 0; i < 3000; ++i) add("after " + std::to_string(i));
  add("NEEDLE last, unterminated");
  text.pop_back();
  writeFile(dir / "big.log", text);
  std::vector<LogFileSet> sets = {{"big", LogStream::kStdout, dir / "big.log", 0}};
  CHECK(grep({"-n", "NEEDLE"}, sets).out == expected);
  CHECK(grep({"-n", "NEE+DLE"}, sets).out == expected);     // regex with a literal prefilter
  CHECK(grep({"-n", "N[E]{2}DLE"}, sets).out == expected);  // regex over whole blocks
  CHECK(grep({"-c", "-v", "NEEDLE"}, sets).out ==
        "big:stdout:" +
            std::to_string(lineno - std::count(expected.begin(), expected.end(), '\n')) + "\n");
  CHECK(grep({"-n", "-B1", "tail NEEDLE"}, sets).out ==
        "big:stdout-" + std::to_string(long_lineno) + "-" + long_line +
            "\nbig:stdout:" + std::to_string(long_lineno + 1) + ":tail NEEDLE\n");
}

TEST_CASE("A catastrophic regex is decided in linear time once the backtracking limit is hit") {
  // (a+)+$ against a long run of a's that ends in '!' backtracks
  // exponentially. At the match limit RE2 decides the line instead, so the
  // answer is exact: line 1 does not match, line 2 does, nothing is skipped.
  TempDir dir;
  writeFile(dir / "p.log", std::string(30000, 'a') + "!\naaa\n" + std::string(5000, 'a') + "b\n");
  std::vector<LogFileSet> sets = {{"p", LogStream::kStdout, dir / "p.log", 0}};
  auto r = grep({"-n", "(a+)+$"}, sets);
  CHECK(r.rc == 0);
  CHECK(r.out == "p:stdout:2:aaa\n");
  CHECK(r.err.empty());
  // A pattern that matches one of the exploding lines.
  auto counted = grep({"-c", "(a*)*b"}, sets);
  CHECK(counted.out == "p:stdout:1\n");
  CHECK(counted.rc == 0);
  CHECK(counted.err.empty());
  // No line matches: grep's 1, not an error, also with -w (lookaround, which
  // RE2 lacks, is rewritten for it) and -i.
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"-c", "(a+)+c$"}, {"-c", "-w", "(a+)+c"}, {"-c", "-i", "(A+)+C$"}}) {
    INFO(args[1]);
    auto none = grep(args, sets);
    CHECK(none.rc == 1);
    CHECK(none.out == "p:stdout:0\n");
    CHECK(none.err.empty());
  }
}

TEST_CASE("A catastrophic regex with a backreference stops at the limit and the line is skipped") {
  // RE2 cannot run backreferences, so such a line is reported by number and
  // skipped, and the rest of the file is searched.
  TempDir dir;
  writeFile(dir / "p.log", std::string(30000, 'a') + "!\naaaa\n");
  std::vector<LogFileSet> sets = {{"p", LogStream::kStdout, dir / "p.log", 0}};
  auto r = grep({"-n", "^(a+)+\\1$"}, sets);
  CHECK(r.rc == 2);
  CHECK(r.out == "p:stdout:2:aaaa\n");
  CHECK(r.err == "supervisorctl grep: " + dir / "p.log" +
                     ": line 1: regular expression too complex (backtracking limit exceeded), "
                     "line skipped\n");
}

namespace {

// A thread-safe sink: the follow loop writes while the test reads.
class LockedBuffer : public std::streambuf {
 public:
  std::string text() {
    std::lock_guard<std::mutex> lock(mutex_);
    return text_;
  }

 protected:
  int overflow(int c) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (c != EOF) text_ += static_cast<char>(c);
    return c;
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    std::lock_guard<std::mutex> lock(mutex_);
    text_.append(s, static_cast<std::size_t>(n));
    return n;
  }

 private:
  std::mutex mutex_;
  std::string text_;
};

bool waitFor(LockedBuffer& buffer, const std::string& expected) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    if (buffer.text() == expected) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

}  // namespace

TEST_CASE("grep -f follows appended lines, rotation and truncation") {
  TempDir dir;
  const std::string log = dir / "f.log";
  writeFile(log + ".1", "old ERROR 0\n");
  writeFile(log, "current ERROR 1\nquiet\n");
  std::vector<LogFileSet> sets = {{"f", LogStream::kStdout, log, 1},
                                  {"g", LogStream::kStdout, dir / "g.log", 0}};
  auto options = sup::parseGrepArgs({"-f", "ERROR"});
  REQUIRE(options.ok());
  int stop[2];
  REQUIRE(::pipe(stop) == 0);
  LockedBuffer buffer;
  std::ostream out(&buffer);
  std::ostringstream err;
  int rc = -1;
  std::thread follower([&] { rc = sup::runGrep(*options, sets, out, err, {stop[0]}); });

  std::string expected = "f:stdout:old ERROR 0\nf:stdout:current ERROR 1\n";
  CHECK(waitFor(buffer, expected));
  appendFile(log, "new ERROR 2\npartial ERR");
  expected += "f:stdout:new ERROR 2\n";
  CHECK(waitFor(buffer, expected));
  appendFile(log, "OR 3\n");  // the line is printed only once complete
  expected += "f:stdout:partial ERROR 3\n";
  CHECK(waitFor(buffer, expected));
  // Rotation as supervisord does it: rename to .1, create a new file.
  appendFile(log, "before rotation ERROR 4\n");
  std::filesystem::rename(log, log + ".1");
  writeFile(log, "after rotation ERROR 5\n");
  expected += "f:stdout:before rotation ERROR 4\nf:stdout:after rotation ERROR 5\n";
  CHECK(waitFor(buffer, expected));
  writeFile(log, "t ERROR 6\n");  // truncated in place (clear)
  expected += "f:stdout:t ERROR 6\n";
  CHECK(waitFor(buffer, expected));
  writeFile(dir / "g.log", "late ERROR 7\n");  // a log created after the search
  expected += "g:stdout:late ERROR 7\n";
  CHECK(waitFor(buffer, expected));

  REQUIRE(::write(stop[1], "x", 1) == 1);
  follower.join();
  ::close(stop[0]);
  ::close(stop[1]);
  CHECK(rc == 0);
  CHECK(err.str().empty());
  CHECK(buffer.text() == expected);
}
