"""Re-exec in place (docs/reexec.md): how long `supervisorctl reexec` takes
with many programs, and whether any output line is lost or torn across many
re-execs under a log flood. Python Supervisor has no re-exec: what its users
do instead is `supervisorctl reload` (every program stopped and started
again), so that is its column for the time, and the flood has no Python side.
"""

import os
import statistics
import subprocess
import time

from .daemon import BenchError, Sandbox, program_section
from .scenarios import _launch, _minfds


def _exec_floor(binary, samples=5):
    """The physical limit of a re-exec: exec the daemon's binary and let it
    exit at once (--version), as the bench runs a command; median seconds."""
    times = []
    for _ in range(samples):
        t0 = time.perf_counter()
        subprocess.run([binary, "--version"], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, check=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def reexec(impl, ctx, out):
    """ctx.fleet_big programs RUNNING. Ours: wall time of `supervisorctl
    reexec` (it returns once the new image answers, after adopting every
    program); every pid must be the same afterwards. Python: `supervisorctl
    reload` until every program is RUNNING again."""
    n = ctx.fleet_big
    box, _ = _launch(impl, n, ctx, settle=1.0)
    with box:
        box.log.poll()
        before = dict(box.log.pids)
        if len(before) != n:
            raise BenchError("saw %d spawned pids, expected %d" % (len(before), n))
        samples = []
        if impl.is_python:
            # One sample: a reload of 1,000 programs takes Python most of a minute.
            for _ in range(1):
                running = box.log.running
                t0 = time.perf_counter()
                _, code, said = box.ctl("reload")
                if code != 0:
                    raise BenchError("supervisorctl reload: exit %d: %s" % (code, said[-200:]))
                samples.append((box.wait_running(running + n, ctx.launch_timeout) - t0) * 1000)
            out["reexec_kept"] = 0.0
        else:
            for _ in range(ctx.reexec_samples):
                seconds, code, said = box.ctl("reexec")
                if code != 0 or "Re-executed" not in said:
                    raise BenchError("supervisorctl reexec: exit %d: %s" % (code, said[-200:]))
                samples.append(seconds * 1000)
            box.log.poll()
            kept = sum(1 for name, pid in before.items() if box.log.pids.get(name) == pid
                       and os.path.exists("/proc/%d" % pid))
            out["reexec_kept"] = 100.0 * kept / n
        out["reexec_big"] = statistics.median(samples)
        out["reexec_samples"] = samples
        if not impl.is_python:  # the floor is our binary's exec, not Python's start-up
            out["reexec_floor"] = _exec_floor(impl.supervisord) * 1000


def _flood_binary(ctx):
    built = os.path.join(ctx.build_dir, "test-helpers", "flood")
    if os.access(built, os.X_OK):
        return built
    source = os.path.join(os.path.dirname(ctx.bench_dir), "tests", "helpers", "flood.cc")
    cached = os.path.join(ctx.bench_dir, "results", ".bin", "flood")
    if not (os.access(cached, os.X_OK) and os.path.getmtime(cached) >= os.path.getmtime(source)):
        os.makedirs(os.path.dirname(cached), exist_ok=True)
        subprocess.run(["c++", "-O2", "-std=c++17", source, "-o", cached], check=True,
                       timeout=120)
    return cached


def reexec_flood(impl, ctx, out):
    """10 programs write numbered lines as fast as they can (4 KiB writes
    cutting lines anywhere) while the daemon re-execs ctx.reexec_floods
    times; then each log is checked: every line 1..N once and whole."""
    if impl.is_python:
        out["notes"] = {"reexec_lost": "n/a (Supervisor has no re-exec)",
                        "reexec_torn": "n/a (Supervisor has no re-exec)"}
        return
    flood = _flood_binary(ctx)
    writers = 10
    sections = [program_section("flood%d" % i, "%s {dir}/stop %d" % (flood, ctx.flood_mib),
                                startsecs=0, autorestart="false",
                                stdout_logfile="{dir}/flood%d.log" % i,
                                stdout_logfile_maxbytes=0, stdout_logfile_backups=0)
                for i in range(writers)]
    with Sandbox(impl, sections, minfds=_minfds(writers), keep=ctx.keep) as box:
        box.start()
        box.wait_running(writers, timeout=ctx.launch_timeout)
        t0 = time.perf_counter()
        for i in range(ctx.reexec_floods):
            _, code, said = box.ctl("reexec")
            if code != 0 or "Re-executed" not in said:
                raise BenchError("re-exec %d: exit %d: %s" % (i + 1, code, said[-200:]))
        elapsed = time.perf_counter() - t0
        open(box.path("stop"), "w").close()
        lost = torn = total = 0
        for i in range(writers):
            log = box.path("flood%d.log" % i)
            deadline = time.perf_counter() + 60
            while True:
                r = subprocess.run([flood, "--check", log], stdout=subprocess.PIPE,
                                   stderr=subprocess.DEVNULL)
                words = r.stdout.decode().split()
                done = len(words) == 8 and (r.returncode == 0 or time.perf_counter() > deadline)
                if done:
                    break
                time.sleep(0.05)  # the end line is still on its way
            counts = dict(zip(words[0::2], map(int, words[1::2])))
            total += counts["lines"]
            lost += counts["lost"] + counts["dup"]
            torn += counts["torn"]
        out.update(reexec_lost=lost, reexec_torn=torn, reexec_flood_lines=total,
                   reexec_flood_seconds=elapsed)
