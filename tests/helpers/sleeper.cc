// Test child: prints "sleeper <pid>" and sleeps [seconds] (default: forever),
// with default signal dispositions.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

int main(int argc, char** argv) {
  std::printf("sleeper %d\n", static_cast<int>(getpid()));
  std::fflush(stdout);
  if (argc > 1) {
    usleep(static_cast<useconds_t>(std::atof(argv[1]) * 1e6));
    return 0;
  }
  while (true) pause();
}
