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

from . import procfs
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
        summary = box.path("strace.txt")
        tracer = subprocess.Popen(["strace", "-c", "-f", "-o", summary, "-p", str(box.pid)],
                                  stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE)
        try:
            time.sleep(ctx.idle_seconds)
            tracer.send_signal(signal.SIGINT)
            _, err = tracer.communicate(timeout=10)
        finally:
            if tracer.poll() is None:
                tracer.kill()
                tracer.wait()
        box.check_alive()
        if b"attached" not in err:
            raise BenchError("strace could not attach: %s" % err.decode(errors="replace")[-200:])
        calls, per_call = _parse_strace_summary(summary)
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
    pipes, no log files. They are killed and reaped afterwards."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    actions = [(os.POSIX_SPAWN_DUP2, devnull, 1), (os.POSIX_SPAWN_DUP2, devnull, 2)]
    pids = []
    try:
        t0 = time.perf_counter()
        for _ in range(count):
            pids.append(os.posix_spawn(SLEEPER_ARGV[0], SLEEPER_ARGV, os.environ,
                                       file_actions=actions))
        return time.perf_counter() - t0
    finally:
        for pid in pids:
            os.kill(pid, signal.SIGKILL)
        for pid in pids:
            os.waitpid(pid, 0)
        os.close(devnull)


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


def fleet_mid(impl, ctx, out):
    n = ctx.fleet_mid
    box, launch = _launch(impl, n, ctx, settle=0.5)
    with box:
        out["launch_mid"] = launch * 1000
        out["status_mid"] = _status_samples(box, n, ctx.status_samples) * 1000
        out["exec_floor"] = exec_floor(5) * 1000
    out["spawn_floor_mid"] = spawn_floor(n) * 1000


def fleet_big(impl, ctx, out):
    n = ctx.fleet_big
    box, launch = _launch(impl, n, ctx, settle=1.0)
    with box:
        out["launch_big"] = launch * 1000
        out["rss_big"] = procfs.rss_bytes(box.pid) / 1e6
        out["status_big"] = _status_samples(box, n, ctx.status_samples) * 1000
        out["exec_floor"] = exec_floor(5) * 1000
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


def _read_stamp(path):
    with open(path) as f:
        return int(f.read().split()[0])


def _check_lines(path, size):
    """The captured file holds exactly the writer's lines, the last one last."""
    actual = os.path.getsize(path)
    if actual != size:
        raise BenchError("%s: %d bytes, expected %d" % (os.path.basename(path), actual, size))
    with open(path, "rb") as f:
        f.seek(size - 100)
        last = f.read(100)
    m = re.match(rb"line (\d{20}) x+\n$", last)
    if not m or int(m.group(1)) != size // 100 - 1:
        raise BenchError("%s: last line is %r" % (os.path.basename(path), last[:40]))


def capture(impl, ctx, out):
    """A program writes ctx.capture_bytes of 100-byte lines to stdout as fast
    as it can. Baseline: the same writer piped into `cat > file`, run just
    before, in the same dir. Times run from the writer's first byte until
    the whole file is on disk (page cache)."""
    size = ctx.capture_bytes // 100 * 100
    writer = ctx.line_writer
    command = "%s --bytes %d --stamp {dir}/stamp --go {dir}/go" % (writer, size)
    section = program_section("writer", command, startsecs=0, autorestart="false",
                              stdout_logfile="{dir}/capture.log", stdout_logfile_maxbytes=0,
                              stdout_logfile_backups=0, stderr_logfile="{dir}/capture.err")
    with Sandbox(impl, [section], keep=ctx.keep) as box:
        # Baseline first: writer | cat > file.
        base_file, base_stamp = box.path("baseline.out"), box.path("baseline.stamp")
        r = subprocess.run(["sh", "-c", "%s --bytes %d --stamp %s | cat > %s" % (
            writer, size, base_stamp, base_file)], timeout=ctx.capture_timeout)
        base_end = time.monotonic_ns()
        if r.returncode != 0:
            raise BenchError("baseline writer | cat failed: exit %d" % r.returncode)
        _check_lines(base_file, size)
        baseline = (base_end - _read_stamp(base_stamp)) / 1e9
        os.unlink(base_file)

        os.mkfifo(box.path("go"))
        box.start()
        box.wait_running(1, timeout=ctx.launch_timeout)
        time.sleep(0.3)
        box.check_alive()
        cpu0 = procfs.cpu_seconds(box.pid)
        fd = os.open(box.path("go"), os.O_WRONLY)
        os.write(fd, b"g")
        os.close(fd)
        log = box.path("capture.log")
        deadline = time.perf_counter() + ctx.capture_timeout
        while True:
            try:
                done = os.stat(log).st_size >= size
            except FileNotFoundError:
                done = False
            if done:
                end = time.monotonic_ns()
                break
            if time.perf_counter() > deadline:
                raise BenchError("capture.log incomplete after %d s; %s" % (
                    ctx.capture_timeout, box.describe_failure()))
            box.check_alive()
            time.sleep(0.002)
        cpu = procfs.cpu_seconds(box.pid) - cpu0
        elapsed = (end - _read_stamp(box.path("stamp"))) / 1e9
        _check_lines(log, size)
        os.unlink(log)
        gib = size / 2**30
        out.update(capture_tput=baseline / elapsed, capture_cpu=cpu / gib,
                   capture_seconds=elapsed, baseline_seconds=baseline)


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
    "restart": restart,
    "shutdown": shutdown,
    "capture": capture,
    "grep": grep,
}

# Re-exec in place has its own module; it reuses _launch from here.
from .reexec_scenarios import reexec, reexec_flood  # noqa: E402

SCENARIOS.update({"reexec": reexec, "reexec-flood": reexec_flood})
