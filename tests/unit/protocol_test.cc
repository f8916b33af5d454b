// The wire protocol's shapes: Supervisor's fault strings, JSON-RPC framing,
// the process info struct and its description text.
#include "common/protocol.h"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <ctime>
#include <limits>
#include <string>
#include <vector>

using namespace sup::proto;

TEST_CASE("fault strings are Supervisor's NAME or NAME: extra") {
  CHECK(faultString(Fault::kBadName, "nope") == "BAD_NAME: nope");
  CHECK(faultString(Fault::kBadArguments) == "BAD_ARGUMENTS");
  CHECK(faultName(92) == "CANT_REREAD");
  CHECK(faultName(1) == "UNKNOWN_METHOD");
  CHECK(faultName(999).empty());
  json err = makeFault(7, Fault::kAlreadyStarted, "sleeper");
  CHECK(err.dump() ==
        R"({"error":{"code":60,"message":"ALREADY_STARTED: sleeper"},"id":7,"jsonrpc":"2.0"})");
}

TEST_CASE("a request line parses into method, id and positional params") {
  auto r = parseRequest(
      R"({"jsonrpc":"2.0","id":3,"method":"supervisor.startProcess","params":["web",true]})");
  REQUIRE(r.ok());
  CHECK(r->method == "supervisor.startProcess");
  CHECK(r->id == 3);
  CHECK(r->has_id);
  CHECK(r->params == json::array({"web", true}));
}

TEST_CASE("a request without params gets an empty array and no id means a notification") {
  auto r = parseRequest(R"({"jsonrpc":"2.0","method":"supervisor.getPID"})");
  REQUIRE(r.ok());
  CHECK_FALSE(r->has_id);
  CHECK(r->params == json::array());
}

TEST_CASE("garbage is a parse error and a wrong shape an invalid request that keeps the id") {
  CHECK(parseRequest("{nope").error().message == "Parse error");
  CHECK(parseRequest("[1,2]").error().message == "Invalid Request");
  json id;
  auto r = parseRequest(R"({"jsonrpc":"2.0","id":"x","method":5})", &id);
  CHECK(r.error().message == "Invalid Request");
  CHECK(id == "x");
  CHECK(parseRequest(R"({"jsonrpc":"1.0","id":1,"method":"a"})").error().message ==
        "Invalid Request");
  CHECK(parseRequest(R"({"jsonrpc":"2.0","id":1,"method":"a","params":{"k":1}})").error().message ==
        "Invalid Request");
}

TEST_CASE("the client parses replies, errors and notifications") {
  auto ok = parseMessage(R"({"jsonrpc":"2.0","id":1,"result":"3.0"})");
  REQUIRE(ok.ok());
  CHECK_FALSE(ok->is_notification);
  CHECK(ok->result == "3.0");
  auto err =
      parseMessage(R"({"jsonrpc":"2.0","id":2,"error":{"code":10,"message":"BAD_NAME: x"}})");
  REQUIRE(err.ok());
  REQUIRE(err->error);
  CHECK(err->error->code == 10);
  CHECK(err->error->message == "BAD_NAME: x");
  auto note = parseMessage(
      R"({"jsonrpc":"2.0","method":"log","params":{"name":"a","channel":"stdout","data":"hi\n"}})");
  REQUIRE(note.ok());
  CHECK(note->is_notification);
  auto chunk = note->params.get<LogChunk>();
  CHECK(chunk.data == "hi\n");
  CHECK_FALSE(chunk.truncated);
  CHECK_FALSE(parseMessage("not json").ok());
}

TEST_CASE("encodeLine writes one compact line and survives invalid UTF-8 from programs") {
  std::string line = encodeLine(makeNotification("log", {{"data", std::string("a\xff\n")}}));
  CHECK(line.back() == '\n');
  CHECK(line.find('\n') == line.size() - 1);
  CHECK(line.find("\\ufffd") == std::string::npos);  // replaced by the raw U+FFFD bytes
  CHECK(line.find("\xef\xbf\xbd") != std::string::npos);
}

