// Test child: make_orphan [EXIT_CODE] — forks a grandchild that outlives
// this process by a moment and then exits with EXIT_CODE, so that it is
// reparented to the nearest subreaper (supervisord when it is PID 1).
// Then sleeps forever.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

int main(int argc, char** argv) {
  int code = argc > 1 ? std::atoi(argv[1]) : 0;
  pid_t middle = fork();
  if (middle == 0) {
    pid_t orphan = fork();
    if (orphan == 0) {
      usleep(200 * 1000);  // outlive the middle process
      _exit(code);
    }
    std::printf("orphan %d\n", static_cast<int>(orphan));
    std::fflush(stdout);
    _exit(0);
  }
  while (true) pause();
}
