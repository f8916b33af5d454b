// Supervisor's datatypes: accepted spellings and exact error texts (each
// checked against supervisor.datatypes on Python 3.11).
#include "common/config_values.h"

#include <catch2/catch.hpp>

namespace cv = sup::cv;

namespace {
template <class T>
std::string errorOf(const sup::Result<T>& r) {
  REQUIRE_FALSE(r.ok());
  return r.error().message;
}
}  // namespace

TEST_CASE("integers follow Python int(): whitespace, sign and single underscores", "[values]") {
  CHECK(*cv::integer(" 1_000 ") == 1000);
  CHECK(*cv::integer("+7") == 7);
  CHECK(*cv::integer("-3") == -3);
  CHECK(errorOf(cv::integer("1__0")) == "invalid literal for int() with base 10: '1__0'");
  CHECK(errorOf(cv::integer("0x10")) == "invalid literal for int() with base 10: '0x10'");
}

TEST_CASE("byte sizes take a kb/mb/gb suffix in any case", "[values]") {
  CHECK(*cv::byteSize("010MB") == 10485760);
  CHECK(*cv::byteSize("+2KB") == 2048);
  CHECK(*cv::byteSize("1 mb") == 1048576);
  CHECK(*cv::byteSize("1_024") == 1024);
  CHECK(*cv::byteSize("1GB") == 1073741824LL);
  CHECK(errorOf(cv::byteSize("10XB")) == "invalid literal for int() with base 10: '10xb'");
  CHECK(errorOf(cv::byteSize("KB")) == "invalid literal for int() with base 10: ''");
}

TEST_CASE("octal values accept a 0o prefix and name the bad text", "[values]") {
  CHECK(*cv::octal("022") == 18);
  CHECK(*cv::octal("0o22") == 18);
  CHECK(errorOf(cv::octal("8")) == "8 can not be converted to an octal type");
}

TEST_CASE("booleans accept yes/true/on/1 and no/false/off/0 in any case", "[values]") {
  CHECK(*cv::boolean("On"));
  CHECK_FALSE(*cv::boolean("NO"));
  CHECK(errorOf(cv::boolean("maybe")) == "not a valid boolean value: 'maybe'");
}

TEST_CASE("signals are Python signal-module names or numbers", "[values]") {
  CHECK(*cv::signalNumber("sigusr1") == 10);
  CHECK(*cv::signalNumber(" kill ") == 9);
  CHECK(*cv::signalNumber("RTMIN") == 34);
  CHECK(*cv::signalNumber("0") == 0);
  CHECK(errorOf(cv::signalNumber("35")) == "value '35' is not a valid signal number");
  CHECK(errorOf(cv::signalNumber("FOO")) == "value 'FOO' is not a valid signal name");
}

TEST_CASE("exit codes are a comma list of 0..255", "[values]") {
  CHECK(*cv::exitCodes("0, 2") == std::vector<int>{0, 2});
  CHECK(cv::exitCodes("")->empty());
  CHECK(errorOf(cv::exitCodes("256")) == "not a valid list of exit codes: '256'");
  CHECK(errorOf(cv::exitCodes("0,")) == "not a valid list of exit codes: '0,'");
}

TEST_CASE("autorestart is a boolean or 'unexpected'", "[values]") {
  CHECK(*cv::autoRestart("UNEXPECTED") == sup::AutoRestart::Unexpected);
  CHECK(*cv::autoRestart("yes") == sup::AutoRestart::True);
  CHECK(errorOf(cv::autoRestart("Sometimes")) == "invalid 'autorestart' value 'sometimes'");
}

TEST_CASE("process and group names may not contain space, colon or slash", "[values]") {
  CHECK(*cv::processOrGroupName(" web ") == "web");
  CHECK(errorOf(cv::processOrGroupName("a:b")) == "Invalid name: 'a:b' because of character: ':'");
  CHECK(errorOf(cv::processOrGroupName("a b/c")) ==
        "Invalid name: 'a b/c' because of character: ' '");
}

TEST_CASE("inet addresses give a lower-cased host and a port in range", "[values]") {
  CHECK(*cv::inetAddress("*:9001") == std::make_pair(std::string(), 9001));
  CHECK(*cv::inetAddress("LocalHost:80") == std::make_pair(std::string("localhost"), 80));
  CHECK(errorOf(cv::inetAddress("x")) == "not a valid port number: 'x' ");
  CHECK(errorOf(cv::inetAddress("h:")) == "no port number specified in ''");
  CHECK(errorOf(cv::inetAddress("h:0")) == "0 is below lower bound (1)");
}

TEST_CASE("log levels are Supervisor's own names only", "[values]") {
  CHECK(*cv::loggingLevel("WARN") == "warn");
  CHECK(errorOf(cv::loggingLevel("warning")) == "bad logging level name 'warning'");
}

TEST_CASE("paths expand ~ from HOME and normalise like os.path", "[values]") {
  std::map<std::string, std::string> environ{{"HOME", "/home/u/"}};
  cv::Env env{&environ, "/srv/app", false, false};
  CHECK(cv::expandUser("~/x.log", env) == "/home/u/x.log");
  CHECK(cv::normalizePath("run/../x//y/./z.pid", env) == "/srv/app/x/y/z.pid");
  CHECK(cv::normPath("//a/../b") == "//b");
  CHECK(cv::normPath("///a/") == "/a");
}

TEST_CASE("directory checks report Supervisor's messages when enabled", "[values]") {
  std::map<std::string, std::string> environ;
  cv::Env env{&environ, "/", true, true};
  CHECK(errorOf(cv::existingDirpath("/nonexistent/x.log", env)) ==
        "The directory named as part of the path /nonexistent/x.log does not exist");
  CHECK(errorOf(cv::existingDirectory("/nonexistent", env)) ==
        "/nonexistent is not an existing directory");
  CHECK(*cv::existingDirpath("relative.log", env) == "relative.log");
  env.check_filesystem = false;
  CHECK(*cv::existingDirectory("/nonexistent", env) == "/nonexistent");
}

TEST_CASE("user names must resolve when users are checked", "[values]") {
  CHECK(errorOf(cv::nameToUid("nosuchuserxyz")) == "Invalid user name nosuchuserxyz");
  CHECK(errorOf(cv::nameToUid("987654")) == "Invalid user id 987654");
  CHECK(*cv::nameToUid("root") == 0);
  std::map<std::string, std::string> environ;
  cv::Env env{&environ, "/", true, true};
  CHECK(errorOf(cv::userGroup("nosuchuserxyz:root", env)) ==
        "Invalid user:group definition nosuchuserxyz:root");
  env.check_users = false;
  auto ug = cv::userGroup("www:web", env);
  CHECK(ug->first == "www");
  CHECK(ug->second == std::optional<std::string>("web"));
}