TEST_CASE("uptime reads like Python's timedelta") {
  CHECK(formatUptime(4) == "0:00:04");
  CHECK(formatUptime(3600 * 13 + 62) == "13:01:02");
  CHECK(formatUptime(86400 + 3725) == "1 day, 1:02:05");
  CHECK(formatUptime(3 * 86400) == "3 days, 0:00:00");
  CHECK(formatUptime(-5) == "0:00:00");
}

TEST_CASE("descriptions follow Supervisor's rpcinterface") {
  ProcessInfo i;
  i.name = "web";
  i.state = static_cast<int>(ProcessState::kRunning);
  i.pid = 8607;
  i.start = 1000;
  i.now = 1004;
  CHECK(describeProcess(i) == "pid 8607, uptime 0:00:04");
  i.state = static_cast<int>(ProcessState::kFatal);
  i.spawnerr = "Exited too quickly (process log may have details)";
  CHECK(describeProcess(i) == "Exited too quickly (process log may have details)");
  i.spawnerr.clear();
  i.state = static_cast<int>(ProcessState::kBackoff);
  CHECK(describeProcess(i) == "unknown error (try \"tail web\")");
  i.state = static_cast<int>(ProcessState::kStopped);
  i.start = 0;
  CHECK(describeProcess(i) == "Not started");
  i.state = static_cast<int>(ProcessState::kStarting);
  CHECK(describeProcess(i).empty());
}

TEST_CASE("stop times print as %b %d %I:%M %p in local time") {
  setenv("TZ", "UTC", 1);
  tzset();
  CHECK(formatStopTime(1795320330) == "Nov 22 04:05 AM");  // seen from real supervisorctl
  CHECK(formatStopTime(1795320330 + 12 * 3600) == "Nov 22 04:05 PM");
  CHECK(formatStopTime(1795305600) == "Nov 22 12:00 AM");
}

TEST_CASE("process info round-trips with every field of getProcessInfo") {
  ProcessInfo i;
  i.name = "ga";
  i.group = "grp";
  i.state = 20;
  i.statename = "RUNNING";
  i.pid = 42;
  i.stdout_logfile = i.logfile = "/tmp/o.log";
  json j = i;
  for (const char* k :
       {"name", "group", "start", "stop", "now", "state", "statename", "spawnerr", "exitstatus",
        "logfile", "stdout_logfile", "stderr_logfile", "pid", "description"}) {
    CHECK(j.contains(k));
  }
  auto back = j.get<ProcessInfo>();
  CHECK(back.group == "grp");
  CHECK(back.pid == 42);
  CHECK(back.logfile == "/tmp/o.log");
}

TEST_CASE("config info and log file entries keep Supervisor's field names") {
  ConfigInfo c;
  c.name = "web";
  c.group = "web";
  json j = c;
  CHECK(j["stdout_logfile"] == "auto");
  CHECK(j["directory"] == "none");
  CHECK(j["exitcodes"] == json::array({0}));
  CHECK(j.get<ConfigInfo>().stopsignal == 15);
  LogFileEntry e{"grp:ga", "grp", "ga", "stderr", "/var/log/ga.err", 10, 1024};
  auto back = json(e).get<LogFileEntry>();
  CHECK(back.channel == "stderr");
  CHECK(back.backups == 10);
}

TEST_CASE("namespecs split and join like Supervisor's options") {
  CHECK(makeNamespec("web", "web") == "web");
  CHECK(makeNamespec("grp", "ga") == "grp:ga");
  CHECK(splitNamespec("grp:*").second == std::nullopt);
  CHECK(splitNamespec("grp:").first == "grp");
  CHECK(splitNamespec("grp:ga").second == "ga");
  CHECK(splitNamespec("web").second == "web");
}

