// log_markers=true (docs/program-logs.md): a line in the program's own
// stdout log at each start and exit, so a reader of the file alone sees
// where one run ends and the next begins. Pure.
#pragma once

#include <string>

namespace sup {

/// "--- spawned pid 123 ---\n"
std::string spawnedMarker(int pid);
/// From a wait(2) status: "--- exited, status 1 ---\n", "--- killed by
/// SIGTERM ---\n", "--- killed by SIGSEGV (core dumped) ---\n".
std::string exitedMarker(int wait_status);

}  // namespace sup
