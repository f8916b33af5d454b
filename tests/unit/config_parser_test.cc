// loadConfig()/loadCtlConfig() end to end on small files in a temp dir. The
// expected values were produced by Python Supervisor 4.2.5 on the same files.
#include "common/config_parser.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;

namespace {

struct ConfigDir {
  std::string path;
  ConfigDir() {
    std::string tmpl = (fs::temp_directory_path() / "svparse-XXXXXX").string();
    path = ::mkdtemp(tmpl.data());
  }
  ~ConfigDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string write(const std::string& name, const std::string& text) const {
    std::string file = path + "/" + name;
    fs::create_directories(fs::path(file).parent_path());
    std::ofstream(file, std::ios::binary) << text;
    return file;
  }
  sup::ParseOptions options(bool checks = false) const {
    sup::ParseOptions o;
    o.environ = {{"HOME", "/root"}, {"PATH", "/bin"}};
    o.host_node_name = "testhost";
    o.cwd = path;
    o.check_filesystem = checks;
    o.check_users = checks;
    return o;
  }
};

sup::Config load(const ConfigDir& dir, const std::string& text, bool checks = false) {
  auto r = sup::loadConfig(dir.write("sv.conf", text), dir.options(checks));
  if (!r.ok()) FAIL(r.error().message);
  return std::move(r).value();
}

std::string loadError(const ConfigDir& dir, const std::string& text, bool checks = false) {
  auto r = sup::loadConfig(dir.write("sv.conf", text), dir.options(checks));
  REQUIRE_FALSE(r.ok());
  return r.error().message;
}

}  // namespace

TEST_CASE("defaults fill every option of a minimal program", "[config]") {
  ConfigDir dir;
  sup::Config c = load(dir, "[supervisord]\n[program:web]\ncommand=/bin/cat -n\n");
  CHECK(c.supervisord.logfile == dir.path + "/supervisord.log");
  CHECK(c.supervisord.pidfile == dir.path + "/supervisord.pid");
  CHECK(c.supervisord.childlogdir == "/tmp");
  CHECK(c.supervisord.umask == 022);
  REQUIRE(c.groups.size() == 1);
  const sup::ProcessConfig& p = c.groups[0].processes.at(0);
  CHECK(p.name == "web");
  CHECK(*p.argv == std::vector<std::string>{"/bin/cat", "-n"});
  CHECK(p.priority == 999);
  CHECK(p.stopsignal == 15);
  CHECK(p.autorestart == sup::AutoRestart::Unexpected);
  CHECK(p.stdout_log.logfile.kind == sup::LogFileSpec::Kind::Auto);
  CHECK(p.stdout_log.logfile_maxbytes == 50LL * 1024 * 1024);
  CHECK(c.warnings.empty());
}

TEST_CASE("numprocs expands process_name with process_num formats", "[config]") {
  ConfigDir dir;
  sup::Config c = load(dir,
                       "[supervisord]\n[program:w]\ncommand=/bin/w %(process_num)d\n"
                       "process_name=%(program_name)s_%(process_num)02d\nnumprocs=3\n"
                       "numprocs_start=9\n");
  const auto& procs = c.groups.at(0).processes;
  REQUIRE(procs.size() == 3);
  CHECK(procs[0].name == "w_09");
  CHECK(procs[2].name == "w_11");
  CHECK(procs[2].command == "/bin/w 11");
}

TEST_CASE("[supervisord] environment is %-expanded twice and merged under the program's",
          "[config]") {
  ConfigDir dir;
  sup::Config c = load(dir,
                       "[supervisord]\nenvironment=A=\"100%%%%\",B=%(ENV_HOME)s\n"
                       "[program:x]\ncommand=/bin/true\nenvironment=B=mine\n");
  CHECK(c.supervisord.environment.at("A") == "100%");
  CHECK(c.supervisord.environment.at("B") == "/root");
  const auto& env = c.groups.at(0).processes.at(0).environment;
  CHECK(env.at("A") == "100%");
  CHECK(env.at("B") == "mine");
  CHECK(loadError(dir, "[supervisord]\nenvironment=A=%%\n") ==
        "Format string 'A=%' for 'environment' is badly formatted: incomplete format");
}

