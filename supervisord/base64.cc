#include "supervisord/base64.h"

#include <nettle/base64.h>

#include <cstdint>

namespace sup {

std::optional<std::string> base64Decode(std::string_view text) {
  base64_decode_ctx ctx;
  base64_decode_init(&ctx);
  std::string out(BASE64_DECODE_LENGTH(text.size()), '\0');
  size_t length = out.size();
  if (!base64_decode_update(&ctx, &length, reinterpret_cast<std::uint8_t*>(out.data()), text.size(),
                            text.data()) ||
      !base64_decode_final(&ctx)) {
    return std::nullopt;
  }
  out.resize(length);
  return out;
}

std::string base64Encode(std::string_view data) {
  std::string out(BASE64_ENCODE_RAW_LENGTH(data.size()), '\0');
  base64_encode_raw(out.data(), data.size(), reinterpret_cast<const std::uint8_t*>(data.data()));
  return out;
}

}  // namespace sup
