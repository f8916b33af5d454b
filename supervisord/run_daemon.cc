// Process setup and the run/restart cycle of supervisord (options.py realize,
// supervisord.py main/run): privileges, rlimits, pidfile lock, main log,
// AUTO log cleanup, daemonizing, then the Supervisor on the event loop.
#include "supervisord/run_daemon.h"

#include <sys/epoll.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <memory>
#include <optional>

#include "supervisord/control_api.h"
#include "supervisord/daemon.h"
#include "supervisord/event_loop.h"
#include "supervisord/log_registry.h"
#include "supervisord/main_log.h"
#include "supervisord/orphan_guard.h"
#include "supervisord/output_capture.h"
#include "supervisord/signals.h"
#include "supervisord/spawner.h"
#include "supervisord/supervisor.h"

namespace sup {
namespace {

// Supervisor's usage(): the message, a hint, exit status 2.
int usageError(const std::string& argv0, const std::string& msg) {
  std::fprintf(stderr, "Error: %s\nFor help, use %s -h\n", msg.c_str(), argv0.c_str());
  return 2;
}

}  // namespace

int runDaemon(const ConfigLoader& load, const std::string& argv0, const ServiceFactory& services) {
  EventLoop loop;
  SignalSource signals;
  LogRegistry logs;
  MainLog log;
  PidFile pidfile;
  // Records each child next to the pidfile, so that the next start after a
  // SIGKILL stops the orphans before spawning (orphan_guard.h).
  OrphanGuard orphans;
  std::unique_ptr<Spawner> spawner = orphans.wrap(makePosixSpawner());
  bool first = true;
  // A config a HUP has already read and found good: the next run uses it.
  std::optional<Result<Config>> checked;
  while (true) {
    auto loaded = checked ? std::move(*checked) : load();
    checked.reset();
    if (!loaded) {
      if (first) return usageError(argv0, loaded.error().message);
      // A bad config on restart: Supervisor exits 2 after stopping everything.
      log.critical("Error: " + loaded.error().message);
      std::fprintf(stderr, "Error: %s\n", loaded.error().message.c_str());
      pidfile.remove();
      return 2;
    }
    Config config = std::move(loaded.value());
    const SupervisordConfig& sd = config.supervisord;

    StartupMessages msgs;
    if (first) {
      if (auto st = setUidOrExit(sd.user, msgs); !st) return usageError(argv0, st.error().message);
      if (auto st = setRlimitsOrExit(sd.minfds, sd.minprocs, msgs); !st)
        return usageError(argv0, st.error().message);
      // Single instance: take the lock while errors still reach the terminal.
      if (auto st = pidfile.lock(sd.pidfile); !st) return usageError(argv0, st.error().message);
    }

    MainLogOptions lo;
    lo.path = sd.logfile;
    lo.maxbytes = sd.logfile_maxbytes;
    lo.backups = sd.logfile_backups;
    lo.level = parseLogLevel(sd.loglevel).value_or(LogLevel::Info);
    lo.echo_stdout = sd.nodaemon && !sd.silent;
    lo.registry = &logs;
    std::string err;
    if (!log.open(lo, &err)) {
      pidfile.remove();
      return usageError(argv0, "could not open logfile " + sd.logfile + ": " + err);
    }
    for (const auto& m : msgs.criticals) log.critical(m);
    for (const auto& m : config.warnings) log.warn(m);
    for (const auto& m : msgs.infos) log.info(m);
    for (const auto& m : config.infos) log.info(m);

    if (!sd.nocleanup) {
      cleanupAutoChildLogs(CaptureSettings{sd.childlogdir, sd.identifier, sd.strip_ansi}, log);
    }
    if (first) orphans.stopLeftovers(sd.pidfile, log);

    Supervisor supervisor(loop, log, *spawner, config, logs);
    supervisor.prepareFcgiSockets();
    orphans.track(supervisor, loop);
    // The control server and friends: before daemonizing, so that their
    // errors reach the terminal with exit 2.
    std::shared_ptr<void> service;
    if (services) {
      auto made = services(loop, supervisor, config, log);
      if (!made) {
        log.critical(made.error().message);
        pidfile.remove();
        if (first) return usageError(argv0, made.error().message);
        std::fprintf(stderr, "Error: %s\n", made.error().message.c_str());
        return 2;
      }
      service = std::move(made.value());
    }

    if (first && !sd.nodaemon) {
      for (const auto& [critical, text] : daemonize(sd.directory, sd.umask)) {
        if (critical)
          log.critical(text);
        else
          log.info(text);
      }
      log.setEchoStdout(false);
    }
    if (first) {
      if (auto st = pidfile.write(); !st)
        log.critical(st.error().message);
      else
        log.info("supervisord started with pid " + std::to_string(::getpid()));
    }

    RunOutcome outcome = RunOutcome::Shutdown;
    supervisor.onFinished([&](RunOutcome o) {
      outcome = o;
      loop.stop();
    });
    loop.watch(signals.fd(), EPOLLIN, [&](uint32_t) {
      for (int sig : signals.readPending()) {
        // Supervisor stops everything and exits 2 when the re-read config is
        // broken. We read it first and keep running on the old one: the
        // daemon never dies from a bad reload.
        if (sig == SIGHUP && supervisor.state() != SupervisorState::Shutdown) {
          auto fresh = load();
          if (!fresh) {
            log.warn("received SIGHUP indicating restart request");
            log.error("not restarting: " + fresh.error().message +
                      " (the running configuration is kept)");
            continue;
          }
          checked.emplace(std::move(fresh));
        }
        supervisor.handleSignal(sig);
      }
    });
    supervisor.startup();
    loop.run();
    loop.unwatch(signals.fd());
    if (outcome == RunOutcome::Shutdown) break;
    first = false;
  }
  pidfile.remove();
  return 0;
}

}  // namespace sup
