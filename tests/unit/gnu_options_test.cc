// GNU-style command options on CLI11 (common/gnu_options.h): getopt_long's
// grammar and its error texts, on a made-up command so that nothing here
// depends on grep's or find's own options.
#include "common/gnu_options.h"

#include <catch2/catch.hpp>

using sup::Error;
using sup::GnuOptions;
using sup::okStatus;
using sup::Status;

namespace {

// `demo [-a] [-b] [-c] [--long-flag] [--help] [-o VALUE] [--value VALUE] [-NUM] WORD...`,
// recording each option as it takes effect.
struct Demo {
  std::vector<std::string> seen;
  GnuOptions cli{"demo", "WORD..."};

  Demo() {
    auto record = [this](std::string what) {
      return [this, what](const std::string& v) {
        if (v == "bad") return Status(Error{"bad value for " + what});
        seen.push_back(what + "=" + v);
        return okStatus();
      };
    };
    cli.flag('a', "all", [this] { seen.push_back("a"); })
        .flag('b', "", [this] { seen.push_back("b"); })
        .flag('c', "count", [this] { seen.push_back("c"); })
        .flag(0, "long-flag", [this] { seen.push_back("long-flag"); })
        .flag(0, "help", [this] { seen.push_back("help"); })
        .option('o', "output", record("o"))
        .option(0, "value", record("value"))
        .number(record("num"));
  }

  std::vector<std::string> ok(const std::vector<std::string>& args) {
    auto r = cli.parse(args);
    INFO((r ? std::string() : r.error().message));
    REQUIRE(r.ok());
    return *r;
  }
  std::string error(const std::vector<std::string>& args) {
    auto r = cli.parse(args);
    REQUIRE_FALSE(r.ok());
    return r.error().message;
  }
};

const std::string kUsage =
    "\nUsage: supervisorctl demo [OPTION]... WORD...\n"
    "Try 'supervisorctl help demo' for more information.";

using Words = std::vector<std::string>;

}  // namespace

TEST_CASE("GNU options: short flags combine, in command-line order") {
  Demo d;
  CHECK(d.ok({"-abc", "-ca"}).empty());
  CHECK(d.seen == Words{"a", "b", "c", "c", "a"});
}

TEST_CASE("GNU options: a value is attached, separate, or after = and may start with -") {
  Demo d;
  CHECK(d.ok({"-o3", "-o", "4", "--output=5", "--output", "6", "-ao7", "-o", "-x", "--value="})
            .empty());
  CHECK(d.seen == Words{"o=3", "o=4", "o=5", "o=6", "a", "o=7", "o=-x", "value="});
}

TEST_CASE("GNU options: operands mix with options and -- ends the options") {
  Demo d;
  CHECK(d.ok({"w1", "-a", "w2", "--", "-b", "--", "-"}) == Words{"w1", "w2", "-b", "--", "-"});
  CHECK(d.seen == Words{"a"});
}

TEST_CASE("GNU options: -NUM is one number per run of digits") {
  Demo d;
  d.ok({"-12", "-a3", "-4b5", "-6", "-7"});
  CHECK(d.seen == Words{"num=12", "a", "num=3", "num=4", "b", "num=5", "num=6", "num=7"});
}

TEST_CASE("GNU options: --help and the other long flags, spelled in full") {
  Demo d;
  CHECK(d.ok({"--long-flag", "--all", "--count", "--help"}).empty());
  CHECK(d.seen == Words{"long-flag", "a", "c", "help"});
}

TEST_CASE("GNU options: errors are getopt's, with the usage lines") {
  Demo d;
  CHECK(d.error({"-z"}) == "supervisorctl demo: invalid option -- 'z'" + kUsage);
  CHECK(d.error({"-abz"}) == "supervisorctl demo: invalid option -- 'z'" + kUsage);
  CHECK(d.error({"-a!"}) == "supervisorctl demo: invalid option -- '!'" + kUsage);
  CHECK(d.error({"-a-"}) == "supervisorctl demo: invalid option -- '-'" + kUsage);
  CHECK(d.error({"--colour"}) == "supervisorctl demo: unrecognized option '--colour'" + kUsage);
  CHECK(d.error({"--col=x"}) == "supervisorctl demo: unrecognized option '--col=x'" + kUsage);
  CHECK(d.error({"--al"}) == "supervisorctl demo: unrecognized option '--al'" + kUsage);
  CHECK(d.error({"w", "-ao"}) == "supervisorctl demo: option requires an argument -- 'o'" + kUsage);
  CHECK(d.error({"--value"}) ==
        "supervisorctl demo: option '--value' requires an argument" + kUsage);
  CHECK(d.error({"--count=3"}) ==
        "supervisorctl demo: option '--count' doesn't allow an argument" + kUsage);
  CHECK(d.error({"--count="}) ==
        "supervisorctl demo: option '--count' doesn't allow an argument" + kUsage);
}

TEST_CASE("GNU options: a value's own error has no usage lines") {
  Demo d;
  CHECK(d.error({"-o", "bad"}) == "supervisorctl demo: bad value for o");
  CHECK(d.error({"-a", "--value=bad"}) == "supervisorctl demo: bad value for value");
  CHECK(d.seen == Words{"a"});
}

TEST_CASE("GNU options: the first error in the command line wins") {
  Demo d;
  CHECK(d.error({"-z", "-o", "bad"}) == "supervisorctl demo: invalid option -- 'z'" + kUsage);
  CHECK(d.error({"-o", "bad", "-z"}) == "supervisorctl demo: bad value for o");
  CHECK(d.error({"--colour", "-o"}) ==
        "supervisorctl demo: unrecognized option '--colour'" + kUsage);
  CHECK(d.error({"-z", "--", "-y"}) == "supervisorctl demo: invalid option -- 'z'" + kUsage);
}
