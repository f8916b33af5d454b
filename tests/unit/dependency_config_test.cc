// depends_on=, ready= and ready_timeout= (ours): their values, what the
// entries name, cycles, and the config errors they make at load (and so at
// reread, which loads the same way).
#include <catch2/catch.hpp>

#include "common/config_json.h"
#include "common/config_parser.h"
#include "common/dependency_graph.h"
#include "common/ready_check.h"
#include "tests/unit/temp_config_file.h"

using namespace sup;

namespace {

using ConfigFile = test::TempConfigFile;

const ProcessConfig& process(const Config& c, const std::string& name) {
  for (const auto& g : c.groups)
    for (const auto& p : g.processes)
      if (p.name == name) return p;
  FAIL("no process " << name);
  throw;
}

std::vector<std::size_t> cycleOf(std::vector<std::vector<std::size_t>> deps) {
  return findDependencyCycle(deps);
}

}  // namespace

TEST_CASE("ready= takes running, notify, tcp:[HOST:]PORT and exec:COMMAND", "[deps]") {
  CHECK(cv::readyCheck("running")->kind == ReadyCheck::Kind::Running);
  CHECK(cv::readyCheck(" Notify ")->kind == ReadyCheck::Kind::Notify);
  auto tcp = cv::readyCheck("tcp:5432");
  REQUIRE(tcp.ok());
  CHECK(tcp->host == "127.0.0.1");
  CHECK(tcp->port == 5432);
  CHECK(readyCheckText(*cv::readyCheck("tcp:10.1.2.3:80")) == "tcp:10.1.2.3:80");
  CHECK(readyCheckText(*cv::readyCheck("TCP:localhost:80")) == "tcp:127.0.0.1:80");
  CHECK(readyCheckText(*cv::readyCheck("tcp:[::1]:8080")) == "tcp:[::1]:8080");
  auto exec = cv::readyCheck("exec:pg_isready -h '/run/a b'");
  REQUIRE(exec.ok());
  CHECK(exec->argv == std::vector<std::string>{"pg_isready", "-h", "/run/a b"});
  CHECK(readyCheckText(*exec) == "exec:pg_isready -h '/run/a b'");
}

TEST_CASE("a bad ready= value says what is wrong with it", "[deps]") {
  CHECK(cv::readyCheck("up").error().message ==
        "invalid 'ready' value 'up' (expected running, notify, tcp:[HOST:]PORT or exec:COMMAND)");
  CHECK(cv::readyCheck("tcp:db:5432").error().message ==
        "invalid 'ready' value 'tcp:db:5432' (HOST must be an IP address or localhost: the daemon "
        "does not look names up)");
  CHECK(cv::readyCheck("tcp:70000").error().message ==
        "invalid 'ready' value 'tcp:70000' (PORT must be 1 to 65535)");
  CHECK(cv::readyCheck("tcp:0").error().message ==
        "invalid 'ready' value 'tcp:0' (PORT must be 1 to 65535)");
  CHECK(cv::readyCheck("tcp:::1:80").error().message ==
        "invalid 'ready' value 'tcp:::1:80' (an IPv6 address is written [ADDRESS]:PORT)");
  CHECK(cv::readyCheck("exec:").error().message ==
        "invalid 'ready' value 'exec:' (exec: needs a command)");
  CHECK(cv::readyCheck("exec:a 'b").error().message ==
        "invalid 'ready' value \"exec:a 'b\" (No closing quotation)");
  CHECK(cv::readyTimeout("-1").error().message ==
        "invalid 'ready_timeout' value '-1' (expected whole seconds, 0 for no limit)");
  CHECK(*cv::readyTimeout("0") == 0);
}

TEST_CASE("depends_on entries are NAME, GROUP:NAME or GROUP:*, kept in order once", "[deps]") {
  CHECK(*cv::dependsOn("") == std::vector<std::string>{});
  CHECK(*cv::dependsOn("db, cache:*, web:w1, db") ==
        std::vector<std::string>{"db", "cache:*", "web:w1"});
  CHECK(parseDependencySpec("cache:*")->process == std::nullopt);
  CHECK(cv::dependsOn("db,,x").error().message ==
        "invalid 'depends_on' entry '' (expected NAME, GROUP:NAME or GROUP:*)");
  CHECK(cv::dependsOn("a b").error().message ==
        "invalid 'depends_on' entry 'a b' (expected NAME, GROUP:NAME or GROUP:*)");
  CHECK_FALSE(cv::dependsOn("*").ok());
  CHECK_FALSE(cv::dependsOn("g:a:b").ok());
}

