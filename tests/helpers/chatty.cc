// Test child: chatty [LINES] [INTERVAL_MS] [stdout|stderr] [exit] — writes
// numbered lines ("line N") to stdout (or stderr), LINES of them
// (0 = forever), one every INTERVAL_MS (0 = as fast as possible), then
// exits 0 if "exit" was given, else sleeps forever.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

int main(int argc, char** argv) {
  long lines = argc > 1 ? std::atol(argv[1]) : 0;
  long interval = argc > 2 ? std::atol(argv[2]) : 100;
  FILE* out = (argc > 3 && std::strcmp(argv[3], "stderr") == 0) ? stderr : stdout;
  for (long i = 1; lines == 0 || i <= lines; ++i) {
    std::fprintf(out, "line %ld\n", i);
    std::fflush(out);
    if (interval > 0) usleep(static_cast<useconds_t>(interval * 1000));
  }
  if (argc > 4 && std::strcmp(argv[4], "exit") == 0) return 0;
  while (true) pause();
}
