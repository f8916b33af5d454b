// supervisorctl reexec [--binary PATH] [--no-wait] (ours): supervisor.reexec,
// then, unless --no-wait, wait until the new image answers: connects made
// during the exec queue in the listening socket's backlog, which the new
// image serves once it has adopted the programs (docs/reexec.md).
#include <chrono>
#include <thread>

#include "common/exit_codes.h"
#include "common/gnu_options.h"
#include "supervisorctl/controller.h"

namespace sup::ctl {

using proto::Fault;

void Controller::doReexec(const std::string& arg) {
  std::string binary;
  bool wait = true;
  GnuOptions cli("reexec", "");
  cli.option(0, "binary",
             [&](const std::string& v) -> Status {
               binary = v;
               return okStatus();
             })
      .flag(0, "no-wait", [&] { wait = false; });
  auto operands = cli.parse(splitWords(arg));
  if (!operands || !operands->empty()) {
    output(operands ? cli.prefix() + "unexpected argument '" + operands->front() + "'"
                    : operands.error().message);
    exitstatus_ = exitcode::kGeneric;
    printHelp("reexec");
    return;
  }
  try {
    rpc(proto::method::kReexec, binary.empty() ? json::array() : json::array({binary}));
  } catch (const FaultError& e) {
    exitstatus_ = exitcode::kGeneric;
    if (e.code == static_cast<int>(Fault::kShutdownState)) return output("ERROR: shutting down");
    std::string text = e.text;
    if (text.rfind("FAILED: ", 0) == 0) text = text.substr(8);
    return output("ERROR: re-exec refused: " + text);
  }
  if (!wait) return output("Re-executing supervisord");
  // The old image closes this connection at its exec: ask the new one.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (true) {
    rpc_.setServerUrl(rpc_.serverUrl());
    try {
      int pid = rpc(proto::method::kGetPID).get<int>();
      return output("Re-executed supervisord (pid " + std::to_string(pid) + ")");
    } catch (const SocketError&) {
    } catch (const ProtocolError&) {
    } catch (const FaultError&) {  // SHUTDOWN_STATE: a fallback is still stopping programs
    }
    if (std::chrono::steady_clock::now() > deadline) {
      exitstatus_ = exitcode::kGeneric;
      return output("ERROR: supervisord did not answer within 60 seconds of its re-exec");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace sup::ctl
