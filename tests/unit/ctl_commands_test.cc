// supervisorctl commands end to end against a fake daemon: the calls made,
// the lines printed and the exit status, as recorded from Python
// supervisorctl 4.2.5 talking to supervisord 4.2.5.
#include <catch2/catch.hpp>
#include <map>
#include <sstream>

#include "supervisorctl/controller.h"

using namespace sup;
using namespace sup::ctl;

namespace {

struct FakeRpc : RpcClient {
  std::map<std::string, std::function<json(const json&)>> methods;
  std::vector<std::string> calls;
  std::vector<json> notifications;
  std::string url = "unix:///tmp/fake.sock";
  std::optional<std::string> user;

  json call(std::string_view method, json params) override {
    calls.emplace_back(method);
    auto it = methods.find(std::string(method));
    if (it == methods.end()) throw FaultError(1, "UNKNOWN_METHOD");
    return it->second(params);
  }
  json stream(std::string_view method, json params, const StreamHooks& hooks) override {
    json r = call(method, std::move(params));
    for (const auto& n : notifications) {
      proto::Message m;
      m.is_notification = true;
      m.method = "log";
      m.params = n;
      if (!hooks.on_notification(m)) break;
    }
    return r;
  }
  json sendDuringStream(std::string_view method, json) override {
    calls.emplace_back(method);
    return 0;
  }
  void setCredentials(std::optional<std::string> u, std::optional<std::string>) override {
    user = std::move(u);
  }
  void setServerUrl(const std::string& u) override { url = u; }
  const std::string& serverUrl() const override { return url; }
};

json proc(const std::string& group, const std::string& name, int state, int pid = 0) {
  proto::ProcessInfo i;
  i.group = group;
  i.name = name;
  i.state = state;
  i.statename = std::string(proto::processStateName(state));
  i.pid = pid;
  i.description = state == 20 ? "pid " + std::to_string(pid) + ", uptime 0:00:04"
                              : (state == 0 ? "Not started" : "");
  return i;
}

struct Fixture {
  FakeRpc rpc;
  CtlSettings settings;
  std::ostringstream out;
  Controller ctl{settings, rpc, out};

  Fixture() {
    rpc.methods["supervisor.getVersion"] = [](const json&) { return "3.0"; };
    rpc.methods["supervisor.getAllProcessInfo"] = [](const json&) {
      return json::array({proc("grp", "ga", 20, 8170), proc("grp", "gb", 0),
                          proc("sleeper", "sleeper", 20, 8183)});
    };
  }
  std::string run(const std::string& line) {
    out.str("");
    ctl.setExitstatus(0);
    ctl.onecmd(line);
    return out.str();
  }
};

}  // namespace

TEST_CASE("status prints every process and exits 3 when one is stopped") {
  Fixture f;
  CHECK(f.run("status") ==
        "grp:ga                           RUNNING   pid 8170, uptime 0:00:04\n"
        "grp:gb                           STOPPED   Not started\n"
        "sleeper                          RUNNING   pid 8183, uptime 0:00:04\n");
  CHECK(f.ctl.exitstatus() == 3);
  CHECK(f.run("status sleeper") ==
        "sleeper                          RUNNING   pid 8183, uptime 0:00:04\n");
  CHECK(f.ctl.exitstatus() == 0);
}

TEST_CASE("status reports unknown names first and exits 4") {
  Fixture f;
  CHECK(f.run("status sleeper nope") ==
        "nope: ERROR (no such process)\n"
        "sleeper                          RUNNING   pid 8183, uptime 0:00:04\n");
  CHECK(f.ctl.exitstatus() == 4);
  CHECK(f.run("status nogrp:*") == "nogrp: ERROR (no such group)\n");
  CHECK(f.ctl.exitstatus() == 4);
}

TEST_CASE("status --json prints the process structs") {
  Fixture f;
  std::string text = f.run("status --json sleeper");
  json j = json::parse(text);
  REQUIRE(j.is_array());
  CHECK(j[0]["name"] == "sleeper");
  CHECK(j[0]["pid"] == 8183);
}

