#include "supervisord/web_grep.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <optional>

#include "supervisord/event_loop.h"

using namespace sup::web;
using Args = std::vector<std::string>;

TEST_CASE("the grep form gives supervisorctl grep's command line") {
  auto r = grepRequest(Form::parse("name=web&stream=stderr&pattern=-a%7Cb&i=1&F=1"));
  REQUIRE(r);
  CHECK(r->name == "web");
  CHECK(r->stream == "stderr");
  CHECK(r->pattern == "-a|b");
  GrepLimits limits;
  limits.max_lines = 7;
  CHECK(grepArgs(*r, limits) == Args{"-c", "/dev/fd/3", "grep", "--files-from", "/dev/stdin", "-n",
                                     "-m", "7", "--stream", "stderr", "-i", "-F", "-e", "-a|b",
                                     "--", "web"});
  auto plain = grepRequest(Form::parse("name=g%3Ap&pattern=x"));
  REQUIRE(plain);
  CHECK(grepArgs(*plain, limits) == Args{"-c", "/dev/fd/3", "grep", "--files-from", "/dev/stdin",
                                         "-n", "-m", "7", "--stream", "stdout", "-e", "x", "--",
                                         "g:p"});
  CHECK_FALSE(grepRequest(Form::parse("name=web")));
  CHECK_FALSE(grepRequest(Form::parse("pattern=x")));
  CHECK_FALSE(grepRequest(Form::parse("name=web&pattern=x&stream=main")));
}

TEST_CASE("the file list is supervisorctl's files-from format without unusable paths") {
  std::vector<GrepFileSet> sets = {{"web", "stdout", "/var/log/web out.log", 3},
                                   {"web", "stderr", "", 0},
                                   {"web", "stderr", "/bad\npath", 1}};
  CHECK(fileSetList(sets) == "web stdout 3 /var/log/web out.log\n");
  CHECK(fileSetList({}).empty());
}

TEST_CASE("the grep text says when nothing matched or a bound cut it") {
  GrepLimits limits;
  CHECK(grepText("", false, false, limits) == "(no match)\n");
  CHECK(grepText("web:stdout:1:x\n", false, false, limits) == "web:stdout:1:x\n");
  CHECK(grepText("web:stdout:1:x", true, false, limits) ==
        "web:stdout:1:x\n(output cut at 262144 bytes: supervisorctl grep shows it all)\n");
  CHECK(grepText("", false, true, limits) ==
        "(stopped after 10 s: supervisorctl grep has no time limit)\n");
}

namespace {

// Run a child through runGrepChild on a real loop until it answers.
std::string runChild(const Args& args, const std::string& input, const GrepLimits& limits) {
  sup::EventLoop loop;
  std::optional<std::string> text;
  runGrepChild(loop, "/bin/sh", args, input, limits, [&](std::string t) { text = std::move(t); });
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!text && std::chrono::steady_clock::now() < deadline) loop.runOnce();
  // The killed child is reaped through its pidfd: let the loop finish it.
  return text.value_or("(no answer)");
}

}  // namespace

TEST_CASE("a grep child gets the list on stdin and its output comes back") {
  GrepLimits limits;
  CHECK(runChild({"-c", "cat; echo on-stderr >&2"}, "web stdout 0 /x\n", limits) ==
        "web stdout 0 /x\non-stderr\n");
  CHECK(runChild({"-c", "exit 1"}, "", limits) == "(no match)\n");
  // Its config comes on fd 3.
  CHECK(runChild({"-c", "cat /dev/fd/3"}, "", limits) == "[supervisorctl]\n");
}

TEST_CASE("a grep child that writes too much or runs too long is killed") {
  GrepLimits limits;
  limits.max_output_bytes = 1000;
  std::string cut = runChild({"-c", "yes line"}, "", limits);
  CHECK(cut.size() < 1200);
  CHECK(cut.find("(output cut at 1000 bytes") != std::string::npos);
  limits = GrepLimits{};
  limits.timeout = std::chrono::milliseconds(200);
  auto start = std::chrono::steady_clock::now();
  std::string slow = runChild({"-c", "sleep 30"}, "", limits);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
  CHECK(slow.find("(stopped after 200 ms: supervisorctl grep") != std::string::npos);
}
