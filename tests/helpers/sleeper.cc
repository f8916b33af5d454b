// Test child: prints "sleeper <pid>" and sleeps [seconds] (default: forever),
// with default signal dispositions.
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>

int main(int argc, char** argv) {
  std::printf("sleeper %d\n", static_cast<int>(getpid()));
  std::fflush(stdout);
  if (argc > 1) {
    // nanosleep, not usleep: useconds_t is 32 bits, so usleep cannot take
    // the long sleeps ("sleeper 100000") some tests ask for.
    double seconds = std::atof(argv[1]);
    timespec left{static_cast<time_t>(seconds),
                  static_cast<long>((seconds - std::floor(seconds)) * 1e9)};
    while (nanosleep(&left, &left) != 0 && errno == EINTR) {
    }
    return 0;
  }
  while (true) pause();
}
