// The direct getAllProcessInfo writer against nlohmann's own dump(): the
// client decodes either, but other JSON-RPC clients see these exact bytes.
#include "common/process_info_json.h"

#include <catch2/catch.hpp>

using sup::proto::json;
using sup::proto::ProcessInfo;

namespace {
ProcessInfo sample() {
  ProcessInfo i;
  i.name = "web";
  i.group = "web";
  i.start = 1700000000;
  i.now = 1700000123;
  i.state = 20;
  i.statename = "RUNNING";
  i.logfile = "/var/log/web.log";
  i.stdout_logfile = "/var/log/web.log";
  i.stderr_logfile = "/var/log/web-stderr---supervisor-abc123.log";
  i.pid = 4242;
  i.description = "pid 4242, uptime 0:02:03";
  return i;
}
}  // namespace

TEST_CASE("a process info is written exactly as json dump() writes it", "[protocol]") {
  ProcessInfo plain = sample();
  ProcessInfo odd = sample();
  odd.name = "caf\u00e9 \"q\" back\\slash\ttab\x01";
  odd.spawnerr = "bad \xff byte and \x7f del";
  odd.description = "";
  odd.exitstatus = -1;
  odd.stop = -9223372036854775807LL - 1;
  odd.start = 9223372036854775807LL;
  odd.pid = -2147483647 - 1;
  ProcessInfo waiting = sample();  // ours: only while a process waits
  waiting.state = 10;
  waiting.waiting_for = {"db", "cache:c\"1"};
  ProcessInfo unready = sample();
  unready.awaiting_ready = "exec:pg_isready -h \"/run/pg\"";
  for (const ProcessInfo& info : {plain, odd, waiting, unready}) {
    std::string direct;
    sup::proto::appendProcessInfoJson(direct, info);
    CHECK(direct == json(info).dump(-1, ' ', false, json::error_handler_t::replace));
  }
  std::vector<ProcessInfo> list{plain, odd};
  CHECK(sup::proto::processInfoListJson(list) ==
        json(list).dump(-1, ' ', false, json::error_handler_t::replace));
  CHECK(sup::proto::processInfoListJson({}) == "[]");
}

TEST_CASE("a pre-encoded result line equals the encoded makeResult message", "[protocol]") {
  std::string result = sup::proto::processInfoListJson({sample()});
  for (const json& id : {json(7), json("abc"), json(nullptr)}) {
    CHECK(sup::proto::encodeResultLine(id, result) ==
          sup::proto::encodeLine(sup::proto::makeResult(id, json::parse(result))));
  }
}
