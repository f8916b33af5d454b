// supervisorctl's command line: Supervisor's getopt rules, not CLI11's.
#include <catch2/catch.hpp>
#include <fstream>

#include "supervisorctl/ctl_options.h"

using namespace sup::ctl;

TEST_CASE("everything after the first positional is the action, verbatim") {
  auto a = parseCtlArgs({"-c", "f.conf", "status", "a", "-b", "--json"});
  REQUIRE(a.ok());
  CHECK(a->configfile == "f.conf");
  CHECK(a->action == std::vector<std::string>{"status", "a", "-b", "--json"});
  CHECK_FALSE(a->json);
}

TEST_CASE("short options cluster and take attached or separate values") {
  auto a = parseCtlArgs({"-ic/etc/s.conf", "-s", "unix:///tmp/s", "-uadmin", "-p", "pw"});
  REQUIRE(a.ok());
  CHECK(a->interactive);
  CHECK(a->configfile == "/etc/s.conf");
  CHECK(a->serverurl == "unix:///tmp/s");
  CHECK(a->username == "admin");
  CHECK(a->password == "pw");
  CHECK(a->action.empty());
}

TEST_CASE("long options accept =value, a separate value, and unique prefixes") {
  auto a = parseCtlArgs(
      {"--configuration=x.conf", "--serverurl", "http://h:1", "--hist", "h", "--json", "avail"});
  REQUIRE(a.ok());
  CHECK(a->configfile == "x.conf");
  CHECK(a->serverurl == "http://h:1");
  CHECK(a->history_file == "h");
  CHECK(a->json);
  CHECK(a->action == std::vector<std::string>{"avail"});
}

TEST_CASE("bad options fail with getopt's words") {
  CHECK(parseCtlArgs({"-x"}).error().message == "option -x not recognized");
  CHECK(parseCtlArgs({"-c"}).error().message == "option -c requires argument");
  CHECK(parseCtlArgs({"--bogus"}).error().message == "option --bogus not recognized");
  CHECK(parseCtlArgs({"--serverurl"}).error().message == "option --serverurl requires argument");
  CHECK(parseCtlArgs({"--help=1"}).error().message == "option --help must not have an argument");
  CHECK(parseCtlArgs({"-c", "a", "-c", "b"}).error().message ==
        "conflicting command line option '-c'");
  CHECK(parseCtlArgs({"-s", "foo"}).error().message ==
        "invalid value for -s 'foo': value 'foo' is not a URL");
}

TEST_CASE("option -h wins and -- ends the options") {
  CHECK(parseCtlArgs({"-h", "-x"}).error().message == "option -x not recognized");
  CHECK(parseCtlArgs({"-h", "status"})->help);
  CHECK(parseCtlArgs({"-?"})->help);
  auto a = parseCtlArgs({"--", "-c", "x"});
  REQUIRE(a.ok());
  CHECK(a->action == std::vector<std::string>{"-c", "x"});
}

TEST_CASE("settings come from the command line over [supervisorctl] over defaults") {
  std::string path = "/tmp/ctl_args_test_" + std::to_string(::getpid()) + ".conf";
  {
    std::ofstream f(path);
    f << "[supervisorctl]\nserverurl=unix:///tmp/x/../sv.sock\nusername=u\nprompt=mysv\n";
  }
  auto args = parseCtlArgs({"-c", path, "-p", "secret", "status"});
  REQUIRE(args.ok());
  auto st = resolveCtlSettings(*args, "/usr/bin/supervisorctl");
  REQUIRE(st.ok());
  CHECK(st->serverurl == "unix:///tmp/sv.sock");
  CHECK(st->username == "u");
  CHECK(st->password == "secret");
  CHECK(st->prompt == "mysv");
  CHECK_FALSE(st->interactive);
  auto over = resolveCtlSettings(*parseCtlArgs({"-c", path, "-s", "http://h:2"}), "x");
  CHECK(over->serverurl == "http://h:2");
  CHECK(over->interactive);
  std::remove(path.c_str());
}

TEST_CASE("a config without [supervisorctl] or a missing file is refused") {
  std::string path = "/tmp/ctl_args_nosec_" + std::to_string(::getpid()) + ".conf";
  {
    std::ofstream f(path);
    f << "[supervisord]\n";
  }
  CHECK(resolveCtlSettings(*parseCtlArgs({"-c", path}), "x").error().message ==
        ".ini file does not include supervisorctl section");
  CHECK(resolveCtlSettings(*parseCtlArgs({"-c", "/nonexistent.conf"}), "x").error().message ==
        "could not find config file /nonexistent.conf");
  std::remove(path.c_str());
}

TEST_CASE("config search paths are Supervisor's, relative to the executable") {
  auto p = configSearchPaths("/opt/sv/bin/supervisorctl");
  CHECK(p == std::vector<std::string>{"/opt/sv/etc/supervisord.conf", "/opt/sv/supervisord.conf",
                                      "supervisord.conf", "etc/supervisord.conf",
                                      "/etc/supervisord.conf", "/etc/supervisor/supervisord.conf"});
}

TEST_CASE("the usage text is Supervisor's docstring with the program name") {
  std::string u = ctlUsageText("/usr/bin/supervisorctl");
  CHECK(u.rfind("supervisorctl -- control applications run by supervisord from the cmd line.\n\n"
                "Usage: /usr/bin/supervisorctl [options] [action [arguments]]\n",
                0) == 0);
  CHECK(u.size() > 900);
}