TEST_CASE("a missing socket reads 'no such file': exit 4 for status, 7 for others") {
  Fixture f;
  f.rpc.methods["supervisor.getVersion"] = [](const json&) -> json {
    throw SocketError(ENOENT, false);
  };
  CHECK(f.run("status") == "unix:///tmp/fake.sock no such file\n");
  CHECK(f.ctl.exitstatus() == 4);
  CHECK(f.run("start x") == "unix:///tmp/fake.sock no such file\n");
  CHECK(f.ctl.exitstatus() == 7);
  f.rpc.methods.erase("supervisor.getAllConfigInfo");
  f.rpc.methods["supervisor.getAllConfigInfo"] = [](const json&) -> json {
    throw SocketError(ENOENT, false);
  };
  CHECK(f.run("avail") ==
        "error: <class 'FileNotFoundError'>, [Errno 2] No such file or directory: file: "
        "/usr/lib/python3/dist-packages/supervisor/xmlrpc.py line: 557\n");
  CHECK(f.ctl.exitstatus() == 1);
}

TEST_CASE("start maps faults to Supervisor's texts and LSB codes") {
  Fixture f;
  f.rpc.methods["supervisor.startProcess"] = [](const json& p) -> json {
    std::string n = p[0];
    if (n == "quick") throw FaultError(50, "SPAWN_ERROR: quick");
    if (n == "sleeper") throw FaultError(60, "ALREADY_STARTED: sleeper");
    if (n == "nope") throw FaultError(10, "BAD_NAME: nope");
    return true;
  };
  f.rpc.methods["supervisor.startProcessGroup"] = [](const json& p) -> json {
    if (p[0] == "nogrp") throw FaultError(10, "BAD_NAME: nogrp");
    return json::array({{{"name", "gb"}, {"group", "grp"}, {"status", 80}, {"description", "OK"}}});
  };
  CHECK(f.run("start quick") == "quick: ERROR (spawn error)\n");
  CHECK(f.ctl.exitstatus() == 7);
  CHECK(f.run("start sleeper grp:gb") == "sleeper: ERROR (already started)\ngrp:gb: started\n");
  CHECK(f.ctl.exitstatus() == 0);
  CHECK(f.run("start nope") == "nope: ERROR (no such process)\n");
  CHECK(f.ctl.exitstatus() == 1);
  CHECK(f.run("start nogrp:*") == "nogrp: ERROR (no such group)\n");
  CHECK(f.ctl.exitstatus() == 2);
  CHECK(f.run("start grp:*") == "grp:gb: started\n");
  CHECK(f.run("start") ==
        "Error: start requires a process name\n"
        "start <name>\t\tStart a process\n"
        "start <gname>:*\t\tStart all processes in a group\n"
        "start <name> <name>\tStart multiple processes or groups\n"
        "start all\t\tStart all processes\n");
  CHECK(f.ctl.exitstatus() == 2);
}

TEST_CASE("stop of a stopped process is not an error - signal of one exits 7") {
  Fixture f;
  f.rpc.methods["supervisor.stopProcess"] = [](const json& p) -> json {
    if (p[0] == "manual") throw FaultError(70, "NOT_RUNNING: manual");
    return true;
  };
  f.rpc.methods["supervisor.signalProcess"] = [](const json& p) -> json {
    if (p[0] == "manual") throw FaultError(70, "NOT_RUNNING: manual");
    if (p[1] == "BOGUS") throw FaultError(11, "BAD_SIGNAL: BOGUS");
    return true;
  };
  CHECK(f.run("stop manual sleeper") == "manual: ERROR (not running)\nsleeper: stopped\n");
  CHECK(f.ctl.exitstatus() == 0);
  CHECK(f.run("signal HUP manual") == "manual: ERROR (not running)\n");
  CHECK(f.ctl.exitstatus() == 7);
  CHECK(f.run("signal BOGUS sleeper") == "sleeper: ERROR (bad signal name)\n");
  CHECK(f.ctl.exitstatus() == 1);
  CHECK(f.run("signal HUP sleeper") == "sleeper: signalled\n");
  CHECK(f.ctl.exitstatus() == 0);
  f.rpc.methods["supervisor.startProcess"] = [](const json&) -> json { return true; };
  CHECK(f.run("restart manual") == "manual: ERROR (not running)\nmanual: started\n");
  CHECK(f.ctl.exitstatus() == 0);
}

