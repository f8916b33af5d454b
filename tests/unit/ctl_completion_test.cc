// completion.bash, which the Debian package installs, against supervisorctl's
// command table (supervisorctl/ctl_commands.h): the same command words, and
// each command in the case branch of its completion kind.
#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "common/event_types.h"
#include "supervisorctl/ctl_commands.h"

using namespace sup::ctl;

namespace {

std::string readScript() {
  std::ifstream in(std::string(SUP_SOURCE_DIR) + "/supervisorctl/completion.bash");
  REQUIRE(in);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::set<std::string> words(const std::string& text) {
  std::set<std::string> out;
  std::istringstream in(text);
  for (std::string w; in >> w;) out.insert(w);
  return out;
}

// The branch comment completion.bash gives each kind, and a piece of code
// that branch must hold.
struct KindInScript {
  const char* comment;
  const char* code;
};

const std::map<Completion, KindInScript> kKinds = {
    {Completion::kCommands, {"commands", "\"$commands\""}},
    {Completion::kGroups, {"groups", "_supervisorctl_names groups"}},
    {Completion::kProcesses, {"processes", "_supervisorctl_names processes"}},
    {Completion::kStatusLike, {"status-like", "--json\" -- \"$cur\"))\n      else"}},
    {Completion::kJsonOnly, {"json-only", "--json"}},
    {Completion::kSignal, {"signal", "HUP INT QUIT KILL USR1 USR2 TERM CONT STOP"}},
    {Completion::kTail, {"tail", ") stdout stderr"}},
    {Completion::kMaintail, {"maintail", "-f -100 -1600"}},
    {Completion::kLogrotate, {"logrotate", ") supervisord"}},
    {Completion::kLogSearch, {"log-search", "_supervisorctl_names processes"}},
    {Completion::kEvents, {"events", "PROCESS_STATE_FATAL"}},
};

struct Branch {
  std::set<std::string> commands;
  std::string comment;
  std::string body;
};

// The branches of `case $cmd in ... esac`: "a|b)  # kind" then the body up to ";;".
std::vector<Branch> branches(const std::string& script) {
  auto start = script.find("case $cmd in");
  REQUIRE(start != std::string::npos);
  auto end = script.find("\n  esac", start);
  REQUIRE(end != std::string::npos);
  std::string block = script.substr(start, end - start);
  std::vector<Branch> out;
  std::regex label(R"(\n    ([a-z|]+)\)  # ([a-z-]+)\n)");
  for (std::sregex_iterator it(block.begin(), block.end(), label), stop; it != stop; ++it) {
    Branch b;
    std::string names = (*it)[1];
    for (std::size_t p = 0; p <= names.size();) {
      auto bar = names.find('|', p);
      b.commands.insert(names.substr(p, bar - p));
      if (bar == std::string::npos) break;
      p = bar + 1;
    }
    b.comment = (*it)[2];
    auto body_start = static_cast<std::size_t>(it->position() + it->length());
    b.body = block.substr(body_start, block.find(";;", body_start) - body_start);
    out.push_back(b);
  }
  return out;
}

}  // namespace

TEST_CASE("completion.bash offers exactly the commands of the table") {
  std::string script = readScript();
  std::smatch m;
  REQUIRE(std::regex_search(script, m, std::regex(R"re(local commands="([^"]*)")re")));
  std::set<std::string> table;
  for (const auto& c : ctlCommands()) {
    if (c.listing != Listing::kHidden) table.emplace(c.name);
  }
  CHECK(words(m[1]) == table);
}

TEST_CASE("completion.bash completes each command's arguments by its kind in the table") {
  auto all = branches(readScript());
  REQUIRE(all.size() == kKinds.size());
  for (const auto& c : ctlCommands()) {
    INFO("command " << c.name);
    const Branch* found = nullptr;
    for (const auto& b : all) {
      if (b.commands.count(std::string(c.name))) {
        CHECK(found == nullptr);  // in one branch only
        found = &b;
      }
    }
    if (c.completion == Completion::kNone) {
      CHECK(found == nullptr);
      continue;
    }
    REQUIRE(found != nullptr);
    const KindInScript& kind = kKinds.at(c.completion);
    CHECK(found->comment == kind.comment);
    CHECK(found->body.find(kind.code) != std::string::npos);
  }
  for (const auto& b : all) {
    for (const auto& name : b.commands) {
      INFO("bash branch for " << name);
      CHECK(findCtlCommand(name) != nullptr);
    }
  }
}

TEST_CASE("the table names each command once and help has a text for every shown one") {
  std::set<std::string_view> seen;
  for (const auto& c : ctlCommands()) {
    INFO("command " << c.name);
    CHECK(seen.insert(c.name).second);
    CHECK(c.help.empty() == (c.listing == Listing::kHidden));
    CHECK(findCtlCommand(c.name) == &c);
  }
}

TEST_CASE("completion.bash offers every event type after events") {
  for (const auto& b : branches(readScript())) {
    if (!b.commands.count("events")) continue;
    auto offered = words(b.body);
    for (sup::EventType t : sup::allEventTypes()) {
      INFO("event type " << sup::eventTypeName(t));
      CHECK(offered.count(std::string(sup::eventTypeName(t))) == 1);
    }
    return;
  }
  FAIL("no events branch");
}
