// Child output in the main log at loglevel=debug, as Python Supervisor 4.2.5
// writes it: "%(name)r %(channel)s output:\n%(data)s", the data as text when
// it is UTF-8 and as "Undecodable: b'...'" otherwise, so the main log (and
// the terminal under -n) stays valid UTF-8. The expected texts were recorded
// from Python's supervisord with the same config.
#include <catch2/catch.hpp>

#include "daemon_harness.h"

using namespace sup::test;

TEST_CASE("undecodable child output is logged as Python's bytes repr, named by its repr") {
  DaemonHarness d;
  // printf turns \210 into the byte 0x88: not UTF-8.
  d.writeConfig(d.header("debug") +
                "[program:it's]\ncommand=printf '\\210\\nok\\n'\nstartsecs=0\n"
                "autorestart=false\n");
  REQUIRE(d.start());
  // Python 4.2.5 logged exactly these two lines for this program.
  const std::string expected = "DEBG \"it's\" stdout output:\nUndecodable: b'\\x88\\nok\\n'\n";
  REQUIRE(waitFor([&] { return d.mainLog().find(expected) != std::string::npos; }));
  // -n also copies the main log to the terminal: the same text there.
  CHECK(
      waitFor([&] { return readFile(d.path("daemon.out")).find(expected) != std::string::npos; }));
  CHECK(d.mainLog().find('\x88') == std::string::npos);
}

TEST_CASE("UTF-8 child output is logged as the text itself") {
  DaemonHarness d;
  d.writeConfig(d.header("debug") +
                "[program:malmo]\ncommand=printf 'The \\303\\230resund bridge ends in "
                "Malm\\303\\266\\n'\nstartsecs=0\nautorestart=false\n");
  REQUIRE(d.start());
  const std::string expected = "DEBG 'malmo' stdout output:\nThe Øresund bridge ends in Malmö\n";
  CHECK(waitFor([&] { return d.mainLog().find(expected) != std::string::npos; }));
}
