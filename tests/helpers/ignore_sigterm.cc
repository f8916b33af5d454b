// Test child: ignores SIGTERM and SIGINT and sleeps forever, so only
// SIGKILL stops it.
#include <unistd.h>

#include <csignal>
#include <cstdio>

int main() {
  std::signal(SIGTERM, SIG_IGN);
  std::signal(SIGINT, SIG_IGN);
  std::printf("ignoring SIGTERM %d\n", static_cast<int>(getpid()));
  std::fflush(stdout);
  while (true) pause();
}