TEST_CASE("start order is by priority then name, and a repeated group name is shadowed",
          "[config]") {
  ConfigDir dir;
  sup::Config c = load(dir,
                       "[supervisord]\n[program:b]\ncommand=x\npriority=5\n[program:a]\n"
                       "command=x\npriority=5\n[group:b]\nprograms=c\npriority=1\n"
                       "[program:c]\ncommand=y\n[eventlistener:ev]\ncommand=z\nevents=TICK_5\n");
  std::vector<std::string> order;
  for (const auto& g : c.groups) order.push_back(g.name);
  CHECK(order == std::vector<std::string>{"ev", "b", "a", "b"});
  CHECK(c.groups[0].priority == -1);
  CHECK(c.groups[0].processes.at(0).priority == 999);
  CHECK(c.groups[1].kind == sup::GroupConfig::Kind::Group);
  CHECK_FALSE(c.groups[1].shadowed);
  CHECK(c.groups[3].shadowed);
}

TEST_CASE("a group naming an unknown program reports the previous member's section", "[config]") {
  ConfigDir dir;
  CHECK(loadError(dir, "[supervisord]\n[group:g]\nprograms=a,zz\n[program:a]\ncommand=/bin/a\n") ==
        "[program:a] names unknown program or fcgi-program zz");
}

TEST_CASE("errors inside a program section name the section and the file", "[config]") {
  ConfigDir dir;
  std::string file = dir.path + "/sv.conf";
  CHECK(loadError(dir, "[supervisord]\n[program:x]\ncommand=/bin/x\nautostart=maybe\n") ==
        "not a valid boolean value: 'maybe' in section 'program:x' (file: '" + file + "')");
  dir.write("conf.d/extra.conf", "[program:y]\n");
  CHECK(loadError(dir, "[supervisord]\n[include]\nfiles=conf.d/*.conf\n") ==
        "program section program:y does not specify a command in section 'program:y' (file: '" +
            dir.path + "/conf.d/extra.conf')");
}

TEST_CASE("%(here)s is substituted in the INI layer only when [include] exists", "[config]") {
  ConfigDir dir;
  std::string file = dir.write("sv.conf", "[supervisord]\n[program:p]\ncommand=%(here)s/run\n");
  sup::ParseOutcome plain = sup::parseConfigDetailed(file, dir.options());
  REQUIRE(plain.config.ok());
  CHECK(plain.ini->get("program:p", "command") == std::optional<std::string>("%(here)s/run"));
  CHECK(plain.config->groups.at(0).processes.at(0).command == dir.path + "/run");

  file =
      dir.write("sv.conf",
                "[supervisord]\n[include]\nfiles=none/*.conf\n[program:p]\ncommand=%(here)s/run\n");
  sup::ParseOutcome inc = sup::parseConfigDetailed(file, dir.options());
  REQUIRE(inc.config.ok());
  CHECK(inc.ini->get("program:p", "command") == std::optional<std::string>(dir.path + "/run"));
  CHECK(inc.warnings ==
        std::vector<std::string>{"No file matches via include \"" + dir.path + "/none/*.conf\""});
}

TEST_CASE("included files are read in sorted order and reported as infos", "[config]") {
  ConfigDir dir;
  dir.write("conf.d/b.conf", "[program:b]\ncommand=/bin/b\n");
  dir.write("conf.d/a.conf", "[program:a]\ncommand=%(here)s/a\n");
  sup::Config c = load(dir, "[supervisord]\n[include]\nfiles = conf.d/*.conf\n");
  CHECK(c.infos == std::vector<std::string>{
                       "Included extra file \"" + dir.path + "/conf.d/a.conf\" during parsing",
                       "Included extra file \"" + dir.path + "/conf.d/b.conf\" during parsing"});
  CHECK(c.groups.at(0).processes.at(0).command == dir.path + "/conf.d/a");
}

