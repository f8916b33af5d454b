// /proc readings about another process for the resource-limit and security
// tests: its open descriptor count and CPU time.
#pragma once

#include <dirent.h>
#include <unistd.h>

#include <chrono>
#include <sstream>
#include <string>

#include "daemon_harness.h"

namespace sup::test {

/// Number of open descriptors of `pid` (-1 if it cannot be read).
inline int fdCount(int pid) {
  DIR* d = ::opendir(("/proc/" + std::to_string(pid) + "/fd").c_str());
  if (!d) return -1;
  int n = 0;
  while (dirent* e = ::readdir(d)) {
    if (e->d_name[0] != '.') ++n;
  }
  ::closedir(d);
  return n;
}

struct CpuSample {
  double cpu_seconds = 0;  ///< user + system time of the process
  std::chrono::steady_clock::time_point at;
};

/// utime + stime of `pid` from /proc/<pid>/stat, with the time read.
inline CpuSample cpuSample(int pid) {
  CpuSample s;
  s.at = std::chrono::steady_clock::now();
  std::string stat = readFile("/proc/" + std::to_string(pid) + "/stat");
  auto close = stat.rfind(')');
  if (close == std::string::npos) return s;
  std::istringstream in(stat.substr(close + 2));
  std::string field;
  // After "pid (comm) ": state is field 3; utime and stime are 14 and 15.
  for (int i = 3; i <= 13; ++i) in >> field;
  long long utime = 0, stime = 0;
  in >> utime >> stime;
  s.cpu_seconds = static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
  return s;
}

/// Share of one core the process used between two samples.
inline double cpuShare(const CpuSample& a, const CpuSample& b) {
  double wall = std::chrono::duration<double>(b.at - a.at).count();
  return wall > 0 ? (b.cpu_seconds - a.cpu_seconds) / wall : 0;
}

}  // namespace sup::test
