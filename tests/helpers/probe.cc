// Test child: reports what the spawner set up, one "key=value" per line on
// stdout (environment as "env NAME=VALUE"), then sleeps [seconds]
// (default: forever) so the process reaches RUNNING.
#include <dirent.h>
#include <grp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

extern char** environ;

int main(int argc, char** argv) {
  char cwd[4096] = {0};
  if (!getcwd(cwd, sizeof cwd)) cwd[0] = '?';
  mode_t mask = umask(0);
  umask(mask);
  std::printf("pid=%d\npgid=%d\nsid=%d\n", static_cast<int>(getpid()), static_cast<int>(getpgrp()),
              static_cast<int>(getsid(0)));
  std::printf("cwd=%s\numask=%03o\nuid=%d\ngid=%d\n", cwd, static_cast<unsigned>(mask),
              static_cast<int>(getuid()), static_cast<int>(getgid()));
  gid_t groups[256];
  int n = getgroups(256, groups);
  std::string g;
  for (int i = 0; i < n; ++i) g += (i ? "," : "") + std::to_string(groups[i]);
  std::printf("groups=%s\n", g.c_str());
  std::vector<int> fds;
  if (DIR* d = opendir("/proc/self/fd")) {
    int self = dirfd(d);
    while (dirent* e = readdir(d)) {
      if (e->d_name[0] == '.') continue;
      int fd = std::atoi(e->d_name);
      if (fd != self) fds.push_back(fd);
    }
    closedir(d);
  }
  std::sort(fds.begin(), fds.end());
  std::string f;
  for (size_t i = 0; i < fds.size(); ++i) f += (i ? "," : "") + std::to_string(fds[i]);
  std::printf("fds=%s\n", f.c_str());
  for (char** e = environ; *e; ++e) std::printf("env %s\n", *e);
  std::printf("probe done\n");
  std::fflush(stdout);
  if (argc > 1) {
    usleep(static_cast<useconds_t>(std::atof(argv[1]) * 1e6));
    return 0;
  }
  while (true) pause();
}
