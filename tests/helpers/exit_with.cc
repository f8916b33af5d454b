// Test child: exit_with CODE [DELAY_SECONDS] — sleep, then exit with CODE.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

int main(int argc, char** argv) {
  int code = argc > 1 ? std::atoi(argv[1]) : 0;
  double delay = argc > 2 ? std::atof(argv[2]) : 0;
  std::printf("exit_with %d after %g\n", code, delay);
  std::fflush(stdout);
  if (delay > 0) usleep(static_cast<useconds_t>(delay * 1e6));
  return code;
}
