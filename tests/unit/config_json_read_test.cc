// common/config_json_read.h: a process config and a group header read back
// from the --print-config schema are what was written.
#include "common/config_json_read.h"
#include "common/ready_check.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "common/config_json.h"
#include "common/config_parser.h"

using namespace sup;

TEST_CASE("config json read: every field of a process config survives the round trip") {
  ProcessConfig p;
  p.name = "web_01";
  p.group = "web";
  p.command = "/usr/bin/web --port 80";
  p.argv = std::vector<std::string>{"/usr/bin/web", "--port", "80"};
  p.priority = 5;
  p.startsecs = 7;
  p.startretries = 9;
  p.stopwaitsecs = 11;
  p.autostart = false;
  p.autorestart = AutoRestart::True;
  p.exitcodes = {0, 2};
  p.stopsignal = 2;
  p.stopasgroup = true;
  p.killasgroup = true;
  p.redirect_stderr = true;
  p.user = "www-data";
  p.directory = "/srv";
  p.umask = 027;
  p.environment.set("A", "1");
  p.environment.set("B", "two words");
  p.serverurl = "unix:///x.sock";
  p.stdout_log.logfile = LogFileSpec{LogFileSpec::Kind::Path, "/var/log/web.log"};
  p.stdout_log.logfile_maxbytes = 1234;
  p.stdout_log.logfile_backups = 3;
  p.stdout_log.capture_maxbytes = 99;
  p.stdout_log.events_enabled = true;
  p.stdout_log.syslog = true;
  p.stderr_log.logfile.kind = LogFileSpec::Kind::None;
  // Our own keys (restart_policy_values.h) too: a re-exec adopts with them.
  p.restart.backoff = RestartPolicy::Backoff::Exponential;
  p.restart.backoff_max = 300;
  p.restart.backoff_jitter = 20;
  p.restart.backoff_reset = 60;
  p.restart.never_give_up = true;
  p.restart.restart_limit = 5;
  p.restart.restart_limit_seconds = 60;
  p.essential = true;
  p.depends_on = {"db", "cache:*"};
  p.ready = *cv::readyCheck("tcp:127.0.0.1:5432");
  p.ready_timeout = 30;
  auto back = processConfigFromJson(processConfigJson(p));
  REQUIRE(back.ok());
  CHECK(*back == p);

  ProcessConfig defaults;
  defaults.name = "x";
  defaults.group = "x";
  defaults.argv.reset();
  defaults.argv_error = "can't parse command 'x\"'";
  defaults.stopsignal = 40;  // no name: "signal 40"
  auto back2 = processConfigFromJson(processConfigJson(defaults));
  REQUIRE(back2.ok());
  CHECK(*back2 == defaults);
}

TEST_CASE("config json read: a group header survives the round trip without its processes") {
  GroupConfig g;
  g.name = "listeners";
  g.kind = GroupConfig::Kind::EventListener;
  g.priority = -3;
  g.buffer_size = 42;
  g.events = {"PROCESS_STATE", "TICK_5"};
  g.result_handler = "supervisor.dispatchers:default_handler";
  ProcessConfig p;
  p.name = "l";
  g.processes.push_back(p);
  nlohmann::json j = groupHeaderJson(g);
  CHECK_FALSE(j.contains("processes"));
  auto back = groupHeaderFromJson(j);
  REQUIRE(back.ok());
  g.processes.clear();
  CHECK(*back == g);
}

TEST_CASE("config json read: a number that is not a whole number in range is a bad value") {
  // A hand-over is untrusted input: these used to be static_cast (a float
  // out of int's range is undefined behaviour; fuzz_handover found it).
  GroupConfig g;
  g.name = "x";
  for (nlohmann::json bad : {nlohmann::json(9e9), nlohmann::json(1.5),
                             nlohmann::json(std::int64_t{1} << 40),
                             nlohmann::json(std::uint64_t{1} << 63)}) {
    INFO(bad.dump());
    nlohmann::json j = groupHeaderJson(g);
    j["priority"] = bad;
    auto back = groupHeaderFromJson(j);
    REQUIRE_FALSE(back.ok());
    CHECK(back.error().message.find("bad value for 'priority'") != std::string::npos);
  }
  nlohmann::json j = groupHeaderJson(g);
  j["priority"] = -7;
  REQUIRE(groupHeaderFromJson(j).ok());
  CHECK(groupHeaderFromJson(j)->priority == -7);
}

TEST_CASE("config json read: a missing or mistyped key is named") {
  ProcessConfig p;
  nlohmann::json j = processConfigJson(p);
  j.erase("stopwaitsecs");
  CHECK(processConfigFromJson(j).error().message == "process config: missing key 'stopwaitsecs'");
  j = processConfigJson(p);
  j["priority"] = "high";
  CHECK(processConfigFromJson(j).error().message == "process config: bad value for 'priority'");
  j = processConfigJson(p);
  j["autorestart"] = "sometimes";
  CHECK_FALSE(processConfigFromJson(j).ok());
  CHECK_FALSE(processConfigFromJson(nlohmann::json::array()).ok());
  CHECK_FALSE(groupHeaderFromJson(nlohmann::json{{"name", "x"}, {"kind", "other"}}).ok());
}

TEST_CASE(
    "config: restart_keeps_programs is off by default, read as a boolean, and printed only "
    "when on") {
  std::string dir = std::filesystem::temp_directory_path() / "svrkp-XXXXXX";
  dir = ::mkdtemp(dir.data());
  auto load = [&](const std::string& extra) {
    std::ofstream(dir + "/sv.conf") << "[supervisord]\n"
                                    << extra << "\n[program:a]\ncommand=/bin/true\n";
    ParseOptions o;
    o.cwd = dir;
    o.check_filesystem = false;
    o.check_users = false;
    return parseConfigDetailed(dir + "/sv.conf", o);
  };
  ParseOutcome off = load("");
  REQUIRE(off.config.ok());
  CHECK_FALSE(off.config.value().supervisord.restart_keeps_programs);
  CHECK_FALSE(configToJson(off)["supervisord"].contains("restart_keeps_programs"));
  ParseOutcome on = load("restart_keeps_programs = true");
  REQUIRE(on.config.ok());
  CHECK(on.config.value().supervisord.restart_keeps_programs);
  CHECK(configToJson(on)["supervisord"]["restart_keeps_programs"] == true);
  ParseOutcome bad = load("restart_keeps_programs = maybe");
  CHECK_FALSE(bad.config.ok());
  std::filesystem::remove_all(dir);
}
