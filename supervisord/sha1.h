// SHA-1, for Supervisor's "{SHA}<hex digest>" passwords and nothing else:
// that is the format users already have in their configs, so the hash is
// fixed by compatibility, not chosen. The digest itself is nettle's
// (Debian's libnettle8, already on every Debian system through GnuTLS).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace sup {

std::array<std::uint8_t, 20> sha1(std::string_view data);
/// Lower-case hex of sha1(data), as Python's hashlib hexdigest() writes it.
std::string sha1Hex(std::string_view data);

}  // namespace sup