TEST_CASE("decoding a server's structs rejects numbers out of range instead of converting them") {
  // A hostile or buggy server: 1e300 into an int was undefined behaviour.
  json j = json(ProcessInfo{});
  j["pid"] = 1e300;
  CHECK_THROWS_AS(j.get<ProcessInfo>(), json::out_of_range);
  j["pid"] = -1e300;
  CHECK_THROWS_AS(j.get<ProcessInfo>(), json::out_of_range);
  j["pid"] = std::numeric_limits<double>::quiet_NaN();
  CHECK_THROWS_AS(j.get<ProcessInfo>(), json::out_of_range);
  j["pid"] = 2147483648LL;
  CHECK_THROWS_AS(j.get<ProcessInfo>(), json::out_of_range);
  j["pid"] = 18446744073709551615ULL;
  CHECK_THROWS_AS(j.get<ProcessInfo>(), json::out_of_range);
  j["pid"] = 1.5;
  CHECK_THROWS_AS(j.get<ProcessInfo>(), json::out_of_range);
  j["pid"] = 0;
  j["start"] = 9.3e18;  // beyond int64
  CHECK_THROWS_AS(j.get<ProcessInfo>(), json::out_of_range);

  json c = json(CallResult{});
  c["status"] = 1e300;
  CHECK_THROWS_AS(c.get<CallResult>(), json::out_of_range);
  json e = json(LogFileEntry{});
  e["maxbytes"] = 1e300;
  CHECK_THROWS_AS(e.get<LogFileEntry>(), json::out_of_range);
  json ci = json(ConfigInfo{});
  ci["exitcodes"] = json::array({0, 1e300});
  CHECK_THROWS_AS(ci.get<ConfigInfo>(), json::out_of_range);
}

TEST_CASE("decoding a server's structs rejects values of the wrong type with the field's name") {
  json j = json(ProcessInfo{});
  j["pid"] = "42";
  try {
    (void)j.get<ProcessInfo>();
    FAIL("a string pid was accepted");
  } catch (const json::type_error& e) {
    CHECK(std::string(e.what()).find("field \"pid\": expected an integer, got string") !=
          std::string::npos);
  }
  j["pid"] = true;  // nlohmann would have read this as 1
  CHECK_THROWS_AS(j.get<ProcessInfo>(), json::type_error);
  j["pid"] = 1;
  j["name"] = 7;
  CHECK_THROWS_AS(j.get<ProcessInfo>(), json::type_error);
  json ci = json(ConfigInfo{});
  ci["inuse"] = 1;
  CHECK_THROWS_AS(ci.get<ConfigInfo>(), json::type_error);
  ci["inuse"] = true;
  ci["exitcodes"] = 0;
  CHECK_THROWS_AS(ci.get<ConfigInfo>(), json::type_error);
  json chunk = json(LogChunk{});
  chunk["eof"] = "yes";
  CHECK_THROWS_AS(chunk.get<LogChunk>(), json::type_error);
  CHECK_THROWS_AS(json::array().get<ProcessInfo>(), json::type_error);
  CHECK_THROWS_AS(json(3).get<CallResult>(), json::type_error);
}

TEST_CASE(
    "decoding keeps defaults for missing fields and takes in-range integers of any JSON form") {
  json j = json::object();
  auto i = j.get<ProcessInfo>();
  CHECK(i.pid == 0);
  CHECK(i.statename == "STOPPED");
  j["pid"] = 2147483647;
  j["exitstatus"] = -2147483648LL;
  j["start"] = 4102444800.0;  // an integral float in range
  j["now"] = std::numeric_limits<std::int64_t>::min();
  i = j.get<ProcessInfo>();
  CHECK(i.pid == 2147483647);
  CHECK(i.exitstatus == std::numeric_limits<int>::min());
  CHECK(i.start == 4102444800);
  CHECK(i.now == std::numeric_limits<std::int64_t>::min());
  json ci = json::object({{"exitcodes", json::array({0, 2})}});
  CHECK(ci.get<ConfigInfo>().exitcodes == std::vector<int>{0, 2});
  CHECK(ci.get<ConfigInfo>().stopsignal == 15);
}
