// Test child: after DELAY seconds listens on 127.0.0.1:PORT, prints
// "listening PORT", and accepts and closes connections for ever (a server
// that takes a while to come up, for ready=tcp:PORT).
#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>

int main(int argc, char** argv) {
  if (argc < 3) return 2;
  int port = std::atoi(argv[1]);
  double delay = std::atof(argv[2]);
  timespec t{static_cast<time_t>(delay), static_cast<long>((delay - std::floor(delay)) * 1e9)};
  nanosleep(&t, nullptr);
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  int on = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0 || listen(fd, 16) < 0) {
    std::perror("listen");
    return 1;
  }
  std::printf("listening %d\n", port);
  std::fflush(stdout);
  while (true) {
    int c = accept(fd, nullptr, nullptr);
    if (c >= 0) close(c);
  }
}
