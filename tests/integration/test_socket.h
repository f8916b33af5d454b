// The socket plumbing the test clients share (rpc_client, http_client):
// connect with retries until a deadline (the daemon may still be binding),
// and send all of a buffer. Blocking: these run in tests, not in the daemon.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace sup::test {

/// A connected stream socket to the Unix socket at `path`, or -1 once
/// `timeout` has passed (or the path does not fit a sockaddr_un).
int connectUnix(const std::string& path, std::chrono::milliseconds timeout);
/// The same to 127.0.0.1:`port`.
int connectLoopback(int port, std::chrono::milliseconds timeout);
/// Write all of `bytes` (no SIGPIPE); false when the peer is gone.
bool sendAll(int fd, std::string_view bytes);

}  // namespace sup::test
