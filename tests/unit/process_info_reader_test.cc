// supervisorctl's one-pass decoder of getAllProcessInfo replies must give
// exactly what the general path (parseMessage + from_json) gives, and hand
// every reply it does not fully understand back to that path.
#include "common/process_info_reader.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using namespace sup;
using proto::json;
using proto::ProcessInfo;

namespace {

ProcessInfo sample(int n) {
  ProcessInfo i;
  i.name = "web_" + std::to_string(n);
  i.group = "web";
  i.start = 1763780000 + n;
  i.stop = n % 2 ? 0 : 1763780100;
  i.now = 1763790000;
  i.state = n % 2 ? 20 : 100;
  i.statename = n % 2 ? "RUNNING" : "EXITED";
  i.spawnerr = n % 3 ? "" : "Bad exit code 3";
  i.exitstatus = n % 2 ? 0 : -3;
  i.logfile = "/var/log/supervisor/web_" + std::to_string(n) + "-stdout.log";
  i.stdout_logfile = i.logfile;
  i.stderr_logfile = "";
  i.pid = n % 2 ? 4000 + n : 0;
  i.description = n % 2 ? "pid " + std::to_string(4000 + n) + ", uptime 2:46:40"
                        : "unknown error (try \"tail web\")\t\\ /";
  // Ours, while a process waits (docs/dependencies.md).
  if (n == 4) i.waiting_for = {"db", "cache:c1"};
  if (n == 5) i.awaiting_ready = "tcp:127.0.0.1:5432";
  return i;
}

std::vector<ProcessInfo> generalPath(const std::string& line) {
  auto msg = proto::parseMessage(line);
  REQUIRE(msg.ok());
  return msg->result.get<std::vector<ProcessInfo>>();
}

void requireSame(const std::vector<ProcessInfo>& a, const std::vector<ProcessInfo>& b) {
  REQUIRE(a.size() == b.size());
  for (size_t k = 0; k < a.size(); ++k) CHECK(json(a[k]) == json(b[k]));
}

std::string reply(const json& result, long id = 2) {
  std::string line = proto::encodeLine(proto::makeResult(id, result));
  line.pop_back();  // the newline
  return line;
}

}  // namespace

TEST_CASE("a daemon's getAllProcessInfo reply decodes in one pass to what from_json gives") {
  std::vector<ProcessInfo> infos;
  for (int n = 0; n < 7; ++n) infos.push_back(sample(n));
  const std::string line = reply(json(infos));
  std::vector<ProcessInfo> fast;
  REQUIRE(proto::decodeProcessInfoReply(line, 2, fast));
  requireSame(fast, generalPath(line));
  requireSame(fast, infos);
}

TEST_CASE("an empty process list and spaces between tokens decode too") {
  std::vector<ProcessInfo> fast{ProcessInfo{}};
  REQUIRE(proto::decodeProcessInfoReply(R"({"id":5,"jsonrpc":"2.0","result":[]})", 5, fast));
  CHECK(fast.empty());
  const std::string spaced =
      R"( { "id" : 5 , "result" : [ { "name" : "a" , "state" : 20 , "pid" : -1 } ] } )";
  REQUIRE(proto::decodeProcessInfoReply(spaced, 5, fast));
  requireSame(fast, generalPath(spaced));
}

TEST_CASE("a missing statename is derived from the state, as from_json does") {
  const std::string line = R"({"id":1,"result":[{"name":"a","state":200}]})";
  std::vector<ProcessInfo> fast;
  REQUIRE(proto::decodeProcessInfoReply(line, 1, fast));
  CHECK(fast.at(0).statename == "FATAL");
  requireSame(fast, generalPath(line));
}

TEST_CASE("replies the one-pass decoder does not fully handle go to the general path") {
  std::vector<ProcessInfo> out;
  const char* refused[] = {
      R"({"id":1,"error":{"code":6,"message":"SHUTDOWN_STATE"}})",  // a fault
      R"({"id":9,"result":[]})",                                   // another request's reply
      R"({"id":"1","result":[]})",                                 // id of another type
      R"({"id":1,"result":[{"name":"caf\u00e9"}]})",               // \u escape
      "{\"id\":1,\"result\":[{\"name\":\"caf\xc3\xa9\"}]}",        // UTF-8
      R"({"id":1,"result":[{"pid":1.5}]})",                        // a float
      R"({"id":1,"result":[{"pid":1e3}]})",                        // an exponent
      R"({"id":1,"result":[{"pid":012}]})",                        // bad JSON number
      R"({"id":1,"result":[{"pid":4294967296}]})",                 // beyond int
      R"({"id":1,"result":[{"pid":"12"}]})",                       // wrong type
      R"({"id":1,"result":[{"name":null}]})",                      // null
      R"({"id":1,"result":[{"extra":{"a":1}}]})",                  // unknown field
      R"({"id":1,"result":[{"name":"a"}],"id":1})",                // repeated key
      R"({"id":1,"result":[{"name":"a"}]} x)",                     // trailing bytes
      R"({"id":1,"result":[{"name":"a"})",                         // truncated
      R"({"id":1,"result":{}})",                                   // not a list
      R"({"id":1})",                                               // no result
      R"({"method":"log","params":{}})",                           // a notification
  };
  for (const char* line : refused) {
    INFO(line);
    CHECK_FALSE(proto::decodeProcessInfoReply(line, 1, out));
  }
}
