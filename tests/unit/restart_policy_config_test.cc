// backoff=, backoff_max=, backoff_jitter=, backoff_reset=, never_give_up=,
// restart_limit= and essential= (ours): their values, their defaults (which
// are Supervisor's behaviour), their errors naming the key and the section,
// and how --print-config shows them.
#include <catch2/catch.hpp>

#include "common/config_json.h"
#include "common/config_parser.h"
#include "common/restart_policy_values.h"
#include "tests/unit/temp_config_file.h"

using namespace sup;

namespace {

using PolicyConfig = test::WebProgramConfig;

}  // namespace

TEST_CASE("without the policy keys a program keeps Supervisor's behaviour", "[policy]") {
  ProcessConfig p = PolicyConfig("").web();
  CHECK(p.restart == RestartPolicy{});
  CHECK(p.restart.backoff == RestartPolicy::Backoff::Linear);
  CHECK(p.restart.backoff_max == 0);
  CHECK(p.restart.backoff_jitter == 0);
  CHECK(p.restart.backoff_reset == 0);
  CHECK_FALSE(p.restart.never_give_up);
  CHECK(p.restart.restart_limit == 0);
  CHECK_FALSE(p.essential);
}

TEST_CASE("every policy key is read from the program section", "[policy]") {
  ProcessConfig p = PolicyConfig(
                        "backoff = Exponential\nbackoff_max = 30\nbackoff_jitter = 20\n"
                        "backoff_reset = 120\nnever_give_up = yes\nrestart_limit = 5/60\n"
                        "essential = true\n")
                        .web();
  CHECK(p.restart.backoff == RestartPolicy::Backoff::Exponential);
  CHECK(p.restart.backoff_max == 30);
  CHECK(p.restart.backoff_jitter == 20);
  CHECK(p.restart.backoff_reset == 120);
  CHECK(p.restart.never_give_up);
  CHECK(p.restart.restart_limit == 5);
  CHECK(p.restart.restart_limit_seconds == 60);
  CHECK(p.essential);
}

TEST_CASE("policy values are %-expanded like Supervisor's own", "[policy]") {
  ProcessConfig p = PolicyConfig("numprocs=1\nbackoff_max=%(process_num)d5\n").web();
  CHECK(p.restart.backoff_max == 5);
}

TEST_CASE("a bad policy value names the key, the value, what was expected and the section",
          "[policy]") {
  auto error = [](const std::string& keys) {
    PolicyConfig c(keys);
    std::string e = c.error();
    std::string suffix = c.suffix();
    REQUIRE(e.size() > suffix.size());
    CHECK(e.substr(e.size() - suffix.size()) == suffix);
    return e.substr(0, e.size() - suffix.size());
  };
  CHECK(error("backoff=quadratic\n") ==
        "invalid 'backoff' value 'quadratic' (expected linear or exponential)");
  CHECK(error("backoff_max=-1\n") ==
        "invalid 'backoff_max' value '-1' (expected whole seconds from 0 to 31536000)");
  CHECK(error("backoff_reset=soon\n") ==
        "invalid 'backoff_reset' value 'soon' (expected whole seconds from 0 to 31536000)");
  CHECK(error("backoff_jitter=150\n") ==
        "invalid 'backoff_jitter' value '150' (expected a percentage, 0 to 100)");
  CHECK(error("never_give_up=always\n") ==
        "invalid 'never_give_up' value 'always' (expected true or false)");
  CHECK(error("essential=maybe\n") == "invalid 'essential' value 'maybe' (expected true or false)");
  for (const char* bad : {"5", "0/60", "5/0", "x/60", "5/60/2", "/"}) {
    INFO(bad);
    CHECK(error(std::string("restart_limit=") + bad + "\n") ==
          "invalid 'restart_limit' value '" + std::string(bad) +
              "' (expected RESTARTS/SECONDS such as 5/60, or none)");
  }
}

TEST_CASE("Supervisor's errors come before ours", "[policy]") {
  PolicyConfig c("startsecs=soon\nbackoff=quadratic\n");
  CHECK(c.error() == "invalid literal for int() with base 10: 'soon'" + c.suffix());
}

TEST_CASE("restart_limit=none is no limit", "[policy]") {
  CHECK(*cv::restartLimit(" None ") == std::make_pair(0, 0));
  CHECK(*cv::restartLimit("3 / 10") == std::make_pair(3, 10));
}

TEST_CASE("print-config shows a policy key only when it differs from Supervisor's behaviour",
          "[policy]") {
  auto json = [](const std::string& keys) { return PolicyConfig(keys).json(); };
  auto plain = json("backoff=linear\nnever_give_up=false\nrestart_limit=none\n");
  for (const char* key : {"backoff", "backoff_max", "backoff_jitter", "backoff_reset",
                          "never_give_up", "restart_limit", "essential"}) {
    INFO(key);
    CHECK_FALSE(plain.contains(key));
  }
  auto set = json(
      "backoff=exponential\nbackoff_max=30\nbackoff_jitter=10\nbackoff_reset=90\n"
      "never_give_up=true\nrestart_limit=4/20\nessential=true\n");
  CHECK(set["backoff"] == "exponential");
  CHECK(set["backoff_max"] == 30);
  CHECK(set["backoff_jitter"] == 10);
  CHECK(set["backoff_reset"] == 90);
  CHECK(set["never_give_up"] == true);
  CHECK(set["restart_limit"] == "4/20");
  CHECK(set["essential"] == true);
}
