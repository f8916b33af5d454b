// Fuzz target: the JSON-RPC protocol both binaries speak. The input is the
// byte stream of one connection. It is fed to LineBuffer in irregular pieces
// (as recv(2) delivers it) and the lines that come out are checked against a
// plain split of the whole stream; then each line is parsed as a request (the
// daemon's side) and as a reply or notification (supervisorctl's side);
// replies are re-encoded, and results decoded into the protocol's structs the
// way supervisorctl does. Well-formed requests are then dispatched through the
// daemon's real method registry (every supervisor.* and system.* method) to a
// Supervisor whose spawner is fake, so start/stop/signal change states without
// forking or signalling anything; each input gets a fresh Supervisor.
#include <sys/stat.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/config_model.h"
#include "common/line_framing.h"
#include "common/protocol.h"
#include "supervisord/event_loop.h"
#include "supervisord/log_registry.h"
#include "supervisord/main_log.h"
#include "supervisord/rpc_methods.h"
#include "supervisord/spawner.h"
#include "supervisord/supervisor.h"

namespace {

using sup::proto::json;

// ---- dispatch into the daemon -----------------------------------------------

class FakeSpawner : public sup::Spawner {
 public:
  sup::Result<sup::SpawnedChild> spawn(const sup::SpawnRequest&) override {
    sup::SpawnedChild child;
    child.pid = next_pid_++;
    return child;
  }
  sup::CommandCheck checkCommand(const sup::ProcessConfig& config) override {
    return sup::resolveCommand(config);
  }
  int kill(int, int) override { return 0; }
  std::vector<sup::ReapedChild> reap() override { return {}; }

 private:
  int next_pid_ = 100000;
};

const std::string& workDir() {
  static const std::string dir = [] {
    std::string d = "/dev/shm/sup-fuzz-rpc-" + std::to_string(::getpid());
    if (::mkdir(d.c_str(), 0700) != 0) std::abort();
    std::atexit([] {
      std::error_code ignored;
      std::filesystem::remove_all("/dev/shm/sup-fuzz-rpc-" + std::to_string(::getpid()), ignored);
    });
    return d;
  }();
  return dir;
}

sup::ProcessConfig process(const std::string& group, const std::string& name, bool autostart) {
  sup::ProcessConfig p;
  p.name = name;
  p.group = group;
  p.command = "/bin/cat";
  p.argv = std::vector<std::string>{"/bin/cat"};
  p.autostart = autostart;
  p.startsecs = 0;
  p.stdout_log.logfile.kind = sup::LogFileSpec::Kind::Path;
  p.stdout_log.logfile.path = workDir() + "/" + name + ".log";
  p.stderr_log.logfile.kind = sup::LogFileSpec::Kind::None;
  return p;
}

sup::Config fuzzConfig() {
  sup::Config config;
  config.supervisord.childlogdir = workDir();
  sup::GroupConfig cat;
  cat.name = "cat";
  cat.processes.push_back(process("cat", "cat", true));
  sup::GroupConfig web;
  web.name = "web";
  web.priority = 10;
  web.processes.push_back(process("web", "web_00", false));
  web.processes.push_back(process("web", "web_01", true));
  config.groups = {cat, web};
  return config;
}

const sup::RpcRegistry& registry() {
  static const sup::RpcRegistry* r = [] {
    auto* reg = new sup::RpcRegistry;
    sup::registerAllMethods(*reg);
    return reg;
  }();
  return *r;
}

// One daemon per input: the requests of one input share it, as the requests
// of one connection share the daemon.
struct Daemon {
  sup::EventLoop loop;
  sup::LogRegistry logs;
  sup::MainLog log;
  FakeSpawner spawner;
  std::unique_ptr<sup::Supervisor> supervisor;
  sup::RpcServices services;

  Daemon() {
    sup::MainLogOptions options;
    options.path = workDir() + "/supervisord.log";
    std::string error;
    if (!log.open(options, &error)) std::abort();
    supervisor = std::make_unique<sup::Supervisor>(loop, log, spawner, fuzzConfig(), logs);
    supervisor->startup();
    services.loop = &loop;
    services.supervisor = supervisor.get();
    services.load_config = [] { return sup::Result<sup::Config>(fuzzConfig()); };
    services.log_info = [this](const std::string& line) { log.info(line); };
  }

