#include "logsearch/search_options.h"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <ctime>

using sup::GrepOptions;
using sup::LogStream;
using sup::parseFindArgs;
using sup::parseGrepArgs;

namespace {

GrepOptions grepOk(const std::vector<std::string>& args) {
  auto r = parseGrepArgs(args);
  INFO((r ? std::string() : r.error().message));
  REQUIRE(r.ok());
  return *r;
}

std::string grepError(const std::vector<std::string>& args) {
  auto r = parseGrepArgs(args);
  REQUIRE_FALSE(r.ok());
  return r.error().message;
}

const std::string kUsage =
    "Usage: supervisorctl grep [OPTION]... PATTERN [name|group:*|all]...\n"
    "Try 'supervisorctl help grep' for more information.";

}  // namespace

TEST_CASE("grep takes a pattern and process names after it") {
  auto o = grepOk({"ERROR", "web:*", "worker"});
  CHECK(o.patterns == std::vector<std::string>{"ERROR"});
  CHECK(o.names == std::vector<std::string>{"web:*", "worker"});
  CHECK_FALSE(o.fixed_strings);
  CHECK(o.max_count == -1);
}

TEST_CASE("grep flags bundle and may follow the operands, like GNU getopt") {
  auto o = grepOk({"-inv", "x", "all", "-c", "-lwxqHh"});
  CHECK(o.ignore_case);
  CHECK(o.line_number);
  CHECK(o.invert);
  CHECK(o.count);
  CHECK(o.files_with_matches);
  CHECK(o.word);
  CHECK(o.line_regexp);
  CHECK(o.quiet);
  CHECK(o.with_filename);
  CHECK(o.no_prefix);
  CHECK(o.names == std::vector<std::string>{"all"});
}

TEST_CASE("grep option arguments are attached, separate, or after =") {
  auto o = grepOk({"-A2", "-B", "3", "--max-count=4", "--stream", "stderr", "-e", "-x-", "-e",
                   "b\nc", "--", "-name"});
  CHECK(o.after == 2);
  CHECK(o.before == 3);
  CHECK(o.max_count == 4);
  CHECK(o.stream == LogStream::kStderr);
  CHECK(o.patterns == std::vector<std::string>{"-x-", "b", "c"});
  CHECK(o.names == std::vector<std::string>{"-name"});
  auto c = grepOk({"-C", "2", "p"});
  CHECK(c.before == 2);
  CHECK(c.after == 2);
  auto n = grepOk({"-5", "p"});
  CHECK(n.before == 5);
  CHECK(n.after == 5);
}

TEST_CASE("grep -F, -E, -P, --json, -f and --files-from set their fields") {
  auto o = grepOk({"-F", "a.b", "--json", "-f", "--files-from", "/tmp/list"});
  CHECK(o.fixed_strings);
  CHECK(o.json);
  CHECK(o.follow);
  CHECK(o.files_from == "/tmp/list");
  CHECK_FALSE(grepOk({"-F", "-E", "x"}).fixed_strings);
  CHECK_FALSE(grepOk({"-F", "-P", "x"}).fixed_strings);
}

TEST_CASE("grep rejects bad options with GNU grep's words and a usage hint") {
  CHECK(grepError({"-z", "x"}) == "supervisorctl grep: invalid option -- 'z'\n" + kUsage);
  CHECK(grepError({"--colour", "x"}) == "supervisorctl grep: unrecognized option '--colour'\n" +
                                            kUsage);
  CHECK(grepError({"x", "-A"}) == "supervisorctl grep: option requires an argument -- 'A'\n" +
                                      kUsage);
  CHECK(grepError({"--max-count"}) ==
        "supervisorctl grep: option '--max-count' requires an argument\n" + kUsage);
  CHECK(grepError({"--count=3", "x"}) ==
        "supervisorctl grep: option '--count' doesn't allow an argument\n" + kUsage);
  CHECK(grepError({"-A", "x", "p"}) == "supervisorctl grep: x: invalid context length argument");
  CHECK(grepError({"-C-1", "p"}) == "supervisorctl grep: -1: invalid context length argument");
  CHECK(grepError({"-m", "many", "p"}) == "supervisorctl grep: invalid max count");
  CHECK(grepError({"--stream=both", "p"}) ==
        "supervisorctl grep: invalid stream 'both' (use stdout or stderr)");
  CHECK(grepError({}) == kUsage);
  CHECK(grepError({"-i"}) == kUsage);
  CHECK(grepError({"-f", "-c", "x"}) ==
        "supervisorctl grep: -f cannot be combined with -c, -l or -q");
}

