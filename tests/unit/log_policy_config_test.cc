// log_timestamps=, log_markers=, stdout_tee=, stderr_tee= and tee_prefix=
// (ours, docs/program-logs.md): their defaults (Supervisor's behaviour), the
// tee_prefix %-expansion, their errors naming the key and the section, and
// how --print-config shows them.
#include <catch2/catch.hpp>

#include "common/config_json.h"
#include "common/config_json_read.h"
#include "common/config_parser.h"
#include "common/log_policy_values.h"
#include "tests/unit/temp_config_file.h"

using namespace sup;

namespace {

using LogConfig = test::WebProgramConfig;

}  // namespace

TEST_CASE("without the log keys a program logs as Supervisor does", "[logpolicy]") {
  ProcessConfig p = LogConfig("").web();
  CHECK(p.log_policy == LogPolicy{});
  CHECK_FALSE(p.log_policy.timestamps);
  CHECK_FALSE(p.log_policy.markers);
  CHECK(p.log_policy.stdout_tee.empty());
  CHECK(p.log_policy.stderr_tee.empty());
  CHECK(p.log_policy.tee_prefix.empty());
}

TEST_CASE("every log key is read from the program section", "[logpolicy]") {
  ProcessConfig p = LogConfig(
                        "log_timestamps = yes\nlog_markers = true\nstdout_tee = /dev/stdout\n"
                        "stderr_tee = %(here)s/err.tee\ntee_prefix = [%(program_name)s]\n")
                        .web();
  CHECK(p.log_policy.timestamps);
  CHECK(p.log_policy.markers);
  CHECK(p.log_policy.stdout_tee == "/dev/stdout");
  CHECK(p.log_policy.stderr_tee.size() > 8);
  CHECK(p.log_policy.stderr_tee.substr(p.log_policy.stderr_tee.size() - 8) == "/err.tee");
  CHECK(p.log_policy.tee_prefix == "[web]");
}

TEST_CASE("the default tee_prefix is the program name and a bar", "[logpolicy]") {
  CHECK(LogConfig("stdout_tee=/dev/stdout\n").web().log_policy.tee_prefix == "web | ");
  CHECK(LogConfig("stdout_tee=none\n").web().log_policy.tee_prefix.empty());
}

TEST_CASE("tee_prefix expands process_num group_name host_node_name and ENV_ names",
          "[logpolicy]") {
  LogConfig c(
      "process_name=web_%(process_num)d\nnumprocs=2\nenvironment=ROLE=api\nstdout_tee=/dev/stdout\n"
      "tee_prefix=\"%(group_name)s/%(program_name)s.%(process_num)d@%(host_node_name)s "
      "%(ENV_ROLE)s: \"\n");
  auto ps = c.processes();
  REQUIRE(ps.size() == 2);
  std::string host = c.options().host_node_name;
  CHECK(ps[0].log_policy.tee_prefix == "web/web.0@" + host + " api: ");
  CHECK(ps[1].log_policy.tee_prefix == "web/web.1@" + host + " api: ");
}

TEST_CASE("double quotes keep a tee_prefix's trailing space", "[logpolicy]") {
  CHECK(*cv::teePrefix("\"x: \"") == "x: ");
  CHECK(*cv::teePrefix("\"") == "\"");
  CHECK(*cv::teePrefix("") == "");
}

TEST_CASE("a bad log key value names the key, the value, what was expected and the section",
          "[logpolicy]") {
  auto error = [](const std::string& keys) {
    LogConfig c(keys);
    std::string e = c.error();
    std::string suffix = c.suffix();
    REQUIRE(e.size() > suffix.size());
    CHECK(e.substr(e.size() - suffix.size()) == suffix);
    return e.substr(0, e.size() - suffix.size());
  };
  CHECK(error("log_timestamps=sometimes\n") ==
        "invalid 'log_timestamps' value 'sometimes' (expected true or false)");
  CHECK(error("log_markers=2\n") == "invalid 'log_markers' value '2' (expected true or false)");
  CHECK(error("stdout_tee=stdout\n") ==
        "invalid 'stdout_tee' value 'stdout' (expected an absolute path such as /dev/stdout, or "
        "none)");
  CHECK(error("stderr_tee=logs/err\n") ==
        "invalid 'stderr_tee' value 'logs/err' (expected an absolute path such as /dev/stdout, "
        "or none)");
  CHECK(error("tee_prefix=" + std::string(300, 'x') + "\n") ==
        "invalid 'tee_prefix' value '" + std::string(300, 'x') +
            "' (expected at most 256 bytes on one line)");
  CHECK(error("redirect_stderr=true\nstderr_tee=/dev/stderr\n") ==
        "stderr_tee is set but redirect_stderr=true sends stderr to stdout (use stdout_tee)");
}

TEST_CASE("a bad expansion in tee_prefix is Supervisor's expansion error", "[logpolicy]") {
  LogConfig c("tee_prefix=%(nope)s\n");
  CHECK(c.error().find("nope") != std::string::npos);
  CHECK(c.error().find("tee_prefix") != std::string::npos);
}

TEST_CASE("Supervisor's errors come before the log keys'", "[logpolicy]") {
  LogConfig c("startsecs=soon\nlog_timestamps=maybe\n");
  CHECK(c.error() == "invalid literal for int() with base 10: 'soon'" + c.suffix());
}

TEST_CASE("print-config shows the log keys with their defaults once a program uses one",
          "[logpolicy]") {
  auto plain = LogConfig("log_timestamps=false\nstdout_tee=none\n").json();
  for (const char* key :
       {"log_timestamps", "log_markers", "stdout_tee", "stderr_tee", "tee_prefix"}) {
    INFO(key);
    CHECK_FALSE(plain.contains(key));
  }
  auto stamped = LogConfig("log_timestamps=true\n").json();
  CHECK(stamped["log_timestamps"] == true);
  CHECK(stamped["log_markers"] == false);
  CHECK(stamped["stdout_tee"].is_null());
  CHECK(stamped["stderr_tee"].is_null());
  CHECK_FALSE(stamped.contains("tee_prefix"));
  auto teed = LogConfig("stdout_tee=/dev/stdout\n").json();
  CHECK(teed["stdout_tee"] == "/dev/stdout");
  CHECK(teed["tee_prefix"] == "web | ");
  CHECK(teed["log_timestamps"] == false);
}

TEST_CASE("the log keys survive the JSON a re-exec hands over", "[logpolicy]") {
  ProcessConfig p =
      LogConfig("log_timestamps=1\nlog_markers=on\nstderr_tee=/tmp/x\ntee_prefix=p>\n").web();
  auto back = processConfigFromJson(processConfigJson(p));
  REQUIRE(back.ok());
  CHECK(back->log_policy == p.log_policy);
  ProcessConfig plain = LogConfig("").web();
  auto plain_back = processConfigFromJson(processConfigJson(plain));
  REQUIRE(plain_back.ok());
  CHECK(plain_back->log_policy == plain.log_policy);
}
