#include "supervisord/signals.h"

#include <sys/signalfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <stdexcept>
#include <string>

namespace sup {

SignalSource::SignalSource() {
  sigset_t set;
  sigemptyset(&set);
  for (int sig : {SIGCHLD, SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGUSR2, SIGURG}) sigaddset(&set, sig);
  if (::sigprocmask(SIG_BLOCK, &set, nullptr) < 0)
    throw std::runtime_error(std::string("sigprocmask: ") + std::strerror(errno));
  ::signal(SIGPIPE, SIG_IGN);
  fd_ = ::signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
  if (fd_ < 0) throw std::runtime_error(std::string("signalfd: ") + std::strerror(errno));
}

SignalSource::~SignalSource() {
  if (fd_ >= 0) ::close(fd_);
}

std::vector<int> SignalSource::readPending() {
  std::vector<int> out;
  signalfd_siginfo info[16];
  while (true) {
    ssize_t n = ::read(fd_, info, sizeof info);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    for (size_t i = 0; i < static_cast<size_t>(n) / sizeof(signalfd_siginfo); ++i) {
      int sig = static_cast<int>(info[i].ssi_signo);
      if (std::find(out.begin(), out.end(), sig) == out.end()) out.push_back(sig);
    }
  }
  return out;
}

}  // namespace sup
