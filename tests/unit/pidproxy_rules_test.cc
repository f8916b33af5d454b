// pidproxy's texts and rules (tools/pidproxy/pidproxy_rules.h). Expected
// values come from Python 3.11 and Supervisor 4.2.5: posixpath.normpath and
// int(text.strip()) on each input, and /usr/bin/pidproxy's usage output.
#include "tools/pidproxy/pidproxy_rules.h"

#include <catch2/catch.hpp>
#include <cerrno>
#include <csignal>
#include <utility>
#include <vector>

namespace pp = sup::pidproxy;

TEST_CASE("pidproxy's usage is Supervisor's docstring printed with print()") {
  // `/usr/bin/pidproxy` with no arguments (exit status 1), byte for byte.
  CHECK(pp::usage("/usr/bin/pidproxy") ==
        "pidproxy -- run command and proxy signals to it via its pidfile.\n"
        "\n"
        "This executable runs a command and then monitors a pidfile.  When this\n"
        "executable receives a signal, it sends the same signal to the pid\n"
        "in the pidfile.\n"
        "\n"
        "Usage: /usr/bin/pidproxy <pidfile name> <command> [<cmdarg1> ...]\n"
        "\n");
}

TEST_CASE("normpath folds paths as posixpath.normpath does") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "."},
      {".", "."},
      {"/", "/"},
      {"//", "//"},
      {"///", "/"},
      {"//a//b/", "//a/b"},
      {"a/./b/../c", "a/c"},
      {"../a", "../a"},
      {"../../a/..", "../.."},
      {"/..", "/"},
      {"/../a", "/a"},
      {"a/..", "."},
      {"a/../..", ".."},
      {"/a/b/../../..", "/"},
      {"./", "."},
      {"a//b", "a/b"},
      {"//a/../b", "//b"},
      {"///a/b/./", "/a/b"},
  };
  for (const auto& [in, out] : cases) {
    INFO(in);
    CHECK(pp::normpath(in) == out);
  }
}

TEST_CASE("abspath joins a relative command to the cwd: pidproxy never searches PATH") {
  CHECK(pp::abspath("../bin/x", "/srv/app") == "/srv/bin/x");
  CHECK(pp::abspath("echo", "/tmp") == "/tmp/echo");
  CHECK(pp::abspath("/bin/echo", "/tmp") == "/bin/echo");
  CHECK(pp::abspath("", "/tmp") == "/tmp");
  CHECK(pp::abspath("x", "/") == "/x");
}

TEST_CASE("the pidfile is read as int(text.strip())") {
  CHECK(pp::parsePid("42") == 42);
  CHECK(pp::parsePid(" 42\n") == 42);
  CHECK(pp::parsePid("+42") == 42);
  CHECK(pp::parsePid("4_2") == 42);
  CHECK(pp::parsePid("00017") == 17);
  CHECK(pp::parsePid(" \u2003 7 ") == 7);  // Unicode whitespace is stripped
  for (const char* bad : {"4__2", "_42", "42_", "", "abc", "0x10", "1.0"}) {
    INFO(bad);
    CHECK_FALSE(pp::parsePid(bad));  // ValueError in Python
  }
  // Python would signal these (0 = its own group, -42 = a group, huge =
  // OverflowError): we report the pidfile unreadable instead.
  CHECK_FALSE(pp::parsePid("0"));
  CHECK_FALSE(pp::parsePid("-42"));
  CHECK_FALSE(pp::parsePid("2147483648"));
}

TEST_CASE("pidproxy passes on six signals and exits after TERM INT and QUIT") {
  for (int s : {SIGTERM, SIGHUP, SIGINT, SIGUSR1, SIGUSR2, SIGQUIT}) CHECK(pp::forwards(s));
  for (int s : {SIGCHLD, SIGALRM, SIGKILL, SIGPIPE, SIGWINCH}) CHECK_FALSE(pp::forwards(s));
  for (int s : {SIGTERM, SIGINT, SIGQUIT}) CHECK(pp::exitsAfterForwarding(s));
  for (int s : {SIGHUP, SIGUSR1, SIGUSR2}) CHECK_FALSE(pp::exitsAfterForwarding(s));
}

TEST_CASE("pidproxy's error lines are Python's") {
  CHECK(pp::cannotReadPidfile("bad.pid") == "Can't read child pidfile bad.pid!");
  // The last line of the traceback of /usr/bin/pidproxy when the pid is gone.
  CHECK(pp::osErrorLine(ESRCH) == "ProcessLookupError: [Errno 3] No such process");
  CHECK(pp::osErrorLine(EPERM) == "PermissionError: [Errno 1] Operation not permitted");
}