TEST_CASE("a NAME entry is every process of that group, GROUP:NAME is one", "[deps]") {
  std::vector<std::string> web_deps{"db", "cache:c1", "nosuch", "cache:c9"};
  std::vector<DependencyNode> nodes{{"web", "web", &web_deps},
                                    {"db", "db_00", nullptr},
                                    {"db", "db_01", nullptr},
                                    {"cache", "c1", nullptr},
                                    {"cache", "c2", nullptr}};
  DependencyEdges e = resolveDependencies(nodes);
  CHECK(e.deps[0] == std::vector<std::size_t>{1, 2, 3});
  CHECK(e.missing[0] == std::vector<std::string>{"nosuch", "cache:c9"});
  CHECK(e.deps[1].empty());
}

TEST_CASE("cycles are found, self-dependencies included, and a DAG has none", "[deps]") {
  CHECK(cycleOf({{1}, {2}, {}}).empty());
  CHECK(cycleOf({{1, 2}, {2}, {}}).empty());  // a diamond is not a cycle
  CHECK(cycleOf({{1}, {2}, {0}}) == std::vector<std::size_t>{0, 1, 2, 0});
  CHECK(cycleOf({{}, {1}}) == std::vector<std::size_t>{1, 1});
  CHECK(cycleOf({{}, {2}, {3}, {1}}) == std::vector<std::size_t>{1, 2, 3, 1});
}

TEST_CASE("the new keys load from a config, per process", "[deps]") {
  ConfigFile f(
      "[program:db]\ncommand=/bin/db\nready=tcp:54%(process_num)02d\nready_timeout=5\n"
      "[program:web]\ncommand=/bin/web\ndepends_on=db\nready=notify\n");
  auto c = f.load();
  REQUIRE(c.ok());
  CHECK(process(*c, "db").ready.port == 5400);
  CHECK(process(*c, "db").ready_timeout == 5);
  CHECK(process(*c, "web").depends_on == std::vector<std::string>{"db"});
  CHECK(process(*c, "web").ready.kind == ReadyCheck::Kind::Notify);
  CHECK(process(*c, "web").ready_timeout == 60);
}

TEST_CASE("an unknown depends_on name is a config error naming section and file", "[deps]") {
  ConfigFile f("[program:web]\ncommand=/bin/web\ndepends_on=db\n");
  CHECK(f.load().error().message ==
        "depends_on names unknown program or group 'db' in section "
        "'program:web' (file: '" +
            f.path + "')");
  ConfigFile g(
      "[program:db]\ncommand=/bin/db\n[program:web]\ncommand=/bin/web\n"
      "depends_on=db:db2\n");
  CHECK(g.load().error().message ==
        "depends_on names unknown process 'db:db2' in section "
        "'program:web' (file: '" +
            g.path + "')");
}

TEST_CASE("a depends_on cycle is a config error that names its members", "[deps]") {
  ConfigFile f(
      "[program:a]\ncommand=/bin/a\ndepends_on=b\n"
      "[program:b]\ncommand=/bin/b\ndepends_on=c\n"
      "[program:c]\ncommand=/bin/c\ndepends_on=a\n");
  CHECK(f.load().error().message ==
        "depends_on makes a cycle: a -> b -> c -> a in section "
        "'program:a' (file: '" +
            f.path + "')");
  ConfigFile self(
      "[group:g]\nprograms=x,y\n[program:x]\ncommand=/bin/x\ndepends_on=g:*\n"
      "[program:y]\ncommand=/bin/y\n");
  CHECK(self.load().error().message ==
        "depends_on makes a cycle: g:x -> g:x in section "
        "'program:x' (file: '" +
            self.path + "')");
}

TEST_CASE("Supervisor's own errors in a section come before ours", "[deps]") {
  ConfigFile f("[program:web]\ncommand=/bin/web\nready=bogus\nstartsecs=x\n");
  CHECK(f.load().error().message.rfind("invalid literal for int() with base 10: 'x'", 0) == 0);
  ConfigFile g("[program:web]\ncommand=/bin/web\nready=bogus\n");
  CHECK(g.load().error().message.rfind("invalid 'ready' value 'bogus'", 0) == 0);
}

TEST_CASE("the config dump (--print-config) shows the new keys only when a program sets them", "[deps]") {
  ConfigFile f(
      "[program:db]\ncommand=/bin/db\n"
      "[program:web]\ncommand=/bin/web\ndepends_on=db\nready=tcp:80\nready_timeout=9\n");
  auto j = configToJson(parseConfigDetailed(f.path, f.options()));
  const auto& db = j["groups"][0]["processes"][0];
  const auto& web = j["groups"][1]["processes"][0];
  CHECK_FALSE(db.contains("depends_on"));
  CHECK_FALSE(db.contains("ready"));
  CHECK_FALSE(db.contains("ready_timeout"));
  CHECK(web["depends_on"] == nlohmann::json::array({"db"}));
  CHECK(web["ready"] == "tcp:127.0.0.1:80");
  CHECK(web["ready_timeout"] == 9);
}