  void dispatch(const sup::proto::Request& request) {
    sup::RpcContext ctx;
    ctx.services = &services;
    ctx.peer_uid = 0;
    ctx.peer_pid = 1;
    const sup::proto::json id = request.id;
    sup::RpcReply reply([id](sup::RpcOutcome outcome) {
      const sup::proto::json message =
          outcome.isError() ? sup::proto::makeError(id, outcome.code, outcome.message)
                            : sup::proto::makeResult(id, outcome.resultValue());
      (void)sup::proto::encodeLine(message);
    });
    registry().call(ctx, request.method, request.params, reply);
  }
};

// ---- both sides of the protocol ----------------------------------------------

// from_json throws json::exception on a value of the wrong type or out of
// its field's range (huge floats included: common/protocol.cc checks before
// converting); callers catch that. Anything else (a crash, UB, another
// exception) is a bug.
template <class T>
void decodeAs(const json& value) {
  try {
    T decoded = value.get<T>();
    json again = decoded;
    (void)sup::proto::encodeLine(again);
  } catch (const json::exception&) {
  }
}

void decodeResult(const json& result) {
  decodeAs<sup::proto::ProcessInfo>(result);
  decodeAs<sup::proto::CallResult>(result);
  decodeAs<sup::proto::ConfigInfo>(result);
  decodeAs<sup::proto::LogFileEntry>(result);
  decodeAs<sup::proto::LogChunk>(result);
  if (result.is_array()) {
    for (const json& item : result) {
      decodeAs<sup::proto::ProcessInfo>(item);
      decodeAs<sup::proto::CallResult>(item);
    }
  }
}

void handleLine(std::string_view line, Daemon* daemon) {
  json id;
  auto request = sup::proto::parseRequest(line, &id);
  if (request.ok()) {
    if (daemon != nullptr) daemon->dispatch(*request);
    const json reply = sup::proto::makeResult(request->id, request->params);
    (void)sup::proto::encodeLine(reply);
    (void)sup::proto::splitNamespec(request->method);
  } else {
    (void)sup::proto::encodeLine(
        sup::proto::makeError(id, sup::proto::kInvalidRequest, request.error().message));
  }

  auto message = sup::proto::parseMessage(line);
  if (message.ok()) {
    if (message->error) {
      (void)sup::proto::faultName(message->error->code);
    } else if (!message->is_notification) {
      decodeResult(message->result);
    } else {
      decodeAs<sup::proto::LogChunk>(message->params);
    }
  }
}

// What LineBuffer must produce: the stream's lines (a trailing '\r' dropped)
// up to the first one longer than max_line; `overflow` says whether one was.
std::vector<std::string> expectedLines(std::string_view stream, size_t max_line, bool* overflow) {
  std::vector<std::string> lines;
  *overflow = false;
  size_t start = 0;
  while (start < stream.size()) {
    size_t nl = stream.find('\n', start);
    size_t raw_end = nl == std::string_view::npos ? stream.size() : nl;
    if (raw_end - start > max_line) {
      *overflow = true;
      break;
    }
    if (nl == std::string_view::npos) break;  // a partial line stays pending
    size_t end = nl;
    if (end > start && stream[end - 1] == '\r') --end;
    lines.emplace_back(stream.substr(start, end - start));
    start = nl + 1;
  }
  return lines;
}

// Feed `stream` in pieces of varying size, draining lines after each piece.
std::vector<std::string> framedLines(std::string_view stream, size_t max_line, bool* overflow) {
  sup::LineBuffer buffer(max_line);
  std::vector<std::string> lines;
  size_t pos = 0;
  unsigned step = 0;
  while (pos < stream.size()) {
    size_t piece = 1 + (static_cast<unsigned char>(stream[pos]) + 37 * step++) % 97;
    if (piece > stream.size() - pos) piece = stream.size() - pos;
    bool accepted = buffer.append(stream.substr(pos, piece));
    pos += piece;
    while (auto line = buffer.nextLine()) lines.push_back(std::move(*line));
    if (!accepted) break;  // the server closes the connection here
  }
  *overflow = buffer.overflowed();
  return lines;
}

void checkFraming(std::string_view stream, size_t max_line) {
  bool want_overflow = false;
  bool got_overflow = false;
  const std::vector<std::string> want = expectedLines(stream, max_line, &want_overflow);
  const std::vector<std::string> got = framedLines(stream, max_line, &got_overflow);
  if (got != want || got_overflow != want_overflow) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view stream(reinterpret_cast<const char*>(data), size);
  checkFraming(stream, 64);  // small enough for the fuzzer to overflow it
  bool overflow = false;
  const std::vector<std::string> lines = framedLines(stream, 1 << 20, &overflow);
  Daemon daemon;
  for (const std::string& line : lines) handleLine(line, &daemon);
  return 0;
}
