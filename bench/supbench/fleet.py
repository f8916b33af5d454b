"""fleet-huge: 10,000 `sleep` programs in one daemon, one run of each step:

  launch -> all RUNNING (against N bare posix_spawn calls: the floor),
  daemon RSS, `supervisorctl status`, 10 idle seconds under strace,
  `update` after one program's command changed (daemon CPU until it runs
  again), one program's crash (SIGKILL -> its new process runs, and the
  daemon CPU that took), `stop all`, `start all`, `shutdown` -> all gone.

Config per program: command=/bin/sleep 86400, startsecs=0,
autorestart=true, redirect_stderr=true, stdout_logfile=NONE; minfds and
minprocs raised to what N programs need, as a user would. Each program
holds two fds in the daemon (its stdin and stdout pipes; Supervisor keeps
both for every program), so N is capped by RLIMIT_NOFILE's hard limit,
which neither daemon can raise without CAP_SYS_RESOURCE: the rows then say
how many programs ran. A step that takes longer than --huge-timeout ends the
run for that implementation; what was measured before stays.
"""

import os
import resource
import signal
import subprocess
import time

from . import procfs
from .daemon import HEADER, BenchError, Sandbox, program_section

SLEEPER_ARGV = ["/bin/sleep", "86400"]
FDS_PER_PROGRAM = 2
FD_RESERVE = 100  # the daemon's own: sockets, logs, epoll, pidfile, stdio


