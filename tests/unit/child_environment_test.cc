// The child's environment order (supervisord/child_environment.h) and the
// dict semantics behind it (common/env_vars.h). The expected order was
// recorded from Python Supervisor 4.2.5: a program running /usr/bin/env under
// `env -i LANG=C.UTF-8 PATH=/usr/bin:/bin HOME=/root Q=1
// SUPERVISOR_GROUP_NAME=outer supervisord -n -c sup.conf`, with the config
// below (and a [unix_http_server] on /tmp/fid-py3/sup.sock).
#include "supervisord/child_environment.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "common/config_parser.h"

namespace fs = std::filesystem;
using sup::EnvVars;

namespace {

sup::ProcessConfig parseProgram(const std::string& text) {
  std::string tmpl = (fs::temp_directory_path() / "svenv-XXXXXX").string();
  std::string dir = ::mkdtemp(tmpl.data());
  std::ofstream(dir + "/sup.conf") << text;
  sup::ParseOptions o;
  o.environ = {{"HOME", "/root"}, {"PATH", "/usr/bin:/bin"}};
  o.host_node_name = "testhost";
  o.cwd = dir;
  o.check_filesystem = false;
  o.check_users = false;
  auto config = sup::loadConfig(dir + "/sup.conf", o);
  fs::remove_all(dir);
  REQUIRE(config.ok());
  return config->groups.at(0).processes.at(0);
}

const char* const kConfig =
    "[supervisord]\n"
    "environment=ZED=\"daemon\",HOME=\"/daemon-home\",ALPHA=daemon\n"
    "[program:envdump]\n"
    "command=/usr/bin/env\n"
    "environment=MIDDLE=prog,ALPHA=prog,BETA=prog,PATH=\"/prog/bin:/usr/bin\"\n";

}  // namespace

TEST_CASE("EnvVars keeps first-set order and replaces values in place like a dict") {
  EnvVars env;
  env.set("B", "1");
  env.set("A", "2");
  env.set("B", "3");
  std::vector<std::pair<std::string, std::string>> items(env.begin(), env.end());
  CHECK(items == std::vector<std::pair<std::string, std::string>>{{"B", "3"}, {"A", "2"}});
  CHECK(env.at("B") == "3");
  CHECK(env.find("C") == nullptr);
  CHECK_THROWS_AS(env.at("C"), std::out_of_range);
  EnvVars other;
  other.set("A", "2");
  other.set("B", "3");
  CHECK(env == other);  // dict equality ignores order
  other.set("B", "4");
  CHECK_FALSE(env == other);
}

TEST_CASE("a program's environment is the daemon's updated with its own in dict order") {
  sup::ProcessConfig p = parseProgram(kConfig);
  std::vector<std::pair<std::string, std::string>> items(p.environment.begin(),
                                                         p.environment.end());
  CHECK(items == std::vector<std::pair<std::string, std::string>>{{"ZED", "daemon"},
                                                                  {"HOME", "/daemon-home"},
                                                                  {"ALPHA", "prog"},
                                                                  {"MIDDLE", "prog"},
                                                                  {"BETA", "prog"},
                                                                  {"PATH", "/prog/bin:/usr/bin"}});
}

TEST_CASE("the child's environment is inherited order then SUPERVISOR_* then the config's") {
  sup::ProcessConfig p = parseProgram(kConfig);
  const char* inherited[] = {"LANG=C.UTF-8", "PATH=/usr/bin:/bin",          "HOME=/root",
                             "Q=1",          "SUPERVISOR_GROUP_NAME=outer", nullptr};
  // What /usr/bin/env printed under Python Supervisor 4.2.5.
  CHECK(sup::childEnvironment(inherited, p, "unix:///tmp/fid-py3/sup.sock") ==
        std::vector<std::string>{"LANG=C.UTF-8", "PATH=/prog/bin:/usr/bin", "HOME=/daemon-home",
                                 "Q=1", "SUPERVISOR_GROUP_NAME=envdump", "SUPERVISOR_ENABLED=1",
                                 "SUPERVISOR_SERVER_URL=unix:///tmp/fid-py3/sup.sock",
                                 "SUPERVISOR_PROCESS_NAME=envdump", "ZED=daemon", "ALPHA=prog",
                                 "MIDDLE=prog", "BETA=prog"});
}

TEST_CASE("the inherited environment is read as os.environ reads environ(3)") {
  sup::ProcessConfig p;
  p.name = p.group = "x";
  // No '=': dropped. A repeated name: first place, last value. No URL: no
  // SUPERVISOR_SERVER_URL.
  const char* inherited[] = {"A=1", "JUNK", "B=2", "A=3", "E=", nullptr};
  CHECK(sup::childEnvironment(inherited, p, "") ==
        std::vector<std::string>{"A=3", "B=2", "E=", "SUPERVISOR_ENABLED=1",
                                 "SUPERVISOR_PROCESS_NAME=x", "SUPERVISOR_GROUP_NAME=x"});
  p.serverurl = "http://127.0.0.1:9001";
  CHECK(sup::childEnvironment(inherited, p, "unix:///ignored.sock").at(4) ==
        "SUPERVISOR_SERVER_URL=http://127.0.0.1:9001");
}
