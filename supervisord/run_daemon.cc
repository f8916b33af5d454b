// Process setup and the run/restart cycle of supervisord (options.py realize,
// supervisord.py main/run): privileges, rlimits, pidfile lock, main log,
// AUTO log cleanup, daemonizing, then the Supervisor on the event loop.
#include "supervisord/run_daemon.h"

#include <sys/epoll.h>
#include <unistd.h>

#include <csignal>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>

#include "supervisord/control_api.h"
#include "supervisord/daemon.h"
#include "supervisord/event_loop.h"
#include "supervisord/heap_trim.h"
#include "supervisord/listener_registry.h"
#include "supervisord/log_registry.h"
#include "supervisord/main_log.h"
#include "supervisord/orphan_guard.h"
#include "supervisord/output_capture.h"
#include "supervisord/reexec.h"
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

int runDaemon(const ConfigLoader& load, const std::string& argv0, const ServiceFactory& services,
              const LaunchInfo* launch, IncomingHandOver* incoming) {
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
  // This process is a re-exec: no daemonizing, no orphan stopping, and the
  // previous image's programs are adopted if its hand-over is usable.
  const bool reexeced = incoming && incoming->present;
  handover::State* adopting = reexeced && incoming->state ? &*incoming->state : nullptr;
  // Supervisor's GlobalSerial is a module global: event serials go on
  // across restarts, while each run's pools count from 0 again.
  std::int64_t event_serial = -1;
  int exit_status = 0;  // an essential program's, when one ended the run
  // A config a HUP has already read and found good: the next run uses it.
  std::optional<Result<Config>> checked;
  while (true) {
    auto loaded = checked ? std::move(*checked) : load();
    checked.reset();
    if (!loaded) {
      if (first && adopting) {
        // The probe read this config a moment ago; it broke since. Nothing
        // can run from it: stop the programs as the old image would have.
        std::fprintf(stderr, "Error: %s\n", loaded.error().message.c_str());
        orphans.stopLeftovers(adopting->pidfile_path, log);
        return 2;
      }
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
    // Every run, as Supervisor's main() does: a restart logs the "running as
    // root" CRIT (or "Set uid ... succeeded") again.
    if (auto st = setUidOrExit(sd.user, msgs); !st) {
      if (first) return usageError(argv0, st.error().message);
      std::fprintf(stderr, "Error: %s\n", st.error().message.c_str());
      pidfile.remove();
      return 2;
    }
    if (first) {
      if (auto st = setRlimitsOrExit(sd.minfds, sd.minprocs, msgs); !st)
        return usageError(argv0, st.error().message);
      // Single instance: take the lock while errors still reach the terminal
      // (a re-exec keeps the lock its previous image held).
      if (adopting && adopting->pidfile_path == sd.pidfile && adopting->pidfile_fd >= 0) {
        pidfile.adopt(sd.pidfile, adopting->pidfile_fd);
      } else {
        if (adopting && adopting->pidfile_fd >= 0) ::close(adopting->pidfile_fd);
        if (auto st = pidfile.lock(sd.pidfile); !st) return usageError(argv0, st.error().message);
      }
      if (adopting) listenerRegistry().inherit(adopting->listeners);
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
    if (!reexeced)
      for (const auto& m : msgs.criticals) log.critical(m);
    for (const auto& m : config.warnings) log.warn(m);
    if (!reexeced)
      for (const auto& m : msgs.infos) log.info(m);
    for (const auto& m : config.infos) log.info(m);

    // AUTO logs of adopted programs are in use: no cleanup after a re-exec.
    if (!sd.nocleanup && !(first && reexeced)) {
      cleanupAutoChildLogs(CaptureSettings{sd.childlogdir, sd.identifier, sd.strip_ansi}, log);
    }
    if (first && adopting) {
      orphans.resume(sd.pidfile, log);
    } else if (first) {
      if (reexeced) {
        log.critical("cannot adopt the programs of the previous image: " + incoming->error +
                     "; stopping them as a killed supervisord's leftovers and starting afresh");
      }
      orphans.stopLeftovers(sd.pidfile, log);
      if (reexeced) closeFds(incoming->leftover_pipes);
    }

    Supervisor supervisor(loop, log, *spawner, config, logs);
    supervisor.prepareFcgiSockets();
    orphans.track(supervisor, loop);
    Reexec reexec(loop, log, supervisor, pidfile, orphans, launch ? *launch : LaunchInfo{});
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
    // The Supervisor holds the programs now: kept here too, their configs
    // would be another ~1 KB per program for the whole run.
    std::vector<GroupConfig>().swap(config.groups);

    if (first && adopting) {
      for (const auto& address : listenerRegistry().closeUnclaimed())
        log.info("closed " + address + ": the configuration no longer listens there");
    }
    if (first && !sd.nodaemon && !reexeced) {
      for (const auto& [critical, text] : daemonize(sd.directory, sd.umask)) {
        if (critical)
          log.critical(text);
        else
          log.info(text);
      }
      log.setEchoStdout(false);
    }
    // Every run, as Supervisor's write_pidfile() (a restart logs it again);
    // not in a re-exec's new image, which has the file and the same pid.
    if (!(first && reexeced)) {
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
    supervisor.events().setLastSerial(event_serial);
    if (first && adopting) {
      if (auto st = supervisor.adopt(*adopting); !st) {
        log.critical("cannot adopt the programs of the previous image: " + st.error().message +
                     "; stopping them as a killed supervisord's leftovers and starting afresh");
        orphans.stopLeftovers(sd.pidfile, log);
        closeFds(adopting->pipeFds());
        supervisor.startup();
      }
      // Children that exited during the exec are zombies waiting for us.
      supervisor.reap();
      // Its configs and unwritten bytes are the processes' now: free the copy,
      // and give the memory back (the daemon's RSS is a target) as the loop
      // starts (heap_trim.h).
      incoming->state.reset();
      adopting = nullptr;
      trimHeapSoon(loop);
    } else {
      supervisor.startup();
    }
    loop.run();
    event_serial = supervisor.events().lastSerial();
    loop.unwatch(signals.fd());
    if (outcome == RunOutcome::Shutdown) {
      exit_status = supervisor.essentialExitStatus().value_or(0);
      break;
    }
    first = false;
  }
  pidfile.remove();
  return exit_status;
}

}  // namespace sup
