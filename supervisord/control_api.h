// The daemon's control API for one run: the ControlServer on the first
// [unix_http_server] socket, with every request dispatched through the
// method registry to this run's Supervisor. run_daemon creates one per run
// (a restart closes the socket and opens it again, as Supervisor does) and
// destroying it closes every connection and unlinks the socket.
#pragma once

#include <functional>
#include <memory>

#include "common/config_model.h"
#include "common/protocol.h"
#include "common/result.h"
#include "supervisord/control_server.h"
#include "supervisord/rpc_methods.h"
#include "supervisord/run_daemon.h"

namespace sup {

class EventLoop;
class MainLog;
class Supervisor;

class ControlApi {
 public:
  /// `load_config` re-reads the config file for supervisor.reloadConfig.
  ControlApi(EventLoop& loop, MainLog& log, Supervisor& supervisor,
             std::function<Result<Config>()> load_config);
  ~ControlApi();
  ControlApi(const ControlApi&) = delete;
  ControlApi& operator=(const ControlApi&) = delete;

  /// Open the socket of the config's first [unix_http_server]; without one
  /// there is no control socket (and no error). Errors carry Supervisor's
  /// text for the terminal ("Cannot open an HTTP server: ...").
  Status open(const Config& config);
  /// Close the socket now (also done by the destructor).
  void close();

  ControlServer* server() { return server_.get(); }
  RpcRegistry& registry() { return registry_; }

 private:
  void handle(ControlConnection& conn, const proto::Request& req);

  EventLoop& loop_;
  MainLog& log_;
  RpcRegistry registry_;
  RpcServices services_;
  std::unique_ptr<ControlServer> server_;
};

/// The ServiceFactory runDaemon calls on every run: a ControlApi bound to
/// that run's Supervisor, its socket open (an open error is returned for
/// the terminal, exit 2). `load` re-reads the config for reloadConfig.
ServiceFactory controlApiFactory(ConfigLoader load);

}  // namespace sup