TEST_CASE("grep --help needs no pattern") {
  CHECK(grepOk({"--help"}).help);
  CHECK(sup::grepUsage().find("-A/-B/-C N") != std::string::npos);
}

TEST_CASE("find parses filters, names and output options") {
  auto r = parseFindArgs({"--stream", "stdout", "--newer", "10m", "--older=2026-11-22T10:00",
                          "--larger", "5M", "--smaller=1G", "-h", "--json", "web:*"});
  REQUIRE(r.ok());
  CHECK(r->stream == LogStream::kStdout);
  REQUIRE(r->newer);
  CHECK(r->newer->relative);
  CHECK(r->newer->seconds == 600);
  REQUIRE(r->older);
  CHECK_FALSE(r->older->relative);
  CHECK(*r->larger == 5u * 1024 * 1024);
  CHECK(*r->smaller == 1024u * 1024 * 1024);
  CHECK(r->human);
  CHECK(r->json);
  CHECK(r->names == std::vector<std::string>{"web:*"});
}

TEST_CASE("find rejects bad filters naming the bad value") {
  auto time = parseFindArgs({"--newer", "yesterday"});
  REQUIRE_FALSE(time.ok());
  CHECK(time.error().message ==
        "supervisorctl find: invalid time 'yesterday' (use a duration like 10m, 2h, 3d or a "
        "timestamp like 2026-11-22T10:00)");
  auto size = parseFindArgs({"--larger", "5X"});
  REQUIRE_FALSE(size.ok());
  CHECK(size.error().message == "supervisorctl find: invalid size '5X' (use bytes or k, M, G)");
  auto opt = parseFindArgs({"-n"});
  REQUIRE_FALSE(opt.ok());
  CHECK(opt.error().message ==
        "supervisorctl find: invalid option -- 'n'\n"
        "Usage: supervisorctl find [OPTION]... [name|group:*|all]...\n"
        "Try 'supervisorctl help find' for more information.");
}

TEST_CASE("Durations take s, m, h, d, w units and sums of them") {
  CHECK(*sup::parseDuration("90") == 90);
  CHECK(*sup::parseDuration("30s") == 30);
  CHECK(*sup::parseDuration("10m") == 600);
  CHECK(*sup::parseDuration("2h") == 7200);
  CHECK(*sup::parseDuration("3d") == 259200);
  CHECK(*sup::parseDuration("1w") == 604800);
  CHECK(*sup::parseDuration("1h30m") == 5400);
  CHECK_FALSE(sup::parseDuration("1h30").ok());
  CHECK_FALSE(sup::parseDuration("").ok());
  CHECK_FALSE(sup::parseDuration("-5m").ok());
  CHECK_FALSE(sup::parseDuration("5y").ok());
  CHECK_FALSE(sup::parseDuration("99999999999999999999").ok());
}

TEST_CASE("Timestamps are local dates with optional time, or @epoch") {
  setenv("TZ", "UTC", 1);
  tzset();
  CHECK(*sup::parseTimestamp("2026-11-22") == 1795305600);
  CHECK(*sup::parseTimestamp("2026-11-22T10:00") == 1795341600);
  CHECK(*sup::parseTimestamp("2026-11-22 10:00:05") == 1795341605);
  CHECK(*sup::parseTimestamp("@1795341600") == 1795341600);
  CHECK_FALSE(sup::parseTimestamp("2026-02-30").ok());
  CHECK_FALSE(sup::parseTimestamp("2026-11-22T25:00").ok());
  CHECK_FALSE(sup::parseTimestamp("2026-11-22T10").ok());
  CHECK_FALSE(sup::parseTimestamp("22/11/2026").ok());
  CHECK_FALSE(sup::parseTimestamp("@").ok());
}

TEST_CASE("Sizes take binary k, M, G units") {
  CHECK(*sup::parseSize("512") == 512);
  CHECK(*sup::parseSize("10k") == 10240);
  CHECK(*sup::parseSize("10K") == 10240);
  CHECK(*sup::parseSize("5M") == 5u << 20);
  CHECK(*sup::parseSize("2G") == 2ull << 30);
  CHECK(*sup::parseSize("2GB") == 2ull << 30);
  CHECK_FALSE(sup::parseSize("").ok());
  CHECK_FALSE(sup::parseSize("M").ok());
  CHECK_FALSE(sup::parseSize("5T").ok());
  CHECK_FALSE(sup::parseSize("99999999999999999G").ok());
}
