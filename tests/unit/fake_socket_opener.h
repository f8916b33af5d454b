// A ListeningSocketOpener that hands out made-up fds and records what it was
// asked, for the fcgi socket tests (fcgi_socket_test.cc,
// fcgi_supervisor_test.cc).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "supervisord/fcgi_socket_manager.h"

namespace sup::test {

class FakeSocketOpener : public ListeningSocketOpener {
 public:
  std::vector<std::string> calls;  // "open <url>" / "close <fd>" / "inherited <url>"
  std::string fail_with;           // non-empty: open() fails with this text
  int next_fd = 40;
  int inherited_fd = -1;           // what inherited() hands over, once
  Result<int> open(const FcgiSocketConfig& c) override {
    calls.push_back("open " + c.url);
    if (!fail_with.empty()) return Error{fail_with};
    return next_fd++;
  }
  void close(int fd) override { calls.push_back("close " + std::to_string(fd)); }
  int inherited(const FcgiSocketConfig& c) override {
    if (inherited_fd >= 0) calls.push_back("inherited " + c.url);
    return std::exchange(inherited_fd, -1);
  }
};

}  // namespace sup::test
