// supervisord: parse the command line and the config, set the process up
// (privileges, rlimits, pidfile lock, main log, daemonizing), then run the
// Supervisor on the event loop until a shutdown; a restart (SIGHUP, or the
// control API) re-reads the config and runs again in the same process.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include "common/config_parser.h"
#include "common/program_name.h"
#include "supervisord/control_api.h"
#include "supervisord/daemon_options.h"
#include "supervisord/print_config.h"
#include "supervisord/reexec.h"
#include "supervisord/run_daemon.h"

namespace sup {
constexpr const char* kRootSearchWarning =
    "UserWarning: Supervisord is running as root and it is searching for its configuration file "
    "in default locations (including its current working directory); you probably want to "
    "specify a \"-c\" argument specifying an absolute path to a configuration file for improved "
    "security.\n";

// Supervisor's usage(): the message, a hint, exit status 2.
static int usageError(const std::string& argv0, const std::string& msg) {
  std::fprintf(stderr, "Error: %s\nFor help, use %s -h\n", msg.c_str(), argv0.c_str());
  return 2;
}
}  // namespace sup

int main(int argc, char** argv) {
  using namespace sup;
  // A re-exec's new image: take what the previous one handed over before
  // anything else opens an fd (reexec.h).
  LaunchInfo launch = currentLaunch(argc, argv);
  IncomingHandOver incoming = takeIncomingHandOver();
  auto parsed = parseDaemonOptions(argc, argv);
  // What Python sees as sys.argv[0]: the path exec was given (common/program_name.h).
  std::string argv0 = pythonArgv0(argc > 0 ? argv[0] : nullptr, "supervisord");
  if (!parsed.options) return usageError(argv0, parsed.error);
  const DaemonOptions& o = *parsed.options;
  if (o.help) {
    std::fputs(daemonUsage(argv0).c_str(), stdout);
    return 0;
  }
  if (o.version) {
    std::printf("%.*s\n", static_cast<int>(proto::kSupervisorVersion.size()),
                proto::kSupervisorVersion.data());
    return 0;
  }
  std::string path;
  if (o.config_path) {
    path = *o.config_path;
  } else {
    // Supervisor's warnings.warn() text (Python prefixes its own source
    // file and line, and prints that line of code after it).
    if (::getuid() == 0) std::fputs(kRootSearchWarning, stderr);
    std::string err;
    auto found = findDefaultConfig(argv0, &err);
    if (!found) return usageError(argv0, err);
    path = *found;
  }
  ParseOptions popts = defaultParseOptions();
  popts.supervisord_overrides = o.overrides;
  popts.supervisord_override_flags = o.override_flags;
  if (o.node_name) popts.host_node_name = *o.node_name;
  if (o.print_config) {
    popts.check_filesystem = false;
    popts.check_users = false;
    return printConfigMain(path, popts, argv0);
  }
  if (std::getenv(kReexecProbeEnv)) {
    // A running supervisord asks whether this binary can take over from it.
    auto config = loadConfig(path, popts);
    if (!config) {
      std::printf("Error: %s\n", config.error().message.c_str());
      return 2;
    }
    std::fputs(probeAnswer().c_str(), stdout);
    return 0;
  }
  try {
    ConfigLoader load = [&] { return loadConfig(path, popts); };
    return runDaemon(load, argv0, controlApiFactory(load), &launch, &incoming);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "supervisord: fatal: %s\n", e.what());
    return 1;
  }
}
