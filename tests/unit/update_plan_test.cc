// update's steps in supervisorctl.py's order, and update --dry-run's lines.
#include "supervisorctl/update_plan.h"

#include <catch2/catch.hpp>

using namespace sup::ctl;
using Kind = UpdateStep::Kind;

TEST_CASE("update removes, then changes, then adds, each only for the groups named", "[policy]") {
  std::vector<std::string> added{"n1", "n2"}, changed{"c"}, removed{"r"};
  CHECK(planUpdate(added, changed, removed, {}) ==
        std::vector<UpdateStep>{
            {Kind::Remove, "r"}, {Kind::Change, "c"}, {Kind::Add, "n1"}, {Kind::Add, "n2"}});
  CHECK(planUpdate(added, changed, removed, {"n2", "r", "other"}) ==
        std::vector<UpdateStep>{{Kind::Remove, "r"}, {Kind::Add, "n2"}});
  CHECK(planUpdate({}, {}, {}, {}).empty());
}

TEST_CASE("update --dry-run prints update's own lines, each prefixed 'would: '", "[policy]") {
  CHECK(dryRunLines({{Kind::Remove, "r"}, {Kind::Change, "c"}, {Kind::Add, "n"}}) ==
        std::vector<std::string>{"would: r: stopped", "would: r: removed process group",
                                 "would: c: stopped", "would: c: updated process group",
                                 "would: n: added process group"});
  CHECK(dryRunLines({}).empty());
}
