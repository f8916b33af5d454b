// supervisorctl update --dry-run (ours, docs/restart-policies.md): the lines
// update would print, each prefixed "would: ", with nothing changed: same
// pids, no stop, no spawn, and the re-read config not adopted either (avail
// still shows the running one). Then update itself prints the same lines.
#include <catch2/catch.hpp>
#include <string>

#include "daemon_harness.h"
#include "rpc_client.h"

using namespace sup::test;

namespace {

int pidOf(RpcClient& c, const std::string& name) {
  auto info = resultOf(c.call("supervisor.getProcessInfo", {name}));
  return info.is_object() ? info.value("pid", 0) : 0;
}

std::string sleeper(const std::string& name, const std::string& arg = "") {
  return "[program:" + name + "]\ncommand={helpers}/sleeper" + arg + "\nstartsecs=0\n";
}

}  // namespace

TEST_CASE("update --dry-run prints what update would do and changes nothing", "[policy]") {
  DaemonHarness d;
  const std::string head = d.header() + DaemonHarness::ctlSections();
  d.writeConfig(head + sleeper("a") + sleeper("b") + sleeper("c"));
  REQUIRE(d.start());
  REQUIRE(d.waitForLogLine("success: c entered RUNNING"));
  RpcClient c(d.path("sv.sock"));
  const int a = pidOf(c, "a"), b = pidOf(c, "b"), cc = pidOf(c, "c");
  const std::string avail_before = d.ctl("avail").out;

  // a unchanged, b changed, c removed, n added.
  d.writeConfig(head + sleeper("a") + sleeper("b", " 1000") + sleeper("n"));
  const std::string plan =
      "c: stopped\nc: removed process group\nb: stopped\nb: updated process group\n"
      "n: added process group\n";
  const std::string would =
      "would: c: stopped\nwould: c: removed process group\nwould: b: stopped\n"
      "would: b: updated process group\nwould: n: added process group\n";
  RunResult dry = d.ctl("update --dry-run");
  CHECK(dry.exit == 0);
  CHECK(dry.out == would);
  CHECK(d.ctl("update all --dry-run").out == would);
  CHECK(d.ctl("update --dry-run n b").out ==
        "would: b: stopped\nwould: b: updated process group\nwould: n: added process group\n");
  RunResult unknown = d.ctl("update --dry-run nosuch");
  CHECK(unknown.exit == 1);
  CHECK(unknown.out == "ERROR: no such group: nosuch\n");

  CHECK(pidOf(c, "a") == a);
  CHECK(pidOf(c, "b") == b);
  CHECK(pidOf(c, "c") == cc);
  CHECK(errorCode(c.call("supervisor.getProcessInfo", {"n"})) == 10);  // BAD_NAME
  CHECK(d.countLogLines("stopped:") == 0);
  CHECK(d.countLogLines("spawned:") == 3);
  CHECK(d.ctl("avail").out == avail_before);  // the re-read config was not adopted

  RunResult update = d.ctl("update");
  CHECK(update.exit == 0);
  CHECK(update.out == plan);
  REQUIRE(d.waitForLogLine("success: n entered RUNNING"));
  CHECK(pidOf(c, "a") == a);
  RunResult after = d.ctl("update --dry-run");
  CHECK(after.exit == 0);
  CHECK(after.out.empty());
}
