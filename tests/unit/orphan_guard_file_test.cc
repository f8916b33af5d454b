// The orphan guard's state file as the daemon keeps it: appended to on each
// spawn and exit, rewritten whole once dropped lines outnumber live ones,
// removed when nothing runs. Real files in a temp dir; this test process
// stands in for every child (its /proc/self/stat gives a real start time).
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "supervisord/main_log.h"
#include "supervisord/orphan_guard.h"

using namespace sup;
namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

ProcessConfig program(const std::string& name) {
  ProcessConfig c;
  c.group = name;
  c.name = name;
  return c;
}

}  // namespace

TEST_CASE("the children file grows by a line per spawn and exit, and is compacted") {
  std::string tmpl = (fs::temp_directory_path() / "orphans-XXXXXX").string();
  fs::path dir = ::mkdtemp(tmpl.data());
  std::string pidfile = (dir / "sv.pid").string();
  fs::path state = childStatePath(pidfile);
  {
    MainLog log;
    OrphanGuard guard;
    guard.stopLeftovers(pidfile, log);
    for (int i = 0; i < 100; ++i) guard.recordSpawn(::getpid(), program("p" + std::to_string(i)));
    std::string text = slurp(state);
    CHECK(parseChildState(text).children.size() == 100);
    size_t before = text.size();
    guard.forget("p7", "p7");
    text = slurp(state);
    CHECK(text.size() == before + formatChildGone("p7:p7").size());  // appended, not rewritten
    CHECK(text.substr(before) == "- p7:p7\n");
    CHECK(parseChildState(text).children.size() == 99);
    // A program that crashes and restarts over and over: the file stays
    // within a bound of the live records instead of growing.
    size_t most = 0;
    for (int round = 0; round < 2000; ++round) {
      guard.forget("p1", "p1");
      guard.recordSpawn(::getpid(), program("p1"));
      most = std::max(most, static_cast<size_t>(fs::file_size(state)));
    }
    ChildState s = parseChildState(slurp(state));
    CHECK(s.children.size() == 99);
    CHECK(std::count_if(s.children.begin(), s.children.end(),
                        [](const ChildRecord& r) { return r.name == "p1:p1"; }) == 1);
    CHECK(most < 4 * before);
    for (int i = 0; i < 100; ++i) guard.forget("p" + std::to_string(i), "p" + std::to_string(i));
    CHECK_FALSE(fs::exists(state));
  }
  fs::remove_all(dir);
}
