// Test child for the security checks: prints its argv one per line
// ("argv[1]=..."), the kernel's view of its groups (the "Groups:" line of
// /proc/self/status), then "self_report ready", and waits forever so the
// process reaches RUNNING.
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

int main(int argc, char** argv) {
  for (int i = 0; i < argc; ++i) std::printf("argv[%d]=%s\n", i, argv[i]);
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("Groups:", 0) == 0) std::printf("%s\n", line.c_str());
  }
  std::printf("self_report ready\n");
  std::fflush(stdout);
  while (true) pause();
}
