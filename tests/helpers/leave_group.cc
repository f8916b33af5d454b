// Test child: leave_group PIDFILE [setsid|setpgid] — the leader ignores
// SIGTERM and forks two children with default signal handling: one stays in
// the leader's process group, the other leaves it (setsid() by default, or
// setpgid(0, 0)) before the leader goes on. The leader writes "STAYED LEFT"
// to PIDFILE (atomically, via rename) and then prints "ready stayed=N
// left=M", so a test that waits for that line knows both children exist,
// the second has left the group and TERM is ignored.
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  bool use_setpgid = argc > 2 && std::strcmp(argv[2], "setpgid") == 0;
  std::signal(SIGTERM, SIG_IGN);
  pid_t stayed = fork();
  if (stayed == 0) {
    std::signal(SIGTERM, SIG_DFL);
    while (true) pause();
  }
  int sync[2];
  if (pipe(sync) != 0) return 3;
  pid_t left = fork();
  if (left == 0) {
    std::signal(SIGTERM, SIG_DFL);
    if (use_setpgid ? setpgid(0, 0) != 0 : setsid() < 0) _exit(4);
    close(sync[0]);
    close(sync[1]);  // EOF tells the leader the group has been left
    while (true) pause();
  }
  close(sync[1]);
  char c;
  while (read(sync[0], &c, 1) > 0) {
  }
  close(sync[0]);
  std::string tmp = std::string(argv[1]) + ".tmp";
  if (FILE* f = std::fopen(tmp.c_str(), "w")) {
    std::fprintf(f, "%d %d\n", static_cast<int>(stayed), static_cast<int>(left));
    std::fclose(f);
    std::rename(tmp.c_str(), argv[1]);
  }
  std::printf("ready stayed=%d left=%d\n", static_cast<int>(stayed), static_cast<int>(left));
  std::fflush(stdout);
  while (true) pause();
}
