// The daemon's life after the command line: set the process up, run the
// Supervisor, restart on request. Separate from main() so the config source
// can be swapped (tests and tools may hand in a loader of their own).
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "common/config_model.h"
#include "common/result.h"

namespace sup {

class EventLoop;
class MainLog;
class Supervisor;
struct IncomingHandOver;
struct LaunchInfo;

/// Loads (or re-loads, on restart) the config.
using ConfigLoader = std::function<Result<Config>()>;

/// Builds the per-run services that sit beside the Supervisor on the loop --
/// the control server is the one that matters. Called on every (re)start
/// after the main log is open and the Supervisor exists but before
/// daemonizing and before any program starts, so an error (e.g. "Another
/// program is already listening on a port ...") reaches the terminal: return
/// an Error and supervisord prints it Supervisor-style and exits 2. The
/// returned object is kept alive for the run and destroyed (closing sockets,
/// unlinking socket files) after everything has stopped.
using ServiceFactory = std::function<Result<std::shared_ptr<void>>(
    EventLoop& loop, Supervisor& supervisor, const Config& config, MainLog& log)>;

/// Run supervisord until shutdown. Returns the process exit status: 0 after
/// a clean shutdown, 2 for a config/usage error (printed to stderr as
/// Supervisor does, or logged when it happens on restart). `launch` says
/// what a re-exec runs (none: this daemon cannot re-exec); `incoming` is
/// what a previous image handed over, if this process is a re-exec
/// (reexec.h): its programs are adopted instead of started.
int runDaemon(const ConfigLoader& load, const std::string& argv0,
              const ServiceFactory& services = {}, const LaunchInfo* launch = nullptr,
              IncomingHandOver* incoming = nullptr);

}  // namespace sup
