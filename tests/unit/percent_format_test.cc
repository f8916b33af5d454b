// Python's `fmt % mapping` and Supervisor's expand() messages.
#include "common/percent_format.h"

#include <catch2/catch.hpp>

using sup::expandFormat;
using sup::FormatNames;

namespace {
const FormatNames kNames{
    {"program_name", std::string("web")}, {"process_num", 7LL}, {"numprocs", 2LL}};
std::string ok(const std::string& fmt) {
  auto r = expandFormat(fmt, kNames, "program:web.command");
  REQUIRE(r.ok());
  return *r;
}
std::string err(const std::string& fmt) {
  auto r = expandFormat(fmt, kNames, "program:web.command");
  REQUIRE_FALSE(r.ok());
  return r.error().message;
}
}  // namespace

TEST_CASE("named conversions format strings and integers like Python", "[format]") {
  CHECK(ok("%(program_name)s-%(process_num)s") == "web-7");
  CHECK(ok("%(process_num)02d|%(process_num)x|%(process_num)#o|%(process_num)-3d|") ==
        "07|7|0o7|7  |");
  CHECK(ok("%(program_name).2s|%(program_name)5s|%(program_name)r") == "we|  web|'web'");
  CHECK(ok("100%% done") == "100% done");
}

TEST_CASE("an unknown name lists every available name", "[format]") {
  CHECK(err("run %(nope)s") ==
        "Format string 'run %(nope)s' for 'program:web.command' contains names ('nope') which "
        "cannot be expanded. Available names: numprocs, process_num, program_name");
}

TEST_CASE("a stray percent sign is badly formatted at its code-point index", "[format]") {
  CHECK(err("date +%Y") ==
        "Format string 'date +%Y' for 'program:web.command' is badly formatted: unsupported "
        "format character 'Y' (0x59) at index 7");
  CHECK(err("é%Y").find("at index 2") != std::string::npos);
  CHECK(err("50%").find("is badly formatted: incomplete format") != std::string::npos);
  CHECK(err("%(program_name").find("incomplete format key") != std::string::npos);
}

TEST_CASE("numeric conversions reject strings with Python's messages", "[format]") {
  CHECK(err("%(program_name)d").find("%d format: a real number is required, not str") !=
        std::string::npos);
  CHECK(err("%(program_name)x").find("%x format: an integer is required, not str") !=
        std::string::npos);
}

TEST_CASE("only an immediate %% is literal and each argument is used once", "[format]") {
  CHECK(err("%(numprocs)%").find("unsupported format character '%' (0x25) at index 11") !=
        std::string::npos);
  CHECK(err("%(numprocs)d %s").find("not enough arguments for format string") != std::string::npos);
}

TEST_CASE("a value that would expand past 4 MiB is refused instead of built", "[format]") {
  // No program could receive it (Linux caps one argument at 128 KiB), and
  // repeated wide fields would otherwise ask for gigabytes.
  CHECK(ok("%(program_name)1000000s").size() == 1000000);
  CHECK(ok("%(program_name).99999999s") == "web");
  const std::string too_long = "is badly formatted: formatted value too long";
  CHECK(err("%(program_name)99999999s").find(too_long) != std::string::npos);
  CHECK(err("%(process_num).99999999d").find(too_long) != std::string::npos);
  std::string five_wide;
  for (int i = 0; i < 5; ++i) five_wide += "%(program_name)1000000s";
  CHECK(err(five_wide).find(too_long) != std::string::npos);
}