TEST_CASE("pid prints the daemon's pid, a child's, or 0 with exit 7") {
  Fixture f;
  f.rpc.methods["supervisor.getPID"] = [](const json&) { return 8141; };
  f.rpc.methods["supervisor.getProcessInfo"] = [](const json& p) -> json {
    if (p[0] == "manual") return proc("manual", "manual", 0);
    if (p[0] == "nope") throw FaultError(10, "BAD_NAME: nope");
    return proc("sleeper", "sleeper", 20, 8183);
  };
  CHECK(f.run("pid") == "8141\n");
  CHECK(f.run("pid sleeper") == "8183\n");
  CHECK(f.run("pid manual") == "0\n");
  CHECK(f.ctl.exitstatus() == 7);
  CHECK(f.run("pid nope") == "No such process nope\n");
  CHECK(f.ctl.exitstatus() == 1);
  CHECK(f.run("pid all") == "8170\n0\n8183\n");
  CHECK(json::parse(f.run("pid --json"))["pid"] == 8141);
}

TEST_CASE("reread and update follow Supervisor, including 4.2.5's raw fault on update") {
  Fixture f;
  const std::string msg =
      "CANT_REREAD: not a valid boolean value: 'maybe' in section 'program:bad' (file: 'sv.conf')";
  f.rpc.methods["supervisor.reloadConfig"] = [&](const json&) -> json {
    throw FaultError(92, msg);
  };
  CHECK(f.run("reread") == "ERROR: " + msg + "\n");
  CHECK(f.ctl.exitstatus() == 1);
  CHECK(f.run("update") ==
        "error: <class 'xmlrpc.client.Fault'>, <Fault 92: \"CANT_REREAD: not a valid boolean "
        "value: 'maybe' in section 'program:bad' (file: 'sv.conf')\">: file: "
        "/usr/lib/python3.11/xmlrpc/client.py line: 668\n");
  CHECK(f.ctl.exitstatus() == 1);

  f.rpc.methods["supervisor.reloadConfig"] = [](const json&) -> json {
    return json::array({json::array(
        {json::array({"newone"}), json::array({"sleeper"}), json::array({"manual"})})});
  };
  for (const char* m : {"supervisor.stopProcessGroup", "supervisor.removeProcessGroup",
                        "supervisor.addProcessGroup"}) {
    f.rpc.methods[m] = [](const json&) -> json { return json::array(); };
  }
  CHECK(f.run("reread") == "manual: disappeared\nnewone: available\nsleeper: changed\n");
  CHECK(f.run("update") ==
        "manual: stopped\nmanual: removed process group\n"
        "sleeper: stopped\nsleeper: updated process group\n"
        "newone: added process group\n");
  CHECK(f.run("update nope newone") == "ERROR: no such group: nope\nnewone: added process group\n");
  CHECK(f.ctl.exitstatus() == 1);
  json j = json::parse(f.run("reread --json"));
  CHECK(j["added"] == json::array({"newone"}));
}

TEST_CASE("add and remove report Supervisor's ERROR lines") {
  Fixture f;
  f.rpc.methods["supervisor.addProcessGroup"] = [](const json& p) -> json {
    if (p[0] == "sleeper") throw FaultError(90, "ALREADY_ADDED: sleeper");
    if (p[0] == "nope") throw FaultError(10, "BAD_NAME: nope");
    return true;
  };
  f.rpc.methods["supervisor.removeProcessGroup"] = [](const json& p) -> json {
    if (p[0] == "sleeper") throw FaultError(91, "STILL_RUNNING: sleeper");
    throw FaultError(10, "BAD_NAME: nope");
  };
  CHECK(f.run("add sleeper") == "ERROR: process group already active\n");
  CHECK(f.ctl.exitstatus() == 0);
  CHECK(f.run("add nope") == "ERROR: no such process/group: nope\n");
  CHECK(f.ctl.exitstatus() == 1);
  CHECK(f.run("remove sleeper") == "ERROR: process/group still running: sleeper\n");
  CHECK(f.run("remove nope") == "ERROR: no such process/group: nope\n");
  CHECK(f.ctl.exitstatus() == 1);
}

