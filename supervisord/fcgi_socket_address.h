// Where an [fcgi-program:x] socket listens, read from its url: the two
// kinds Supervisor knows (datatypes.py UnixStreamSocketConfig and
// InetStreamSocketConfig). Pure: the config parser has already checked the
// url, this only takes it apart for the code that binds (fcgi_socket_posix.cc).
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace sup {

struct FcgiSocketAddress {
  enum class Family { Unix, Inet };
  Family family = Family::Unix;
  std::string path;  ///< Unix: the socket file (absolute, normalised)
  std::string host;  ///< Inet: lower-cased host name or address, as bound
  int port = 0;      ///< Inet: 1..65535
};

/// "unix:///abs/path" or "tcp://host:port" (as the parser writes them).
/// Error text: "Bad socket format <url>" for anything else.
Result<FcgiSocketAddress> fcgiSocketAddress(std::string_view url);

}  // namespace sup
