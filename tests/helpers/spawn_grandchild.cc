// Test child: spawn_grandchild PIDFILE — forks a grandchild that sleeps
// forever in the same process group with default signal handling, writes
// its pid to PIDFILE, then sleeps forever itself ignoring SIGTERM: a TERM
// to the leader alone does nothing, a TERM to the group kills only the
// grandchild, a SIGKILL to the group kills both.
#include <unistd.h>

#include <csignal>
#include <cstdio>

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  pid_t child = fork();
  if (child == 0) {
    while (true) pause();
  }
  std::signal(SIGTERM, SIG_IGN);  // only the leader ignores it
  if (FILE* f = std::fopen(argv[1], "w")) {
    std::fprintf(f, "%d\n", static_cast<int>(child));
    std::fclose(f);
  }
  std::printf("grandchild %d\n", static_cast<int>(child));
  std::fflush(stdout);
  while (true) pause();
}