TEST_CASE("missing directories and unknown users are errors only when checks are on", "[config]") {
  ConfigDir dir;
  const std::string text = "[supervisord]\nlogfile=/nonexistent/dir/x.log\n";
  CHECK(loadError(dir, text, true) ==
        "The directory named as part of the path /nonexistent/dir/x.log does not exist");
  CHECK(load(dir, text, false).supervisord.logfile == "/nonexistent/dir/x.log");
  CHECK(loadError(dir, "[supervisord]\nchildlogdir=/nonexistent\n", true) ==
        "/nonexistent is not an existing directory");
  CHECK(loadError(dir, "[supervisord]\n[program:x]\ncommand=x\nuser=nosuchuserxyz\n", true) ==
        "Invalid user name nosuchuserxyz in section 'program:x' (file: '" + dir.path +
            "/sv.conf')");
  CHECK(loadError(dir, "[supervisord]\nuser=nosuchuserxyz\n", true) ==
        "Invalid user name nosuchuserxyz");
}

TEST_CASE("command-line [supervisord] values win over the file", "[config]") {
  ConfigDir dir;
  sup::ParseOptions o = dir.options();
  o.supervisord_overrides = {{"loglevel", "debug"}, {"nodaemon", "true"}, {"logfile", "x.log"}};
  auto r = sup::loadConfig(dir.write("sv.conf", "[supervisord]\nloglevel=warn\n"), o);
  REQUIRE(r.ok());
  CHECK(r->supervisord.loglevel == "debug");
  CHECK(r->supervisord.nodaemon);
  CHECK(r->supervisord.logfile == dir.path + "/x.log");
  o.supervisord_overrides = {{"loglevel", "loud"}};
  auto bad = sup::loadConfig(dir.path + "/sv.conf", o);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message ==
        "invalid value for --loglevel 'loud': bad logging level name 'loud'");
  // -d and -q (an optional and a string member) are applied too.
  fs::create_directories(dir.path + "/d");
  o.supervisord_overrides = {{"directory", dir.path + "/d"}, {"childlogdir", dir.path + "/d"}};
  auto dq = sup::loadConfig(dir.path + "/sv.conf", o);
  REQUIRE(dq.ok());
  CHECK(dq->supervisord.directory == dir.path + "/d");
  CHECK(dq->supervisord.childlogdir == dir.path + "/d");
  o.supervisord_overrides = {{"loglevel", "loud"}};
  // Named as typed, as Supervisor's getopt loop does (`supervisord -e loud`).
  o.supervisord_override_flags = {{"loglevel", "-e"}};
  CHECK(sup::loadConfig(dir.path + "/sv.conf", o).error().message ==
        "invalid value for -e 'loud': bad logging level name 'loud'");
}

TEST_CASE("servers list inet first and the fallback serverurl prefers unix", "[config]") {
  ConfigDir dir;
  sup::Config c = load(dir,
                       "[supervisord]\n[unix_http_server]\nfile=%(here)s/run/../s.sock\n"
                       "chmod=0770\n[inet_http_server]\nport=*:9001\nusername=u\npassword=p\n");
  REQUIRE(c.servers.size() == 2);
  CHECK(c.servers[0].type == sup::ServerConfig::Type::Inet);
  CHECK(c.servers[0].host.empty());
  CHECK(c.servers[1].file == dir.path + "/s.sock");
  CHECK(c.servers[1].chmod == 0770);
  CHECK(c.serverurl == std::optional<std::string>("unix://" + dir.path + "/s.sock"));
  CHECK(loadError(dir, "[supervisord]\n[inet_http_server]\nport=9001\nusername=u\n") ==
        "Section [inet_http_server] contains incomplete authentication: If a username or a "
        "password is specified, both the username and password must be specified");
}

TEST_CASE("fcgi programs and event listeners validate their own options", "[config]") {
  ConfigDir dir;
  sup::Config c = load(dir,
                       "[supervisord]\n[fcgi-program:f]\ncommand=/bin/f\n"
                       "socket=unix:///tmp/%(program_name)s.sock\nsocket_mode=0777\n"
                       "[eventlistener:ev]\ncommand=/bin/ev\nevents=tick_5,PROCESS_STATE\n");
  const sup::GroupConfig* f = nullptr;
  const sup::GroupConfig* ev = nullptr;
  for (const auto& g : c.groups) (g.name == "f" ? f : ev) = &g;
  REQUIRE(f);
  REQUIRE(ev);
  CHECK(f->socket->url == "unix:///tmp/f.sock");
  CHECK(f->socket->mode == 0777);
  CHECK(ev->events == std::vector<std::string>{"PROCESS_STATE", "TICK_5"});
  CHECK(ev->result_handler == "supervisor.dispatchers:default_handler");
  CHECK(loadError(dir, "[supervisord]\n[fcgi-program:f]\ncommand=x\nsocket=unix://rel.sock\n") ==
        "('Unix socket path %s is not an absolute path', 'rel.sock') in [fcgi-program:f] socket");
  CHECK(loadError(dir, "[supervisord]\n[eventlistener:e]\ncommand=x\nevents=BOGUS\n") ==
        "Unknown event type BOGUS in [eventlistener:e] events");
}

