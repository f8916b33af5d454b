// Fuzz target: the re-exec hand-over decoder (supervisord/handover_format.h)
// and what the new image does next with a decoded record's configs
// (common/config_json_read.h). One input is decoded twice: as it is, and as
// a body under a correct header (so that mutations get past the checksum
// into the records). Whatever decodes must encode and decode back equal.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/config_json_read.h"
#include "supervisord/handover_format.h"

namespace {

void putLe(std::string& out, std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

std::string framed(std::string_view body) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : body) h = (h ^ c) * 0x100000001b3ull;
  std::string out(sup::handover::kMagic);
  putLe(out, sup::handover::kVersion, 4);
  putLe(out, 0, 4);
  putLe(out, body.size(), 8);
  putLe(out, h, 8);
  out.append(body);
  return out;
}

void check(std::string_view bytes) {
  auto state = sup::handover::decode(bytes);
  if (!state.ok()) {
    if (state.error().message.empty()) std::abort();  // a refusal always says why
    return;
  }
  auto again = sup::handover::decode(sup::handover::encode(*state));
  if (!again.ok() || !(*again == *state)) std::abort();
  for (const auto& g : state->groups) {
    (void)sup::groupHeaderFromJson(nlohmann::json::parse(g.header_json, nullptr, false));
    for (const auto& p : g.processes)
      (void)sup::processConfigFromJson(nlohmann::json::parse(p.config_json, nullptr, false));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  check(input);
  check(framed(input));
  return 0;
}
