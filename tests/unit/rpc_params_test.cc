// The RPC methods' parameter readers (supervisord/rpc_support.h).
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

#include "supervisord/rpc_support.h"

using sup::proto::json;

namespace {

// intParam(params, 0) and whether it answered INCORRECT_PARAMETERS.
std::pair<std::optional<std::int64_t>, bool> readInt(const json& value) {
  bool refused = false;
  sup::RpcReply reply([&](sup::RpcOutcome) { refused = true; });
  auto n = sup::rpc::intParam(json::array({value}), 0, reply);
  return {n, refused};
}

}  // namespace

TEST_CASE("an integer parameter may come as a whole float, and only within int64") {
  CHECK(readInt(json(42)).first == 42);
  CHECK(readInt(json(42.0)).first == 42);
  CHECK(readInt(json("42")).first == 42);
  CHECK(readInt(json(-9223372036854775808.0)).first == std::numeric_limits<std::int64_t>::min());
  // Found by fuzz_jsonrpc: 1.26922e+22 as a tail length was converted to
  // long, which is undefined; it is refused like any other bad parameter.
  for (double bad : {1.26922e22, -1e19, 9223372036854775808.0, 2.5, std::nan(""),
                     std::numeric_limits<double>::infinity()}) {
    auto [n, refused] = readInt(json(bad));
    CHECK_FALSE(n.has_value());
    CHECK(refused);
  }
}