TEST_CASE("an fcgi tcp socket has its host lower-cased and its port range-checked", "[config]") {
  ConfigDir dir;
  auto socketOf = [&](const std::string& url) {
    sup::Config c = load(dir, "[supervisord]\n[fcgi-program:f]\ncommand=/bin/f\nsocket=" + url);
    return *c.groups.at(0).socket;
  };
  CHECK(socketOf("tcp://LocalHost:007").url == "tcp://localhost:7");
  CHECK(socketOf("tcp://*:9000").url == "tcp://*:9000");
  CHECK(loadError(dir, "[supervisord]\n[fcgi-program:f]\ncommand=x\nsocket=tcp://h:70000\n") ==
        "70000 is above upper bound (65535) in [fcgi-program:f] socket");
  CHECK(loadError(dir, "[supervisord]\n[fcgi-program:f]\ncommand=x\nsocket=tcp://h:0\n") ==
        "0 is below lower bound (1) in [fcgi-program:f] socket");
  // user= without socket_owner= makes that user (and, at chown time, its
  // primary group) the owner of a unix socket; socket_owner= alone does not.
  sup::Config c = load(dir,
                       "[supervisord]\n[fcgi-program:f]\ncommand=/bin/f\nuser=nobody\n"
                       "socket=unix:///tmp/f.sock\n"
                       "[fcgi-program:g]\ncommand=/bin/g\nsocket_owner=nobody\n"
                       "socket=unix:///tmp/g.sock\n");
  const sup::FcgiSocketConfig& f = *c.groups.at(0).socket;
  const sup::FcgiSocketConfig& g = *c.groups.at(1).socket;
  CHECK(f.owner == std::make_pair(std::string("nobody"), std::optional<std::string>()));
  CHECK(f.owner_is_program_user);
  CHECK(g.owner == f.owner);
  CHECK_FALSE(g.owner_is_program_user);
}

TEST_CASE("files without [supervisord] or unreadable paths are rejected", "[config]") {
  ConfigDir dir;
  CHECK(loadError(dir, "[program:x]\ncommand=x\n") ==
        ".ini file does not include supervisord section");
  auto r = sup::loadConfig(dir.path + "/missing.conf", dir.options());
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message == "could not find config file " + dir.path + "/missing.conf");
}

TEST_CASE("supervisorctl reads its section and normalises unix URLs", "[config]") {
  ConfigDir dir;
  std::string file = dir.write("ctl.conf",
                               "[unix_http_server]\nfile=/tmp/"
                               "x.sock\n[supervisorctl]\nserverurl=unix://%(here)s/a/../s.sock\n"
                               "prompt=mine\nhistory_file=~/.sc_history\n");
  auto r = sup::loadCtlConfig(file, dir.options());
  REQUIRE(r.ok());
  REQUIRE(r->ctl);
  CHECK(r->ctl->serverurl == std::optional<std::string>("unix://" + dir.path + "/s.sock"));
  CHECK(r->ctl->prompt == "mine");
  CHECK(r->ctl->history_file == std::optional<std::string>("/root/.sc_history"));
  CHECK(r->serverurl == std::optional<std::string>("unix:///tmp/x.sock"));

  std::string bare = dir.write("bare.conf", "[unix_http_server]\nfile=/tmp/y.sock\n");
  auto b = sup::loadCtlConfig(bare, dir.options());
  REQUIRE(b.ok());
  CHECK_FALSE(b->ctl);
  CHECK(b->serverurl == std::optional<std::string>("unix:///tmp/y.sock"));
}
