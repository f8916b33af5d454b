#include "supervisord/sha1.h"

#include <nettle/sha1.h>

namespace sup {

std::array<std::uint8_t, 20> sha1(std::string_view data) {
  static_assert(SHA1_DIGEST_SIZE == 20);
  sha1_ctx ctx;
  sha1_init(&ctx);
  sha1_update(&ctx, data.size(), reinterpret_cast<const std::uint8_t*>(data.data()));
  std::array<std::uint8_t, 20> digest{};
  sha1_digest(&ctx, digest.size(), digest.data());
  return digest;
}

std::string sha1Hex(std::string_view data) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(40);
  for (std::uint8_t byte : sha1(data)) {
    out += kHex[byte >> 4];
    out += kHex[byte & 0xf];
  }
  return out;
}

}  // namespace sup