TEST_CASE("tail reads the log, and tail -f streams notifications") {
  Fixture f;
  f.rpc.methods["supervisor.readProcessStderrLog"] = [](const json& p) -> json {
    CHECK(p == json::array({"echo", -5, 0}));
    return "\nerr\n";
  };
  CHECK(f.run("tail -5 echo stderr") == "\nerr\n\n");
  CHECK(f.run("tail echo bad") == "Error: bad channel 'bad'\n");
  CHECK(f.run("tail -x echo") == "Error: bad argument -x\n");
  CHECK(f.run("tail -10") == "Error: tail requires process name\n");
  f.rpc.methods["supervisor.tailProcessLogFollow"] = [](const json& p) -> json {
    CHECK(p == json::array({"echo", "stdout", 1024}));
    return true;
  };
  f.rpc.notifications = {
      {{"name", "echo"}, {"channel", "stdout"}, {"data", "hello\n"}},
      {{"name", "echo"}, {"channel", "stdout"}, {"data", ""}, {"truncated", true}},
      {{"name", "echo"}, {"channel", "stdout"}, {"data", "x"}, {"eof", true}}};
  CHECK(f.run("tail -f echo") == "==> Press Ctrl-C to exit <==\nhello\n==> File truncated <==\nx");
}

TEST_CASE("unknown commands, help and quit behave like Python's cmd") {
  Fixture f;
  CHECK(f.run("bogus   arg") == "*** Unknown syntax: bogus   arg\n");
  CHECK(f.ctl.exitstatus() == 1);
  CHECK(f.run("help nosuch") == "*** No help on nosuch\n");
  CHECK(f.run("?quit") == "quit\tExit the supervisor shell.\n");
  CHECK(f.ctl.onecmd("quit"));
  CHECK_FALSE(f.ctl.onecmd("   "));
}

TEST_CASE("an auth refusal prints Supervisor's two lines and exits 1") {
  Fixture f;
  f.rpc.methods["supervisor.getVersion"] = [](const json&) -> json { throw UnauthorizedError(); };
  // Python 4.2.5's supervisorctl status against a server with a password
  // (the second line: its onecmd() runs the command again); the default
  // serverurl is http://localhost:9001.
  CHECK(f.run("status") ==
        "Server requires authentication\n"
        "error: <class 'xmlrpc.client.ProtocolError'>, <ProtocolError for localhost:9001/RPC2: 401 "
        "Unauthorized>: file: /usr/lib/python3/dist-packages/supervisor/xmlrpc.py line: 539\n");
  // With unix:// Python's ServerProxy URL is http://127.0.0.1.
  CHECK(pythonUnauthorizedLine("unix:///tmp/x.sock") ==
        "error: <class 'xmlrpc.client.ProtocolError'>, <ProtocolError for 127.0.0.1/RPC2: 401 "
        "Unauthorized>: file: /usr/lib/python3/dist-packages/supervisor/xmlrpc.py line: 539");
  CHECK(f.ctl.exitstatus() == 1);
}

TEST_CASE("the shell completes commands, group names and process names") {
  Fixture f;
  CHECK(f.ctl.completions("", "") == f.ctl.completions(" ", ""));
  CHECK(f.ctl.completions("sta", "sta") == std::vector<std::string>{"start ", "status "});
  CHECK(f.ctl.completions("start ", "") ==
        std::vector<std::string>{"grp:ga ", "grp:* ", "grp:gb ", "sleeper "});
  CHECK(f.ctl.completions("stop s", "s") == std::vector<std::string>{"sleeper "});
  CHECK(f.ctl.completions("stop sleeper:", "sleeper:") ==
        std::vector<std::string>{"sleeper:sleeper ", "sleeper:* "});
  CHECK(f.ctl.completions("update ", "") == std::vector<std::string>{"grp ", "sleeper "});
  CHECK(f.ctl.completions("help st", "st") ==
        std::vector<std::string>{"start ", "status ", "stop "});
  CHECK(f.ctl.completions("version ", "").empty());
}

TEST_CASE("the API version check refuses a different server") {
  Fixture f;
  f.rpc.methods["supervisor.getVersion"] = [](const json&) { return "2.0"; };
  CHECK(f.run("version") ==
        "Sorry, this version of supervisorctl expects to talk to a server with API version 3.0, "
        "but the remote version is 2.0.\n");
  CHECK(f.ctl.exitstatus() == 5);
}
