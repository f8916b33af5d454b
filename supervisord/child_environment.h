// The environment a child is exec'd with, in Python Supervisor's order
// (process.py _spawn_as_child): a copy of supervisord's own environment as
// Python's os.environ holds it, then SUPERVISOR_ENABLED,
// SUPERVISOR_SERVER_URL (when there is a URL), SUPERVISOR_PROCESS_NAME,
// SUPERVISOR_GROUP_NAME, then the program's environment ([supervisord]
// environment= updated with the program's own). Each is a dict assignment:
// a name already present keeps its place and takes the new value, a new
// name goes last. Pure, so the order is unit-tested; spawner_posix.cc calls
// it with `environ`.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/config_model.h"

namespace sup {

/// `inherited` is a NULL-terminated environ array. Like os.environ, an entry
/// without '=' is dropped and a repeated name keeps its first place with its
/// last value. `server_url` is used when the program sets no serverurl=
/// ("" = no variable). `extra` (ours, e.g. ready=notify's NOTIFY_SOCKET)
/// comes last. Returns "NAME=value" strings in exec order.
std::vector<std::string> childEnvironment(const char* const* inherited, const ProcessConfig& config,
                                          const std::string& server_url,
                                          const std::map<std::string, std::string>& extra = {});

}  // namespace sup
