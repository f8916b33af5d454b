// supervisorctl: Supervisor's control tool over supervisor-cpp's JSON-RPC
// socket. One command from the command line (exit status = its LSB code), or
// the interactive shell when no command is given.
#include <iostream>
#include <string>
#include <vector>

#include "common/exit_codes.h"
#include "common/program_name.h"
#include "common/usage_error.h"
#include "supervisorctl/client.h"
#include "supervisorctl/controller.h"
#include "supervisorctl/ctl_options.h"
#include "supervisorctl/shell.h"

int main(int argc, char** argv) {
  using namespace sup::ctl;
  // What Python sees as sys.argv[0]: the path exec was given (common/program_name.h).
  const std::string progname = sup::pythonArgv0(argc > 0 ? argv[0] : nullptr, "supervisorctl");
  std::vector<std::string> args(argv + 1, argv + argc);
  auto parsed = parseCtlArgs(args);
  if (!parsed) return sup::usageError(progname, parsed.error().message);
  if (parsed->help) {
    std::cout << ctlUsageText(progname);
    return 0;
  }
  auto settings = resolveCtlSettings(*parsed, progname);
  if (!settings) return sup::usageError(progname, settings.error().message);

  SocketClient client(settings->serverurl);
  client.setCredentials(settings->username, settings->password);
  SocketClient::installInterruptHandler();
  Controller controller(*settings, client, std::cout);
  if (!settings->action.empty()) {
    std::string line;
    for (const auto& a : settings->action) line += (line.empty() ? "" : " ") + a;
    try {
      controller.onecmd(line);
    } catch (const Interrupted&) {
      std::cout << std::endl;
      return sup::exitcode::kGeneric;
    }
    std::cout.flush();
    return controller.exitstatus();
  }
  return runShell(controller, *settings);
}
