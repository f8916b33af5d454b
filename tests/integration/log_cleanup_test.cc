// AUTO child log cleanup at startup: supervisord removes the AUTO logs an
// earlier run left in childlogdir (Supervisor's clear_autochildlogdir),
// unless nocleanup (-k) is given; other files are never touched.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "tests/integration/daemon_harness.h"

using namespace sup::test;
namespace fs = std::filesystem;

namespace {

void plant(DaemonHarness& d) {
  std::ofstream(d.path("web-stdout---supervisor-abc123.log")) << "old run\n";
  std::ofstream(d.path("web-stdout---supervisor-abc123.log.1")) << "older run\n";
  std::ofstream(d.path("notes.log")) << "not ours\n";
}

}  // namespace

TEST_CASE("AUTO child logs of an earlier run are removed at startup, other files kept") {
  DaemonHarness d;
  d.writeConfig(d.header() + "[program:a]\ncommand={helpers}/sleeper\nstartsecs=0\n");
  plant(d);
  REQUIRE(d.start());
  CHECK_FALSE(fs::exists(d.path("web-stdout---supervisor-abc123.log")));
  CHECK_FALSE(fs::exists(d.path("web-stdout---supervisor-abc123.log.1")));
  CHECK(fs::exists(d.path("notes.log")));
}

TEST_CASE("nocleanup (-k) keeps the AUTO child logs of an earlier run") {
  DaemonHarness d;
  d.writeConfig(d.header() + "[program:a]\ncommand={helpers}/sleeper\nstartsecs=0\n");
  plant(d);
  REQUIRE(d.start({"-k"}));
  CHECK(fs::exists(d.path("web-stdout---supervisor-abc123.log")));
  CHECK(fs::exists(d.path("web-stdout---supervisor-abc123.log.1")));
}
