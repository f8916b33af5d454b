// The daemon's life after the command line: set the process up, run the
// Supervisor, restart on request. Separate from main() so the config source
// can be swapped (tests and tools may hand in a loader of their own).
#pragma once

#include <functional>
#include <string>

#include "common/config_model.h"
#include "common/result.h"

namespace sup {

/// Loads (or re-loads, on restart) the config.
using ConfigLoader = std::function<Result<Config>()>;

/// Run supervisord until shutdown. Returns the process exit status: 0 after
/// a clean shutdown, 2 for a config/usage error (printed to stderr as
/// Supervisor does, or logged when it happens on restart).
int runDaemon(const ConfigLoader& load, const std::string& argv0);

}  // namespace sup
