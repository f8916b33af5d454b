// The daemon's control API for one run: a ControlServer on the
// [unix_http_server] socket and one on [inet_http_server]'s port, each
// speaking JSON-RPC and HTTP. JSON requests are dispatched through the
// method registry to this run's Supervisor; HTTP requests go through the
// router, whose routes are the XML-RPC endpoint over that same registry and
// the log streams. run_daemon creates one per run (a restart closes the
// sockets and opens them again, as Supervisor does) and destroying it closes
// every connection and unlinks the socket file.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "common/config_model.h"
#include "common/protocol.h"
#include "common/result.h"
#include "supervisord/control_server.h"
#include "supervisord/http_router.h"
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

  /// Open a server for each [inet_http_server] and [unix_http_server] of
  /// the config; without them there is no control socket (and no error).
  /// Errors carry Supervisor's text for the terminal ("Cannot open an HTTP
  /// server: ...").
  Status open(const Config& config);
  /// Close the sockets now (also done by the destructor).
  void close();

  RpcRegistry& registry() { return registry_; }
  HttpRouter& router() { return router_; }

 private:
  void handle(ControlConnection& conn, const proto::Request& req);

  EventLoop& loop_;
  MainLog& log_;
  RpcRegistry registry_;
  RpcServices services_;
  HttpRouter router_;
  std::vector<std::unique_ptr<ControlServer>> servers_;
};

/// The ServiceFactory runDaemon calls on every run: a ControlApi bound to
/// that run's Supervisor, its socket open (an open error is returned for
/// the terminal, exit 2). `load` re-reads the config for reloadConfig.
ServiceFactory controlApiFactory(ConfigLoader load);

}  // namespace sup
