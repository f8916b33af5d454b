// The supervisorctl command interpreter (Supervisor's Controller and
// DefaultControllerPlugin): one line in, Supervisor's output lines out, and
// the LSB exit status. It talks to the daemon only through RpcClient, so
// tests drive it with a fake server.
#pragma once

#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "common/protocol.h"
#include "supervisorctl/client.h"
#include "supervisorctl/ctl_commands.h"
#include "supervisorctl/ctl_options.h"

namespace sup::ctl {

class Controller {
 public:
  Controller(CtlSettings& settings, RpcClient& rpc, std::ostream& out);

  /// Run one command line. Returns true when the shell should exit
  /// (quit, exit, EOF).
  bool onecmd(const std::string& line);

  int exitstatus() const { return exitstatus_; }
  void setExitstatus(int s) { exitstatus_ = s; }
  bool interactive() const { return settings_.interactive; }
  const CtlSettings& settings() const { return settings_; }

  /// Read a line from the user (confirmations, credentials). The shell
  /// installs libedit-backed versions; the defaults read stdin.
  std::function<std::string(const std::string& prompt)> ask;
  std::function<std::string(const std::string& prompt)> askSecret;

  /// Tab completion candidates for `text` given the whole line so far, as
  /// Supervisor's Controller.complete builds them (each ends with a space).
  std::vector<std::string> completions(const std::string& line, const std::string& text);
  /// Forget cached process names (after each command, like Supervisor).
  void resetCompletionCache() { complete_info_.reset(); }

 private:
  friend std::span<const CtlCommand> ctlCommands();  // the table names the do* methods

  void output(const std::string& line);
  void dispatch(const std::string& cmd, const std::string& arg, const std::string& line);
  std::vector<std::string> completeCommands(const std::string& text) const;
  bool upcheck();
  void exitFromFault(int code, int ignored = 0);
  json rpc(std::string_view method, json params = json::array()) {
    return rpc_.call(method, std::move(params));
  }
  std::vector<proto::ProcessInfo> allProcessInfo();
  bool takeJsonFlag(std::vector<std::string>& args);
  struct ProcessAction;
  void forEachProcess(const ProcessAction& action, const std::vector<std::string>& names);

  // Commands, as in supervisorctl.py (cmd_process.cc, cmd_logs.cc, cmd_admin.cc);
  // ctl_commands.cc names them.
  void doHelp(const std::string& arg);
  void doStatus(const std::string& arg);
  void doPid(const std::string& arg);
  void doStart(const std::string& arg);
  void doStop(const std::string& arg);
  void doRestart(const std::string& arg);
  void doSignal(const std::string& arg);
  void doClear(const std::string& arg);
  void doTail(const std::string& arg);
  void doMaintail(const std::string& arg);
  void doFg(const std::string& arg);
  void doAvail(const std::string& arg);
  void doReread(const std::string& arg);
  void doUpdate(const std::string& arg);
  void doAdd(const std::string& arg);
  void doRemove(const std::string& arg);
  void doReload(const std::string& arg);
  void doReexec(const std::string& arg);  // cmd_reexec.cc
  void doShutdown(const std::string& arg);
  void doVersion(const std::string& arg);
  void doOpen(const std::string& arg);
  void doFind(const std::string& arg);
  void doGrep(const std::string& arg);
  void doLogSearch(const std::string& cmd, const std::string& arg);
  void doLogrotate(const std::string& arg);
  void doEvents(const std::string& arg);   // cmd_events.cc
  void doMetrics(const std::string& arg);  // cmd_metrics.cc
  void tailFollow(std::string_view method, json params);
  void printHelp(const std::string& topic);

  CtlSettings& settings_;
  RpcClient& rpc_;
  std::ostream& out_;
  int exitstatus_ = 0;
  std::optional<std::vector<proto::ProcessInfo>> complete_info_;
};

/// Words of a command argument string (Python str.split()).
std::vector<std::string> splitWords(const std::string& s);

}  // namespace sup::ctl
