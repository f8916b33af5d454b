// echo_supervisord_conf's text and the program name the tools print.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "common/config_parser.h"
#include "common/program_name.h"
#include "common/read_file.h"
#include "tools/echo_supervisord_conf/sample_config.h"

namespace fs = std::filesystem;

TEST_CASE("echo_supervisord_conf prints sample.conf byte for byte") {
  auto file =
      sup::readWholeFile(std::string(SUP_SOURCE_DIR) + "/tools/echo_supervisord_conf/sample.conf");
  REQUIRE(file);
  CHECK(sup::sampleConfig() == *file);
  CHECK(sup::sampleConfig().substr(0, 31) == "; Sample supervisor config file");
}

TEST_CASE("the sample configuration loads: a unix socket in /tmp and no programs") {
  std::string tmpl = (fs::temp_directory_path() / "svsample-XXXXXX").string();
  std::string dir = ::mkdtemp(tmpl.data());
  std::ofstream(dir + "/supervisord.conf") << sup::sampleConfig();
  sup::ParseOptions o;
  o.environ = {{"HOME", "/root"}};
  o.host_node_name = "testhost";
  o.cwd = dir;
  o.check_filesystem = false;
  o.check_users = false;
  auto config = sup::loadConfig(dir + "/supervisord.conf", o);
  auto ctl = sup::loadCtlConfig(dir + "/supervisord.conf", o);
  fs::remove_all(dir);
  REQUIRE(config.ok());
  CHECK(config->groups.empty());
  CHECK(config->supervisord.logfile == "/tmp/supervisord.log");
  CHECK(config->supervisord.pidfile == "/tmp/supervisord.pid");
  REQUIRE(config->servers.size() == 1);
  REQUIRE(ctl.ok());
  REQUIRE(ctl->ctl);
  CHECK(ctl->ctl->serverurl == "unix:///tmp/supervisor.sock");
}

TEST_CASE("the program name drops an entry-point script's suffix as Supervisor's wrapper does") {
  CHECK(sup::stripEntryPointSuffix("/usr/bin/pidproxy") == "/usr/bin/pidproxy");
  CHECK(sup::stripEntryPointSuffix("/opt/pidproxy-script.py") == "/opt/pidproxy");
  CHECK(sup::stripEntryPointSuffix("pidproxy-script.pyw") == "pidproxy");
  CHECK(sup::stripEntryPointSuffix("C:/pidproxy.exe") == "C:/pidproxy");
  CHECK(sup::stripEntryPointSuffix("x.py") == "x.py");
}