def programs_that_fit(wanted):
    """N, or fewer when the fd hard limit cannot hold N programs."""
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    if hard == resource.RLIM_INFINITY:
        return wanted
    return max(1, min(wanted, (hard - FD_RESERVE) // FDS_PER_PROGRAM))


def _sections(n, changed=None):
    out = []
    for i in range(n):
        name = "p%05d" % i
        command = "/bin/sleep 86401" if name == changed else "/bin/sleep 86400"
        out.append(program_section(name, command, startsecs=0, autorestart="true",
                                   redirect_stderr="true", stdout_logfile="NONE"))
    return out


def _cpu_ms(box):
    return procfs.cpu_seconds(box.pid) * 1000


def _ctl(box, ctx, *args):
    seconds, code, out = box.ctl(*args, timeout=ctx.huge_timeout)
    return seconds, code, out


def _wait(pred, timeout, what, box):
    deadline = time.monotonic() + timeout
    while not pred():
        if time.monotonic() > deadline:
            raise BenchError("%s after %.0f s; %s" % (what, timeout, box.describe_failure()))
        box.check_alive()
        time.sleep(0.002)


def fleet_huge(impl, ctx, out):
    n = ctx.fleet_huge
    out["huge_programs"] = n
    box = Sandbox(impl, _sections(n), minfds=FDS_PER_PROGRAM * n + FD_RESERVE, keep=ctx.keep,
                  minprocs=n + 200)
    with box:
        t0 = box.start()
        t1 = box.wait_running(n, timeout=ctx.huge_timeout)
        out["launch_huge"] = (t1 - t0) * 1000
        time.sleep(1.0)
        box.check_alive()
        out["rss_huge"] = procfs.rss_bytes(box.pid) / 1e6

        times = []
        for _ in range(ctx.status_samples):
            seconds, code, text = _ctl(box, ctx, "status")
            running = sum(1 for line in text.splitlines() if " RUNNING " in line)
            if code != 0 or running != n:
                raise BenchError("status: exit %d, %d of %d RUNNING" % (code, running, n))
            times.append(seconds * 1000)
        out["status_huge"] = sorted(times)[len(times) // 2]

        _idle(box, ctx, out)

        # One program's command changes; `update` restarts just that one.
        with open(box.conf, "w") as f:
            f.write(HEADER.format(dir=box.dir, minfds=FDS_PER_PROGRAM * n + FD_RESERVE,
                                  minprocs=n + 200))
            for section in _sections(n, changed="p00000"):
                f.write(section.format(dir=box.dir))
        running_before = box.log.running
        cpu0 = _cpu_ms(box)
        seconds, code, text = _ctl(box, ctx, "update")
        if code != 0 or "p00000" not in text:
            raise BenchError("update: exit %d: %s" % (code, text.strip()[-200:]))
        _wait(lambda: (box.log.poll(), box.log.running > running_before)[1], ctx.huge_timeout,
              "p00000 not RUNNING again after update", box)
        out["update_huge_cpu"] = _cpu_ms(box) - cpu0
        out["update_huge"] = seconds * 1000

        # One program crashes (SIGKILL) and autorestart brings it back.
        box.log.poll()
        victim = box.log.pids.get("p00001")
        if victim is None:
            raise BenchError("no pid logged for p00001")
        watcher = procfs.NewChildWatcher(box.pid, SLEEPER_ARGV, exclude=[victim])
        running_before = box.log.running
        cpu0 = _cpu_ms(box)
        k0 = time.perf_counter()
        os.kill(victim, signal.SIGKILL)
        _wait(lambda: watcher.poll() is not None, 60, "no restart after SIGKILL", box)
        out["crash_huge"] = (time.perf_counter() - k0) * 1000
        _wait(lambda: (box.log.poll(), box.log.running > running_before)[1], 60,
              "crashed program not RUNNING again", box)
        out["crash_huge_cpu"] = _cpu_ms(box) - cpu0

        cpu0 = _cpu_ms(box)
        seconds, code, text = _ctl(box, ctx, "stop", "all")
        if code != 0:
            raise BenchError("stop all: exit %d: %s" % (code, text.strip()[-200:]))
        out["stopall_huge"] = seconds * 1000
        out["stopall_huge_cpu"] = _cpu_ms(box) - cpu0

        cpu0 = _cpu_ms(box)
        seconds, code, text = _ctl(box, ctx, "start", "all")
        if code != 0:
            raise BenchError("start all: exit %d: %s" % (code, text.strip()[-200:]))
        out["startall_huge"] = seconds * 1000
        out["startall_huge_cpu"] = _cpu_ms(box) - cpu0

        out["shutdown_huge"] = _shutdown(box, impl, ctx) * 1000
    spawned, stopped = spawn_and_stop_floor(n)
    out["spawn_floor_huge"] = spawned * 1000
    out["stop_floor_huge"] = stopped * 1000


def _idle(box, ctx, out):
    """Syscalls of the daemon over ctx.idle_seconds (scaled to 10 s)."""
    if not ctx.strace:
        return
    summary = box.path("strace.txt")
    tracer = subprocess.Popen(["strace", "-c", "-f", "-o", summary, "-p", str(box.pid)],
                              stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE)
    try:
        time.sleep(ctx.idle_seconds)
        tracer.send_signal(signal.SIGINT)
        tracer.communicate(timeout=30)
    finally:
        if tracer.poll() is None:
            tracer.kill()
            tracer.wait()
    calls = 0
    with open(summary) as f:
        for line in f:
            fields = line.split()
            if len(fields) >= 5 and fields[-1] == "total" and fields[3].isdigit():
                calls = int(fields[3])
    out["idle_huge"] = calls * 10.0 / ctx.idle_seconds


def _shutdown(box, impl, ctx):
    """supervisorctl shutdown; seconds until the daemon and every program
    are gone (a zombie counts as gone)."""
    box.log.poll()
    left = set(box.log.pids.values())
    t0 = time.perf_counter()
    ctl = subprocess.Popen([impl.supervisorctl, "-c", box.conf, "shutdown"],
                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, cwd=box.dir)
    deadline = t0 + ctx.huge_timeout
    while True:
        # The daemon exits only once it has reaped its programs: look at
        # them only then, with kill(pid, 0) (a read of /proc/PID/stat for
        # each of 10,000 pids took longer than the shutdown itself).
        if box.proc.poll() is not None:
            left = {pid for pid in left if _exists(pid)}
            left = {pid for pid in left if procfs.is_alive(pid)}  # zombies are gone
            if not left:
                elapsed = time.perf_counter() - t0
                break
        if time.perf_counter() > deadline:
            ctl.kill()
            ctl.wait()
            raise BenchError("shutdown: %d programs left after %.0f s" % (len(left),
                                                                        ctx.huge_timeout))
        time.sleep(0.002)
    ctl.wait(timeout=30)
    return elapsed


def _exists(pid):
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


def spawn_and_stop_floor(count):
    """The floors of a launch and of a shutdown: seconds for this process to
    start COUNT sleepers back to back with posix_spawn (no daemon, no pipes),
    then seconds to SIGTERM them all and reap every one."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    actions = [(os.POSIX_SPAWN_DUP2, devnull, 1), (os.POSIX_SPAWN_DUP2, devnull, 2)]
    pids = []
    try:
        t0 = time.perf_counter()
        for _ in range(count):
            pids.append(os.posix_spawn(SLEEPER_ARGV[0], SLEEPER_ARGV, os.environ,
                                       file_actions=actions))
        spawned = time.perf_counter() - t0
        t0 = time.perf_counter()
        for pid in pids:
            os.kill(pid, signal.SIGTERM)
        for pid in pids:
            os.waitpid(pid, 0)
        stopped = time.perf_counter() - t0
        pids = []
        return spawned, stopped
    finally:
        for pid in pids:
            os.kill(pid, signal.SIGKILL)
        for pid in pids:
            os.waitpid(pid, 0)
        os.close(devnull)
