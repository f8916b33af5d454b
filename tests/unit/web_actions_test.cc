#include "supervisord/web_actions.h"

#include <catch2/catch.hpp>

using namespace sup::web;
using sup::RpcOutcome;
using sup::proto::Fault;
using sup::proto::json;

namespace {

Action parsed(const std::string& body) {
  auto a = parseAction(Form::parse(body));
  REQUIRE(a);
  return *a;
}

}  // namespace

TEST_CASE("the form names an action and a process") {
  Action stop = parsed("token=t&name=web&action=stop");
  CHECK(stop.kind == ActionKind::kStop);
  CHECK(stop.name == "web");
  CHECK(parsed("action=restartall&name=ignored").name.empty());
  CHECK(parsed("action=clear&name=g%3Ap").name == "g:p");
  auto missing = parseAction(Form::parse("action=start"));
  REQUIRE_FALSE(missing);
  CHECK(missing.error().message == "Error: start requires a process name");
  CHECK_FALSE(parseAction(Form::parse("action=shutdown&name=x")));
  CHECK_FALSE(parseAction(Form::parse("name=x")));
}

TEST_CASE("each action is the daemon's own methods in supervisorctl's order") {
  auto steps = actionSteps(parsed("action=restart&name=web"));
  REQUIRE(steps.size() == 2);
  CHECK(steps[0].method == "supervisor.stopProcess");
  CHECK(steps[0].params == json::array({"web", true}));
  CHECK(steps[1].method == "supervisor.startProcess");
  auto all = actionSteps(parsed("action=restartall"));
  REQUIRE(all.size() == 2);
  CHECK(all[0].method == "supervisor.stopAllProcesses");
  CHECK(all[1].method == "supervisor.startAllProcesses");
  auto clear = actionSteps(parsed("action=clear&name=web"));
  REQUIRE(clear.size() == 1);
  CHECK(clear[0].method == "supervisor.clearProcessLogs");
  CHECK(clear[0].params == json::array({"web"}));
}

TEST_CASE("results are told in supervisorctl's words") {
  ActionStep start{"supervisor.startProcess", json::array({"web", true})};
  ActionStep stop{"supervisor.stopProcess", json::array({"web", true})};
  ActionStep clear{"supervisor.clearProcessLogs", json::array({"g:p"})};
  using Lines = std::vector<std::string>;
  CHECK(stepLines(start, "web", RpcOutcome::ok(true)) == Lines{"web: started"});
  CHECK(stepLines(stop, "web", RpcOutcome::ok(true)) == Lines{"web: stopped"});
  CHECK(stepLines(clear, "g:p", RpcOutcome::ok(true)) == Lines{"g:p: cleared"});
  CHECK(stepLines(stop, "web", RpcOutcome::fault(Fault::kNotRunning, "web")) ==
        Lines{"web: ERROR (not running)"});
  CHECK(stepLines(start, "web", RpcOutcome::fault(Fault::kAlreadyStarted, "web")) ==
        Lines{"web: ERROR (already started)"});
  CHECK(stepLines(start, "nope", RpcOutcome::fault(Fault::kBadName, "nope")) ==
        Lines{"nope: ERROR (no such process)"});
  CHECK(stepLines(start, "web", RpcOutcome::fault(Fault::kSpawnError, "web")) ==
        Lines{"web: ERROR (spawn error)"});
  CHECK(stepLines(start, "web", RpcOutcome::error(-32603, "boom")) == Lines{"error: boom"});
  ActionStep stop_all{"supervisor.stopAllProcesses", json::array({true})};
  json results = json::array();
  results.push_back({{"name", "a"}, {"group", "a"}, {"status", 80}, {"description", "OK"}});
  results.push_back({{"name", "b"}, {"group", "g"}, {"status", 70}, {"description", "x"}});
  CHECK(stepLines(stop_all, "", RpcOutcome::ok(results)) ==
        Lines{"a: stopped", "g:b: ERROR (not running)"});
}
