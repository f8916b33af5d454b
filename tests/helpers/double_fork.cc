// Test child: double_fork PIDFILE [setsid] [exit] — daemonizes a grandchild
// the classic way: fork a middle process (which calls setsid() if asked),
// the middle forks the daemon and exits at once, so the daemon is
// reparented away from this process. The daemon has default signal
// handling and sleeps forever. Once the daemon is up this process writes its
// pid to PIDFILE (atomically, via rename) and prints "ready daemon=N"; then
// it exits 0 if "exit" was given (like a daemon's launcher), else sleeps
// forever ignoring SIGTERM (like a wrapper that waits).
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  bool detach = false, exit_after = false;
  for (int i = 2; i < argc; ++i) {
    if (std::strcmp(argv[i], "setsid") == 0) detach = true;
    if (std::strcmp(argv[i], "exit") == 0) exit_after = true;
  }
  if (!exit_after) std::signal(SIGTERM, SIG_IGN);
  int report[2];
  if (pipe(report) != 0) return 3;
  pid_t middle = fork();
  if (middle == 0) {
    std::signal(SIGTERM, SIG_DFL);
    if (detach && setsid() < 0) _exit(4);
    pid_t daemon = fork();
    if (daemon == 0) {
      close(report[0]);
      int self = static_cast<int>(getpid());
      if (write(report[1], &self, sizeof self) != sizeof self) _exit(5);
      close(report[1]);
      while (true) pause();
    }
    _exit(0);
  }
  close(report[1]);
  waitpid(middle, nullptr, 0);
  int daemon = 0;
  if (read(report[0], &daemon, sizeof daemon) != sizeof daemon) return 6;
  close(report[0]);
  std::string tmp = std::string(argv[1]) + ".tmp";
  if (FILE* f = std::fopen(tmp.c_str(), "w")) {
    std::fprintf(f, "%d\n", daemon);
    std::fclose(f);
    std::rename(tmp.c_str(), argv[1]);
  }
  std::printf("ready daemon=%d\n", daemon);
  std::fflush(stdout);
  if (exit_after) return 0;
  while (true) pause();
}
