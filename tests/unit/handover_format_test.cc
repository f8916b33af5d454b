// The re-exec hand-over's encoding (supervisord/handover_format.h): what is
// written is read back equal, and anything short of a whole, consistent
// hand-over is refused with a reason, never half-read.
#include "supervisord/handover_format.h"

#include <catch2/catch.hpp>

using namespace sup;
using namespace sup::handover;

namespace {

State sample() {
  State s;
  s.encoded_at_mono_ns = 123456789012345;
  s.pid = 4242;
  s.pidfile_path = "/run/supervisord.pid";
  s.pidfile_fd = 5;
  s.listeners.push_back(Listener{7, "unix:/run/supervisor.sock"});
  Group g;
  g.name = "web";
  g.header_json = R"({"kind":"program","name":"web","priority":999,"shadowed":false})";
  Process p;
  p.name = "web";
  p.config_json = R"({"name":"web"})";
  p.state = 20;
  p.pid = 1234;
  p.backoff = 2;
  p.killing = true;
  p.ever_started = true;
  p.laststart_mono_ns = 99;
  p.laststart_wall = 1700000000;
  p.laststop_wall = 1690000000;
  p.spawnerr = "Exited too quickly";
  p.exitstatus = -1;
  p.timer_deadline_mono_ns = 1000;
  p.exec_error = "";
  p.stdin_fd = 10;
  p.stdin_pending = std::string("in\0put", 6);
  p.out =
      Stream{"/var/log/web.log", 11, "pend", 3, "partial", true, "<!--XSUP", "cap", true, "tee li"};
  p.err.fd = 12;
  g.processes.push_back(p);
  Process stopped;
  stopped.name = "idle";
  stopped.config_json = "{}";
  stopped.state = 0;
  g.processes.push_back(stopped);
  s.groups.push_back(g);
  s.extensions["events"] = "serial 41";
  return s;
}

void putLe(std::string& out, std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

std::uint64_t fnv(const std::string& body) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : body) h = (h ^ c) * 0x100000001b3ull;
  return h;
}

// A hand-over assembled by hand from its documented layout (docs/reexec.md).
std::string frame(const std::string& body, std::uint32_t version = kVersion) {
  std::string out(kMagic);
  putLe(out, version, 4);
  putLe(out, 0, 4);
  putLe(out, body.size(), 8);
  putLe(out, fnv(body), 8);
  return out + body;
}

std::string field(std::uint16_t tag, const std::string& payload) {
  std::string out;
  putLe(out, tag, 2);
  putLe(out, payload.size(), 4);
  return out + payload;
}

std::string integer(std::uint16_t tag, std::int64_t v) {
  std::string payload;
  putLe(payload, static_cast<std::uint64_t>(v), 8);
  return field(tag, payload);
}

}  // namespace

TEST_CASE("handover: what is encoded decodes equal, pending bytes and NULs included") {
  State s = sample();
  auto back = decode(encode(s));
  REQUIRE(back.ok());
  CHECK(*back == s);
  CHECK(back->processCount() == 2);
  CHECK(back->fds() == std::vector<int>{5, 7, 10, 11, 12});
}

TEST_CASE("handover: the documented layout is what decode reads") {
  std::string process = field(1, "a") + field(2, "{}") + integer(3, 20) + integer(4, 77) +
                        integer(13, 5000) + field(17, integer(2, 9));
  std::string group = field(1, "a") + field(2, "{}") + field(3, process);
  std::string body = integer(1, 42) + integer(2, 100) + field(3, "/p") + integer(4, 8) +
                     field(5, integer(1, 6) + field(2, "unix:/s")) + field(6, group) +
                     field(7, field(1, "events") + field(2, "x")) +
                     field(999, "a newer writer's field");
  auto s = decode(frame(body));
  REQUIRE(s.ok());
  CHECK(s->pid == 100);
  CHECK(s->pidfile_fd == 8);
  CHECK(s->listeners == std::vector<Listener>{{6, "unix:/s"}});
  REQUIRE(s->groups.size() == 1);
  const Process& p = s->groups[0].processes.at(0);
  CHECK(p.pid == 77);
  CHECK(p.state == 20);
  CHECK(p.timer_deadline_mono_ns == 5000);
  CHECK(p.out.fd == 9);
  CHECK(s->extensions.at("events") == "x");
  CHECK(peekVersion(frame(body)) == kVersion);
}

