// HACKING.md is the tour of the code in reading order; a source file it does
// not mention is a file a newcomer will not find. This keeps it true.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace fs = std::filesystem;

TEST_CASE("HACKING.md mentions every source file of the libraries and tools") {
  const fs::path root = SUP_SOURCE_DIR;
  std::ifstream in(root / "HACKING.md");
  REQUIRE(in);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string tour = ss.str();
  int files = 0;
  for (const char* dir : {"common", "supervisord", "supervisorctl", "logsearch", "tools/pidproxy",
                          "tools/echo_supervisord_conf"}) {
    for (const auto& entry : fs::directory_iterator(root / dir)) {
      std::string ext = entry.path().extension().string();
      if (ext != ".h" && ext != ".cc") continue;
      ++files;
      // "foo.h" or "foo.cc" or the pair written as "foo.h (+ foo.cc)".
      std::string stem = entry.path().stem().string();
      INFO(dir << "/" << entry.path().filename().string() << " is not in HACKING.md's tour");
      CHECK((tour.find(stem + ".h") != std::string::npos ||
             tour.find(stem + ".cc") != std::string::npos));
    }
  }
  CHECK(files > 100);
}
