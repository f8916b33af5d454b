"""The scenarios. Each takes (impl, ctx, out) and stores {metric key: value}
in OUT as it measures, raising BenchError when the implementation cannot be
measured further (what OUT holds by then still counts). ctx carries
the sizes (full or --quick) and helper paths. Every scenario is the same
code for both implementations: same config, same commands, same polling.
"""

import os
import re
import shutil
import signal
import statistics
import subprocess
import time

from . import capture, fleet, procfs, xmlrpc
from .daemon import BenchError, Sandbox, program_section

SLEEPER = "/bin/sleep 86400"
SLEEPER_ARGV = ["/bin/sleep", "86400"]


def _sleepers(count, **extra):
    options = dict(startsecs=0, autorestart="true")
    options.update(extra)
    return [program_section("p%04d" % i, SLEEPER, **options) for i in range(count)]


def _minfds(programs):
    # Two pipes per program (stdout, stderr) plus log files: Python Supervisor
    # refuses to start when the fd limit is below minfds, so raise it for both.
    return max(1024, 8 * programs + 256)


def _launch(impl, count, ctx, settle=0.0):
    """Start a daemon with COUNT sleepers; returns (sandbox, seconds until
    COUNT are RUNNING)."""
    box = Sandbox(impl, _sleepers(count), minfds=_minfds(count), keep=ctx.keep)
    try:
        t0 = box.start()
        t1 = box.wait_running(count, timeout=ctx.launch_timeout)
        if settle:
            time.sleep(settle)
            box.check_alive()
    except BaseException:
        box.close()
        raise
    return box, t1 - t0


def _status_samples(box, count, samples):
    times = []
    for _ in range(samples):
        seconds, code, out = box.ctl("status")
        running = sum(1 for line in out.splitlines() if " RUNNING " in line)
        if code != 0 or running != count:
            raise BenchError("supervisorctl status: exit %d, %d of %d RUNNING: %s" % (
                code, running, count, out.strip()[-200:] or "no output"))
        times.append(seconds)
    return statistics.median(times)


def one_program(impl, ctx, out):
    box, launch = _launch(impl, 1, ctx, settle=0.5)
    with box:
        out["launch_1"] = launch * 1000
        out["rss_1"] = procfs.rss_bytes(box.pid) / 1e6


def idle(impl, ctx, out):
    """Context switches from /proc over an idle window (no ptrace involved),
    then strace -c -f over a second one; one program RUNNING."""
    box, _ = _launch(impl, 1, ctx, settle=1.0)
    with box:
        scale = 10.0 / ctx.idle_seconds
        switches0 = _ctxt_switches(box.pid)
        time.sleep(ctx.idle_seconds)
        out["idle_switches"] = (_ctxt_switches(box.pid) - switches0) * scale
        if not shutil.which("strace"):
            out["notes"] = {"idle_syscalls": "n/a (no strace)"}
            return
        calls, per_call = _strace_window(box, ctx.idle_seconds)
        out["idle_syscalls"] = calls * scale
        out["idle_syscall_names"] = per_call


def _ctxt_switches(pid):
    total = 0
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
                total += int(line.split()[1])
    return total


def _parse_strace_summary(path):
    calls, per_call = 0, {}
    with open(path) as f:
        for line in f:
            fields = line.split()
            if len(fields) >= 5 and fields[0][0].isdigit() and fields[3].isdigit():
                if fields[-1] == "total":
                    calls = int(fields[3])
                else:
                    per_call[fields[-1]] = int(fields[3])
    return calls, per_call


def spawn_floor(count):
    """The physical limit of a launch: seconds for one process to start COUNT
    sleepers back to back with posix_spawn (glibc's clone+exec, each call
    returning once the child has exec'd), output to /dev/null; no daemon, no
    pipes, no log files. They are stopped and reaped afterwards (the same
    loop as fleet-huge's floors, whose stop time this does not need)."""
    return fleet.spawn_and_stop_floor(count)[0]


