// OutputCapture on the default path: a writer at full speed into a real
// pipe, read by the event loop, with rotation on (splice far from maxbytes,
// boundary reads near it) and with the read path forced (strip_ansi): every
// line arrives once, in order, and no rotated file ends mid-line.
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "common/config_model.h"
#include "supervisord/event_loop.h"
#include "supervisord/main_log.h"
#include "supervisord/output_capture.h"
#include "tests/unit/temp_dir.h"

using namespace sup;
namespace fs = std::filesystem;

using sup::test::slurp;
using sup::test::TempDir;

namespace {

// Numbered lines of 20 to 219 bytes.
std::string numberedLines(size_t total) {
  std::string out;
  for (int i = 0; out.size() < total; ++i) {
    std::string line = "line " + std::to_string(i) + " ";
    line.resize(19 + (static_cast<size_t>(i) * 37) % 200, 'x');
    out += line + "\n";
  }
  return out;
}

// Runs `config`'s stdout capture while a thread writes `data` into the pipe
// in uneven pieces; returns the log's files, oldest first.
std::vector<std::string> capture(const ProcessConfig& config, const CaptureSettings& settings,
                                 const std::string& data) {
  EventLoop loop;
  MainLog log;
  OutputCapture capture(loop, log, config, settings);
  int fds[2];
  REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
  ::fcntl(fds[0], F_SETFL, O_NONBLOCK);
  capture.attach(-1, fds[0], -1);
  std::atomic<bool> done{false};
  std::thread writer([&] {
    size_t piece = 1;
    for (size_t at = 0; at < data.size(); at += piece) {
      piece = std::min<size_t>(1 + (at * 7919) % 200000, data.size() - at);
      size_t off = 0;
      while (off < piece) {
        ssize_t n = ::write(fds[1], data.data() + at + off, piece - off);
        if (n > 0) off += static_cast<size_t>(n);
      }
    }
    ::close(fds[1]);
    done = true;
  });
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  // A timer keeps each turn short, so `done` is seen even when the pipe is quiet.
  std::function<void()> tick = [&] { loop.after(std::chrono::milliseconds(5), tick); };
  tick();
  while (!done && std::chrono::steady_clock::now() < deadline) loop.runOnce();
  writer.join();
  capture.drainAndDetach();
  std::vector<std::string> files;
  const auto& path = config.stdout_log.logfile.path;
  for (int i = config.stdout_log.logfile_backups; i >= 1; --i) {
    fs::path b = path + "." + std::to_string(i);
    if (fs::exists(b)) files.push_back(slurp(b));
  }
  files.push_back(slurp(path));
  return files;
}

ProcessConfig writerConfig(const fs::path& dir, long long maxbytes, int backups) {
  ProcessConfig config;
  config.name = "writer";
  config.stdout_log.logfile.kind = LogFileSpec::Kind::Path;
  config.stdout_log.logfile.path = (dir / "writer.log").string();
  config.stdout_log.logfile_maxbytes = maxbytes;
  config.stdout_log.logfile_backups = backups;
  config.redirect_stderr = true;
  return config;
}

void checkWholeLines(const std::vector<std::string>& files, long long maxbytes) {
  for (size_t i = 0; i + 1 < files.size(); ++i) {
    INFO("file " << i << " of " << files.size());
    REQUIRE(!files[i].empty());
    CHECK(files[i].back() == '\n');
    CHECK(static_cast<long long>(files[i].size()) <= maxbytes + 220);
  }
}

}  // namespace

TEST_CASE("captured output rotates at line ends through splices and boundary reads") {
  TempDir dir{"capture-rot"};
  const long long maxbytes = 1 << 20;
  auto config = writerConfig(dir.path, maxbytes, 30);
  std::string data = numberedLines(12 << 20);
  auto files = capture(config, CaptureSettings{}, data);
  CHECK(files.size() >= 12);
  checkWholeLines(files, maxbytes);
  std::string all;
  for (const auto& f : files) all += f;
  CHECK(all == data);
}

TEST_CASE("captured output on the read path (strip_ansi) rotates at line ends too") {
  TempDir dir{"capture-rot"};
  const long long maxbytes = 300000;
  auto config = writerConfig(dir.path, maxbytes, 40);
  CaptureSettings settings;
  settings.strip_ansi = true;
  std::string plain = numberedLines(6 << 20);
  std::string colored;
  size_t start = 0;
  for (size_t nl = plain.find('\n'); nl != std::string::npos; nl = plain.find('\n', start)) {
    colored += "\x1b[32m" + plain.substr(start, nl - start) + "\x1b[0m\n";
    start = nl + 1;
  }
  auto files = capture(config, settings, colored);
  CHECK(files.size() >= 15);
  checkWholeLines(files, maxbytes);
  std::string all;
  for (const auto& f : files) all += f;
  // Stripped per read, as Supervisor does: a sequence cut by the end of a
  // read stays, in two pieces that join up again here.
  CHECK(all.size() < colored.size());
  CHECK(stripAnsi(all) == plain);
}

TEST_CASE("strip_ansi into a reused buffer gives what stripAnsi gives") {
  std::string out = "left over from the last read";
  for (std::string_view in : {"\x1b[31mred\x1b[0m plain", "no escapes", "dangling \x1b[12",
                              "lone \x1b escape", "\x1b[12\x1b[31mnested", ""}) {
    stripAnsiInto(in, out);
    CHECK(out == stripAnsi(in));
  }
  stripAnsiInto("\x1b[1mbold\x1b[0m", out);
  CHECK(out == "bold");
}
