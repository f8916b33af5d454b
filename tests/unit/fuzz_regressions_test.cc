// Inputs the fuzzers (tests/fuzz/) found crashing or tripping a sanitizer,
// replayed byte for byte through the same entry points. Each stays here so
// the bug cannot come back; tests/sanitize.sh runs them under ASan+UBSan,
// where the original failure showed.
#include <catch2/catch.hpp>
#include <string>

#include "common/protocol.h"

using namespace sup;

TEST_CASE("A reply whose error code is a float beyond int is rejected as malformed",
          "[fuzz][protocol]") {
  // fuzz_jsonrpc: get<int>() on -3.28e107 was undefined behaviour (UBSan
  // float-cast-overflow) in parseMessage.
  const std::string line = std::string(R"({"jsonrpc":"2.0","id":null,"error":{"code":-32)") +
                           std::string(100, '9') + R"(00,"message":"Parse error"}})";
  auto message = proto::parseMessage(line);
  REQUIRE_FALSE(message.ok());
  CHECK(message.error().message == "malformed reply from server");
}

TEST_CASE("A reply whose error code or message has the wrong type is rejected, not thrown",
          "[fuzz][protocol]") {
  for (const std::string line : {
           R"({"jsonrpc":"2.0","id":1,"error":{"code":"60","message":"ALREADY_STARTED"}})",
           R"({"jsonrpc":"2.0","id":1,"error":{"code":60,"message":["x"]}})",
           R"({"jsonrpc":"2.0","id":1,"error":{"code":2147483648,"message":"x"}})",
           R"({"jsonrpc":"2.0","id":1,"error":{"code":-2147483649,"message":"x"}})",
           R"({"jsonrpc":"2.0","id":1,"error":{"code":1.5,"message":"x"}})",
       }) {
    INFO(line);
    auto message = proto::parseMessage(line);
    REQUIRE_FALSE(message.ok());
    CHECK(message.error().message == "malformed reply from server");
  }
}

TEST_CASE("A reply with an in-range error code keeps its code and message", "[fuzz][protocol]") {
  auto message =
      proto::parseMessage(R"({"jsonrpc":"2.0","id":7,"error":{"code":-2147483648,"message":"m"}})");
  REQUIRE(message.ok());
  REQUIRE(message->error);
  CHECK(message->error->code == -2147483648LL);
  CHECK(message->error->message == "m");
  auto fault = proto::parseMessage(R"({"jsonrpc":"2.0","id":7,"error":{"code":60}})");
  REQUIRE(fault.ok());
  CHECK(fault->error->code == 60);
  CHECK(fault->error->message.empty());
}

TEST_CASE("A request nested 100,000 levels deep is refused without exhausting the stack",
          "[fuzz][protocol]") {
  const std::string line = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"supervisor.getPID\",\"params\":[" +
                           std::string(100000, '[') + std::string(100000, ']') + "]}";
  CHECK_FALSE(sup::proto::parseRequest(line, nullptr).ok());
  CHECK_FALSE(sup::proto::parseMessage(line).ok());
}

TEST_CASE("Brackets inside JSON strings do not count as nesting", "[fuzz][protocol]") {
  const std::string line = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"supervisor.getProcessInfo\","
                           "\"params\":[\"" + std::string(1000, '[') + "\\\"" + "\"]}";
  auto req = sup::proto::parseRequest(line, nullptr);
  REQUIRE(req.ok());
  CHECK(req->method == "supervisor.getProcessInfo");
}