TEST_CASE("handover: a cut-short hand-over is refused at every length") {
  std::string bytes = encode(sample());
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    INFO("length " << n);
    CHECK_FALSE(decode(std::string_view(bytes).substr(0, n)).ok());
  }
}

TEST_CASE("handover: a flipped byte anywhere in the body fails the checksum") {
  std::string bytes = encode(sample());
  for (std::size_t i = 32; i < bytes.size(); i += 7) {
    std::string bad = bytes;
    bad[i] = static_cast<char>(bad[i] ^ 0x20);
    auto r = decode(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message == "the hand-over's checksum is wrong");
  }
}

TEST_CASE("handover: magic and version are checked first, with the reason") {
  std::string bytes = encode(sample());
  std::string bad_magic = bytes;
  bad_magic[0] = 'X';
  CHECK(decode(bad_magic).error().message == "the hand-over has no magic");
  CHECK(decode(frame(integer(2, 1), kVersion + 1)).error().message ==
        "hand-over format version 2 (this supervisord reads 1 to 1)");
  CHECK(decode(frame(integer(2, 1), 0)).error().message ==
        "hand-over format version 0 (this supervisord reads 1 to 1)");
  CHECK(decode(bytes + "x").error().message.find("length says") != std::string::npos);
}

TEST_CASE("handover: records that do not make sense are refused") {
  auto proc = [](const std::string& fields) {
    return frame(integer(2, 100) + field(6, field(1, "g") + field(2, "{}") + field(3, fields)));
  };
  std::string ok = field(1, "a") + field(2, "{}") + integer(3, 20) + integer(4, 77);
  CHECK(decode(proc(ok)).ok());
  // RUNNING without a pid, STOPPED with one, an unknown state.
  CHECK_FALSE(decode(proc(field(1, "a") + field(2, "{}") + integer(3, 20))).ok());
  CHECK_FALSE(decode(proc(field(1, "a") + field(2, "{}") + integer(3, 0) + integer(4, 7))).ok());
  CHECK_FALSE(decode(proc(field(1, "a") + field(2, "{}") + integer(3, 7))).ok());
  // pid 1 (init) and fds 0-2 are never ours to hand over.
  CHECK_FALSE(decode(proc(field(1, "a") + field(2, "{}") + integer(3, 20) + integer(4, 1))).ok());
  CHECK_FALSE(decode(proc(ok + field(17, integer(2, 2)))).ok());
  // Pipes without a child, no name, no config.
  CHECK_FALSE(decode(proc(field(1, "a") + field(2, "{}") + integer(3, 0) + integer(15, 9))).ok());
  CHECK_FALSE(decode(proc(field(2, "{}") + integer(3, 0))).ok());
  CHECK_FALSE(decode(proc(field(1, "a") + integer(3, 0))).ok());
  // An integer that is not 8 bytes, a field running past its record.
  CHECK_FALSE(decode(proc(field(1, "a") + field(2, "{}") + field(3, "1234"))).ok());
  std::string overrun = field(1, "a");
  overrun[2] = 100;
  CHECK_FALSE(decode(proc(overrun)).ok());
}

TEST_CASE("handover: one fd named twice, or a name twice, is refused") {
  State s = sample();
  s.groups[0].processes[0].err.fd = 11;
  CHECK(decode(encode(s)).error().message == "the hand-over names fd 11 twice");
  s = sample();
  s.groups.push_back(s.groups[0]);
  for (auto& p : s.groups[1].processes) p.stdin_fd = p.out.fd = p.err.fd = -1;
  CHECK(decode(encode(s)).error().message == "hand-over: group 'web' twice");
  s = sample();
  s.groups[0].processes[1].name = "web";
  CHECK_FALSE(decode(encode(s)).ok());
}
