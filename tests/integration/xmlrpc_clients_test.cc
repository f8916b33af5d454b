// Supervisor's clients as they are: Python's own xmlrpc.client (standard
// library only, no Supervisor package) against a private supervisord, over
// the Unix socket and over [inet_http_server] with Basic auth, calling every
// method; and a supervised program calling back through
// SUPERVISOR_SERVER_URL to restart another, as superlance's memmon and
// httpok do. The Python side lives in tests/python/.
#include <catch2/catch.hpp>

#include "daemon_harness.h"
#include "http_client.h"

using namespace sup::test;

namespace {

const std::string kPython = std::string(SUP_SOURCE_DIR) + "/tests/python/";
// sha1("thepassword"), as Supervisor's {SHA} passwords are written.
const std::string kShaPassword = "{SHA}82ab876d1387bfafe46cc1c8a2ef074eae50cb1d";

std::string programs() {
  return "[program:sleeper]\ncommand={helpers}/sleeper\nstartsecs=0\n\n"
         "[program:idle]\ncommand={helpers}/sleeper\nautostart=false\nstartsecs=0\n\n"
         "[program:pool]\ncommand={helpers}/sleeper\nnumprocs=2\n"
         "process_name=%(program_name)s_%(process_num)d\nstartsecs=0\n\n";
}

std::string inetSection(int port, bool with_password) {
  std::string s = "[inet_http_server]\nport=127.0.0.1:" + std::to_string(port) + "\n";
  if (with_password) s += "username=user\npassword=" + kShaPassword + "\n";
  return s + "\n";
}

bool allRunning(DaemonHarness& d) {
  return d.waitForLogLine("success: pool_1 entered RUNNING") &&
         d.waitForLogLine("success: pool_0 entered RUNNING") &&
         d.waitForLogLine("success: sleeper entered RUNNING");
}

}  // namespace

TEST_CASE("Python's xmlrpc.client calls every method over the Unix socket") {
  DaemonHarness d;
  d.writeConfig(d.header() + DaemonHarness::ctlSections() + programs());
  REQUIRE(d.start());
  REQUIRE(allRunning(d));
  auto r = run("python3 " + kPython + "xmlrpc_every_method.py unix://" + d.path("sv.sock"));
  INFO(r.out << r.err);
  CHECK(r.exit == 0);
  CHECK(r.out.find("0 failures") != std::string::npos);
  CHECK(d.running());
}

TEST_CASE(
    "Python's xmlrpc.client over [inet_http_server] with Basic auth, and a wrong password is a "
    "401") {
  DaemonHarness d;
  int port = freePort();
  d.writeConfig(d.header() + inetSection(port, true) + programs());
  REQUIRE(d.start());
  REQUIRE(allRunning(d));
  auto r =
      run("python3 " + kPython + "xmlrpc_every_method.py http://127.0.0.1:" + std::to_string(port) +
          " user thepassword");
  INFO(r.out << r.err);
  CHECK(r.exit == 0);
  CHECK(r.out.find("0 failures") != std::string::npos);
  CHECK(d.countLogLines("WARN control: bad username/password from 127\\.0\\.0\\.1:") >= 1);
  CHECK(d.running());
}

TEST_CASE("a program restarts another through SUPERVISOR_SERVER_URL, as memmon and httpok do") {
  DaemonHarness d;
  std::string restarter = "[program:restarter]\ncommand=python3 " + kPython +
                          "restart_via_serverurl.py sleeper\nstartsecs=0\nautorestart=false\n";
  SECTION("over the Unix socket") {
    d.writeConfig(d.header() + DaemonHarness::ctlSections() +
                  "[program:sleeper]\ncommand={helpers}/sleeper\nstartsecs=0\n\n" + restarter);
    REQUIRE(d.start());
    REQUIRE(d.waitForLogLine("exited: restarter \\(exit status 0; expected\\)", 20s));
    CHECK(d.childLog("restarter").find("restarted sleeper via unix://" + d.path("sv.sock")) !=
          std::string::npos);
  }
  SECTION("over [inet_http_server] with a password") {
    int port = freePort();
    d.writeConfig(d.header() + inetSection(port, true) +
                  "[program:sleeper]\ncommand={helpers}/sleeper\nstartsecs=0\n\n" + restarter +
                  "environment=SUPERVISOR_USERNAME=\"user\",SUPERVISOR_PASSWORD=\"thepassword\"\n");
    REQUIRE(d.start());
    REQUIRE(d.waitForLogLine("exited: restarter \\(exit status 0; expected\\)", 20s));
    CHECK(d.childLog("restarter")
              .find("restarted sleeper via http://127.0.0.1:" + std::to_string(port)) !=
          std::string::npos);
  }
  // The restart really happened: sleeper stopped and was spawned again.
  CHECK(d.countLogLines("stopped: sleeper \\(terminated by SIGTERM\\)") == 1);
  CHECK(d.countLogLines("spawned: 'sleeper' with pid") == 2);
  CHECK(d.running());
}

TEST_CASE("an [inet_http_server] reachable from other machines needs a password to start") {
  DaemonHarness d;
  int port = freePort();
  std::string open_port = "[inet_http_server]\nport=*:" + std::to_string(port) + "\n\n";
  SECTION("without one, supervisord refuses to start, exit 2") {
    d.writeConfig(d.header() + open_port);
    auto r = run(DaemonHarness::supervisordBin() + " -n -c " + d.configPath());
    CHECK(r.exit == 2);
    CHECK(r.err == "Error: [inet_http_server] port=*:" + std::to_string(port) +
                       " accepts connections from other machines, and it has no password: "
                       "anyone who reaches it could run any command as this daemon's user. Set "
                       "username= and password= in [inet_http_server], or listen on this "
                       "machine only (port=127.0.0.1:" +
                       std::to_string(port) + ").\nFor help, use " +
                       DaemonHarness::supervisordBin() + " -h\n");
  }
  SECTION("with one, it serves, and asks for it") {
    d.writeConfig(d.header() + open_port + "username=user\npassword=" + kShaPassword + "\n");
    REQUIRE(d.start());
    auto c = HttpClient::tcp(port);
    REQUIRE(c.postXml(xmlCall("supervisor.getState")));
    auto r = c.readResponse();
    REQUIRE(r);
    CHECK(r->status == 401);
    CHECK(r->header("www-authenticate") == "Basic realm=\"default\"");
    auto ok = HttpClient::tcp(port);
    REQUIRE(ok.postXml(xmlCall("supervisor.getState"), basicAuth("user", "thepassword")));
    auto r2 = ok.readResponse();
    REQUIRE(r2);
    CHECK(r2->status == 200);
    CHECK(r2->body.find("<name>statename</name>\n<value><string>RUNNING</string>") !=
          std::string::npos);
    CHECK(d.mainLog().find("running without any HTTP authentication checking") ==
          std::string::npos);
  }
}