def exec_floor(samples):
    """The physical limit of one supervisorctl call: /bin/true run the way
    Sandbox.ctl runs supervisorctl (same subprocess options), median seconds."""
    times = []
    for _ in range(samples):
        t0 = time.perf_counter()
        subprocess.run(["/bin/true"], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, check=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _xmlrpc_clients(box, n, ctx, out, size):
    """Python Supervisor's clients on this daemon: its supervisorctl status
    and a raw XML-RPC getAllProcessInfo (bench/supbench/xmlrpc.py)."""
    out["xmlrpc_allinfo_" + size] = xmlrpc.raw_all_process_info(
        box, n, ctx.xmlrpc_samples) * 1000
    if ctx.python_supervisorctl:
        out["pyctl_status_" + size] = xmlrpc.python_ctl_status(
            box, ctx.python_supervisorctl, n, ctx.status_samples) * 1000
        out["pyctl_floor"] = xmlrpc.python_ctl_floor(
            box, ctx.python_supervisorctl, ctx.status_samples) * 1000
    else:
        out.setdefault("notes", {})["pyctl_status_" + size] = "n/a (no Python supervisorctl)"


def fleet_mid(impl, ctx, out):
    n = ctx.fleet_mid
    box, launch = _launch(impl, n, ctx, settle=0.5)
    with box:
        out["launch_mid"] = launch * 1000
        out["status_mid"] = _status_samples(box, n, ctx.status_samples) * 1000
        out["exec_floor"] = exec_floor(5) * 1000
        _xmlrpc_clients(box, n, ctx, out, "mid")
    out["spawn_floor_mid"] = spawn_floor(n) * 1000


def fleet_big(impl, ctx, out):
    n = ctx.fleet_big
    box, launch = _launch(impl, n, ctx, settle=1.0)
    with box:
        out["launch_big"] = launch * 1000
        out["rss_big"] = procfs.rss_bytes(box.pid) / 1e6
        out["status_big"] = _status_samples(box, n, ctx.status_samples) * 1000
        out["exec_floor"] = exec_floor(5) * 1000
        _xmlrpc_clients(box, n, ctx, out, "big")
        # What a daemon in use holds: every answer above was built and sent.
        out["rss_big_used"] = procfs.rss_bytes(box.pid) / 1e6
        if impl.is_python:
            out.setdefault("notes", {})["metrics_big"] = "n/a (Supervisor has no /metrics)"
        else:
            scrape = xmlrpc.raw_metrics(box, n, ctx.xmlrpc_samples)
            if scrape is None:
                out.setdefault("notes", {})["metrics_big"] = "n/a (this build has no /metrics)"
            else:
                out["metrics_big"] = scrape * 1000
    out["spawn_floor_big"] = spawn_floor(n) * 1000


def restart(impl, ctx, out):
    """SIGKILL the program; time until a new child of the daemon has exec'd
    the program's command line. Polls every 0.5 ms."""
    box, _ = _launch(impl, 1, ctx, settle=0.3)
    with box:
        samples = []
        for i in range(ctx.restart_samples):
            old = box.log.pids.get("p0000")
            if old is None or procfs.cmdline(old) != procfs.encode_cmdline(SLEEPER_ARGV):
                raise BenchError("no running p0000 (spawned pid %s)" % old)
            watcher = procfs.NewChildWatcher(box.pid, SLEEPER_ARGV, exclude=[old])
            t0 = time.perf_counter()
            os.kill(old, signal.SIGKILL)
            deadline = t0 + ctx.restart_timeout
            while True:
                new = watcher.poll()
                now = time.perf_counter()
                if new:
                    break
                if now > deadline:
                    raise BenchError("no new process %.0f s after SIGKILL; %s" % (
                        ctx.restart_timeout, box.describe_failure()))
                time.sleep(0.0005)
            samples.append((now - t0) * 1000)
            # Next kill only once the daemon calls it RUNNING again.
            box.wait_running(i + 2, timeout=10)
            box.log.poll()
            time.sleep(0.2)
        out["restart"] = statistics.median(samples)
        out["restart_samples"] = samples


def shutdown(impl, ctx, out):
    """supervisorctl shutdown; time until the daemon and every program exited."""
    n = ctx.shutdown_programs
    box, _ = _launch(impl, n, ctx, settle=0.5)
    with box:
        box.log.poll()
        left = set(box.log.pids.values())
        if len(left) != n:
            raise BenchError("saw %d spawned pids, expected %d" % (len(left), n))
        t0 = time.perf_counter()
        ctl = subprocess.Popen([impl.supervisorctl, "-c", box.conf, "shutdown"],
                               stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, cwd=box.dir)
        deadline = t0 + ctx.shutdown_timeout
        daemon_gone = False
        while True:
            left = {pid for pid in left if procfs.is_alive(pid)}
            daemon_gone = daemon_gone or box.proc.poll() is not None
            now = time.perf_counter()
            if daemon_gone and not left:
                break
            if now > deadline:
                ctl.kill()
                said = ctl.communicate()[0].decode(errors="replace").strip()
                raise BenchError("after %.0f s: daemon %s, %d programs left; supervisorctl "
                                 "said: %s" % (ctx.shutdown_timeout,
                                               "exited" if daemon_gone else "alive",
                                               len(left), said[-200:] or "nothing"))
            time.sleep(0.001)
        try:
            said = ctl.communicate(timeout=30)[0].decode(errors="replace")
        except subprocess.TimeoutExpired:
            ctl.kill()
            ctl.wait()
            raise BenchError("supervisorctl shutdown did not return")
        if ctl.returncode != 0 or "Shut down" not in said:
            raise BenchError("supervisorctl shutdown: exit %d: %s" % (ctl.returncode,
                                                                       said.strip()[-200:]))
        out["shutdown"] = (now - t0) * 1000


def _listener_section(name, command, events, **options):
    lines = ["", "[eventlistener:%s]" % name, "command=%s" % command, "events=%s" % events]
    lines += ["%s=%s" % kv for kv in options.items()]
    return "\n".join(lines) + "\n"


def events(impl, ctx, out):
    """One listener that answers at once and makes its own next event (a
    capture-mode token on its stderr: PROCESS_COMMUNICATION_STDERR), so one
    event is in flight at a time as for any single listener. Events per
    second from the listener's receipt of event 1 to event N (its clock), and
    the daemon's CPU over that window per 10,000 events."""
    n = ctx.event_count
    command = "%s --events %d --stamp {dir}/stamp --go {dir}/go" % (ctx.event_pingpong, n)
    section = _listener_section("pingpong", command, "PROCESS_COMMUNICATION_STDERR",
                                buffer_size=100, stderr_capture_maxbytes="1KB",
                                stdout_logfile="NONE", stderr_logfile="NONE")
    with Sandbox(impl, [section], keep=ctx.keep) as box:
        os.mkfifo(box.path("go"))
        box.start()
        box.wait_running(1, timeout=ctx.launch_timeout)
        time.sleep(0.3)
        box.check_alive()
        cpu0 = procfs.cpu_seconds(box.pid)
        fd = os.open(box.path("go"), os.O_WRONLY)
        os.write(fd, b"g")
        os.close(fd)
        deadline = time.perf_counter() + ctx.event_timeout
        while not os.path.exists(box.path("stamp")):
            if time.perf_counter() > deadline:
                raise BenchError("%d events not delivered after %d s; %s" % (
                    n, ctx.event_timeout, box.describe_failure()))
            box.check_alive()
            time.sleep(0.005)
        time.sleep(0.05)  # the stamp file is written in one go; let it land
        cpu = procfs.cpu_seconds(box.pid) - cpu0
        first, last = (int(x) for x in open(box.path("stamp")).read().split())
        seconds = (last - first) / 1e9
        out.update(events_rate=(n - 1) / seconds, events_cpu=cpu * 10000.0 / n,
                   events_seconds=seconds)
    out.update(_round_trip_floor(ctx, n))


def _round_trip_floor(ctx, n):
    """The physical limit of one listener: N round trips of a byte between two
    processes over pipes (what any daemon must do per event: write, sleep
    until the answer, read), as round trips/s and the parent's CPU per 10,000."""
    r = subprocess.run([ctx.event_pingpong, "--relay", str(n)], stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
    rate, cpu = (float(x) for x in r.stdout.split())
    return {"events_floor_rate": rate, "events_floor_cpu": cpu}


def events_idle(impl, ctx, out):
    """An idle daemon with a listener subscribed to TICK_5: strace -c -f over
    the idle window. Only the TICK wake-ups should show (two per 10 s)."""
    command = "%s --answer" % ctx.event_pingpong
    section = _listener_section("ticks", command, "TICK_5", stdout_logfile="NONE",
                                stderr_logfile="NONE")
    with Sandbox(impl, [section], keep=ctx.keep) as box:
        box.start()
        box.wait_running(1, timeout=ctx.launch_timeout)
        time.sleep(1.0)
        box.check_alive()
        if not shutil.which("strace"):
            out["notes"] = {"events_idle_syscalls": "n/a (no strace)"}
            return
        calls, per_call = _strace_window(box, ctx.idle_seconds)
        out["events_idle_syscalls"] = calls * 10.0 / ctx.idle_seconds
        out["events_idle_syscall_names"] = per_call


def _strace_window(box, seconds):
    """strace -c -f on the daemon for SECONDS: (total calls, {name: calls})."""
    summary = box.path("strace.txt")
    tracer = subprocess.Popen(["strace", "-c", "-f", "-o", summary, "-p", str(box.pid)],
                              stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE)
    try:
        time.sleep(seconds)
        tracer.send_signal(signal.SIGINT)
        _, err = tracer.communicate(timeout=10)
    finally:
        if tracer.poll() is None:
            tracer.kill()
            tracer.wait()
    box.check_alive()
    if b"attached" not in err:
        raise BenchError("strace could not attach: %s" % err.decode(errors="replace")[-200:])
    return _parse_strace_summary(summary)


GREP_ROW = re.compile(r"^(.*?)\s+(count|lines)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+(.*)$")


def grep(impl, ctx, out):
    """Runs the log search bench (bench/grep_bench.sh, owned by the log search
    work) and reduces its table to the median and worst ours/grep ratio."""
    script = os.path.join(ctx.bench_dir, "grep_bench.sh")
    if not os.path.exists(os.path.join(ctx.build_dir, "bin", "log_search_bench")):
        raise BenchError("log_search_bench not built in %s" % ctx.build_dir)
    env = dict(os.environ)
    if ctx.grep_data:
        env["SUP_BENCH_DIR"] = ctx.grep_data
    try:
        r = subprocess.run(["bash", script, ctx.build_dir, str(ctx.grep_runs)], env=env,
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=ctx.grep_timeout)
    except subprocess.TimeoutExpired:
        raise BenchError("grep_bench.sh took more than %d s" % ctx.grep_timeout)
    out_text = r.stdout.decode(errors="replace")
    rows = [GREP_ROW.match(line) for line in out_text.splitlines()]
    rows = [m for m in rows if m]
    if r.returncode != 0 or not rows:
        raise BenchError("grep_bench.sh: exit %d: %s" % (r.returncode, out_text.strip()[-300:]))
    bad = [m.group(1).strip() for m in rows if not m.group(6).split(" matches, ")[-1] == "same"]
    if bad:
        raise BenchError("grep_bench.sh: results differ from GNU grep for %s" % ", ".join(bad))
    ratios = [float(m.group(5)) for m in rows]
    out.update(grep_median=statistics.median(ratios), grep_worst=max(ratios),
               grep_table=out_text)


SCENARIOS = {
    "one": one_program,
    "idle": idle,
    "fleet-mid": fleet_mid,
    "fleet-big": fleet_big,
    "fleet-huge": fleet.fleet_huge,
    "restart": restart,
    "shutdown": shutdown,
    "capture": capture.capture,
    "capture-rotate": capture.capture_rotate,
    "capture-10": capture.capture_ten,
    "capture-stamped": capture.capture_stamped,
    "capture-tee": capture.capture_tee,
    "grep": grep,
    "events": events,
    "events-idle": events_idle,
}

# Re-exec in place has its own module; it reuses _launch from here.
from .reexec_scenarios import reexec, reexec_flood  # noqa: E402

SCENARIOS.update({"reexec": reexec, "reexec-flood": reexec_flood})
