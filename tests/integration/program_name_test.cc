// Run through PATH, Supervisor's scripts name themselves by the path the
// kernel was given (Python's sys.argv[0] behind a #! line), in usage texts
// and in the config search (here = dirname(dirname(argv[0]))). Ours take the
// same path from AT_EXECFN.
#include <catch2/catch.hpp>

#include "daemon_harness.h"

using namespace sup::test;

TEST_CASE("run through PATH the binaries print their full path as Python's scripts do") {
  const std::string bin = SUP_BIN_DIR;
  const std::string path = "PATH=" + bin + ":/usr/bin:/bin ";
  CHECK(run(path + "supervisord -h").out.find("Usage: " + bin + "/supervisord [options]\n") !=
        std::string::npos);
  CHECK(run(path + "supervisorctl -h").out.find("Usage: " + bin + "/supervisorctl [options]") !=
        std::string::npos);
  CHECK(run(path + "pidproxy").out.find("Usage: " + bin + "/pidproxy <pidfile name>") !=
        std::string::npos);
  // Run by a relative path, the name is that path.
  CHECK(run("cd " + bin + " && ./supervisord -h").out.find("Usage: ./supervisord [options]\n") !=
        std::string::npos);
}
