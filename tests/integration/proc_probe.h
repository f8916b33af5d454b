// What /proc says about a process, for the fault tests: its open fds, its
// resident memory, the CPU it has used, and the live processes whose argv
// holds a marker string (so a test can count the instances of a program).
#pragma once

#include <string>
#include <vector>

namespace sup::test {

/// Entries of /proc/<pid>/fd (-1 if unreadable).
int openFdCount(int pid);
/// The fd targets of /proc/<pid>/fd ("pipe:[123]", "/tmp/x.log", ...), for
/// a failure message that says what leaked.
std::vector<std::string> openFdTargets(int pid);
/// VmRSS of /proc/<pid>/status in KiB (-1 if unreadable).
long rssKb(int pid);
/// utime + stime of /proc/<pid>/stat in clock ticks (-1 if unreadable).
long cpuTicks(int pid);
/// Clock ticks per second (sysconf(_SC_CLK_TCK)).
long ticksPerSecond();
/// Pids of live (non-zombie) processes with an argv element containing `marker`.
std::vector<int> pidsWithArg(const std::string& marker);

}  // namespace sup::test
