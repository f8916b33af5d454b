#include "proc_probe.h"

#include <dirent.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "daemon_harness.h"

namespace sup::test {
namespace {

std::string procPath(int pid, const std::string& leaf) {
  return "/proc/" + std::to_string(pid) + "/" + leaf;
}

std::vector<std::string> dirEntries(const std::string& dir) {
  std::vector<std::string> out;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (dirent* e = ::readdir(d))
      if (e->d_name[0] != '.') out.push_back(e->d_name);
    ::closedir(d);
  }
  return out;
}

}  // namespace

int openFdCount(int pid) {
  if (!processAlive(pid)) return -1;
  return static_cast<int>(dirEntries(procPath(pid, "fd")).size());
}

std::vector<std::string> openFdTargets(int pid) {
  std::vector<std::string> out;
  for (const auto& fd : dirEntries(procPath(pid, "fd"))) {
    char buf[512];
    ssize_t n = ::readlink(procPath(pid, "fd/" + fd).c_str(), buf, sizeof buf - 1);
    out.push_back(fd + " -> " + (n > 0 ? std::string(buf, static_cast<size_t>(n)) : "?"));
  }
  return out;
}

long rssKb(int pid) {
  std::istringstream in(readFile(procPath(pid, "status")));
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  return -1;
}

long cpuTicks(int pid) {
  std::string stat = readFile(procPath(pid, "stat"));
  auto close_paren = stat.rfind(')');
  if (close_paren == std::string::npos) return -1;
  std::istringstream in(stat.substr(close_paren + 1));
  std::string field;
  long utime = 0, stime = 0;
  // Fields 3..13, then utime (14) and stime (15).
  for (int i = 3; i <= 13; ++i) in >> field;
  if (!(in >> utime >> stime)) return -1;
  return utime + stime;
}

long ticksPerSecond() { return ::sysconf(_SC_CLK_TCK); }

std::vector<int> pidsWithArg(const std::string& marker) {
  std::vector<int> out;
  for (const auto& name : dirEntries("/proc")) {
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    int pid = std::atoi(name.c_str());
    std::string cmdline = readFile(procPath(pid, "cmdline"));  // NUL-separated argv
    if (cmdline.find(marker) != std::string::npos && processAlive(pid)) out.push_back(pid);
  }
  return out;
}

}  // namespace sup::test
