"""The capture scenarios: programs writing numbered 100-byte lines
(bench/line_writer) to stdout as fast as they can, captured to their
stdout_logfile, against the same writers piped into `cat > file`, run just
before in the same dir. Each scenario states its config in its rows:

  capture          1 program, stdout_logfile_maxbytes=0 (no rotation)
  capture-rotate   1 program, Supervisor's defaults: 50MB, 10 backups
  capture-10       10 programs at once, 50MB, 10 backups each
  capture-stamped  as capture, with log_timestamps=true (ours only)
  capture-tee      as capture, with stdout_tee= a second file (ours only)
(--quick: 1MB instead of 50MB, so that its few MiB still rotate.)

Times run from the first writer's first byte until every log holds its
writer's last line. The daemon's CPU comes from /proc/PID/task/*/schedstat,
cat's from wait4(); both per GiB. After each run bench/line_check reads
each program's files (backups oldest first, then the log) and counts lines
lost, repeated or malformed and rotations that cut a line.
"""

import os
import re
import subprocess
import time

from . import procfs
from .daemon import BenchError, Sandbox, program_section

LINE = 100
CHECK_KEYS = ("gaps", "dups", "bad", "torn")
# Scenarios of our own keys (docs/program-logs.md): Python Supervisor would
# ignore them and measure plain capture, so it has no column there.
OURS_ONLY = ("capture-stamped", "capture-tee")
STAMP = len("2026-12-06T18:40:01.123+00:00 ")
TEE_PREFIX = "tee: "


def _section(name, writer, size, maxbytes, backups, extra=None):
    command = "%s --bytes %d --stamp {dir}/%s.stamp --go {dir}/go" % (writer, size, name)
    options = dict(startsecs=0, autorestart="false", stdout_logfile="{dir}/%s.log" % name,
                   stdout_logfile_maxbytes=maxbytes, stdout_logfile_backups=backups,
                   stderr_logfile="{dir}/%s.err" % name)
    options.update((k, v.replace("{name}", name)) for k, v in (extra or {}).items())
    return program_section(name, command, **options)


def _stamp(path):
    with open(path) as f:
        return int(f.read().split()[0])


class Go:
    """The FIFO the writers wait on (line_writer --go) before their first
    byte. Opened read-write here first, so a writer's open() never blocks and
    none that opens it late can miss the start."""

    def __init__(self, path):
        self.path = path
        os.mkfifo(path)
        self.fd = os.open(path, os.O_RDWR)

    def release(self, pids, timeout):
        """Once every writer in PIDS holds the FIFO open (waiting in read()),
        give each its byte: they all start at once."""
        deadline = time.monotonic() + timeout
        for pid in pids:
            while not self._holds(pid):
                if time.monotonic() > deadline:
                    raise BenchError("writer %d never opened %s" % (pid, self.path))
                time.sleep(0.002)
        os.write(self.fd, b"g" * len(pids))

    def _holds(self, pid):
        try:
            return any(os.readlink("/proc/%d/fd/%s" % (pid, fd)) == self.path
                       for fd in os.listdir("/proc/%d/fd" % pid))
        except OSError:
            return False

    def close(self):
        os.close(self.fd)


def _files(base, backups):
    """The files of one log, oldest backup first, then the log itself."""
    out = ["%s.%d" % (base, i) for i in range(backups, 0, -1)
           if os.path.exists("%s.%d" % (base, i))]
    return out + [base]


def _tail(base, n):
    """The last N bytes of the log, reaching into .1 when the log itself is
    shorter (just rotated)."""
    data = b""
    for path in (base, base + ".1"):
        try:
            with open(path, "rb") as f:
                f.seek(0, os.SEEK_END)
                size = f.tell()
                f.seek(max(0, size - (n - len(data))))
                data = f.read() + data
        except FileNotFoundError:
            pass
        if len(data) >= n:
            break
    return data[-n:]


def _ends_with_line(base, number):
    return _tail(base, LINE) == b"line %020d " % number + b"x" * (LINE - 27) + b"\n"


def _line_check(ctx, files, skip=0):
    r = subprocess.run([ctx.line_check] + (["--skip", str(skip)] if skip else []) + files, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=600)
    text = r.stdout.decode(errors="replace")
    if r.returncode != 0:
        raise BenchError("line_check: %s" % text.strip()[-200:])
    return {k: int(v) for k, v in re.findall(r"(\w+)=(-?\d+)", text)}


def _baseline(ctx, box, programs, size):
    """COUNT writers piped into `cat > file` at once; (seconds from the first
    writer's first byte until the last cat exits, cat CPU seconds)."""
    go = Go(box.path("basego"))
    pairs = []
    for i in range(programs):
        out = open(box.path("base%d.out" % i), "wb")
        w = subprocess.Popen([ctx.line_writer, "--bytes", str(size), "--stamp",
                              box.path("base%d.stamp" % i), "--go", go.path],
                             stdout=subprocess.PIPE)
        c = subprocess.Popen(["cat"], stdin=w.stdout, stdout=out)
        w.stdout.close()
        out.close()
        pairs.append((w, c))
    go.release([w.pid for w, _ in pairs], ctx.capture_timeout)
    cpu = 0.0
    for w, c in pairs:
        _, status, ru = os.wait4(c.pid, 0)
        c.returncode = os.waitstatus_to_exitcode(status)
        cpu += ru.ru_utime + ru.ru_stime
        if w.wait(timeout=ctx.capture_timeout) != 0 or c.returncode != 0:
            raise BenchError("baseline writer | cat failed")
    end = time.monotonic_ns()
    go.close()
    start = min(_stamp(box.path("base%d.stamp" % i)) for i in range(programs))
    for i in range(programs):
        os.unlink(box.path("base%d.out" % i))
    return (end - start) / 1e9, cpu


def _capture(impl, ctx, out, programs, size, maxbytes, backups, extra=None, skip=0, tee=False):
    """EXTRA: more program options; SKIP: bytes before each line in the log
    (a stamp); TEE: the program tees to {dir}/NAME.tee, checked too."""
    size = size // LINE * LINE
    last = size // LINE - 1
    names = ["writer%d" % i for i in range(programs)]
    sections = [_section(n, ctx.line_writer, size, maxbytes, backups, extra) for n in names]
    with Sandbox(impl, sections, keep=ctx.keep) as box:
        baseline, cat_cpu = _baseline(ctx, box, programs, size)
        go = Go(box.path("go"))
        box.start()
        box.wait_running(programs, timeout=ctx.launch_timeout)
        time.sleep(0.3)
        box.check_alive()
        box.log.poll()
        pids = [box.log.pids.get(n) for n in names]
        if None in pids:
            raise BenchError("spawned pids not all logged: %s" % pids)
        cpu0 = procfs.cpu_seconds(box.pid)
        go.release(pids, ctx.capture_timeout)
        deadline = time.perf_counter() + ctx.capture_timeout
        left = set(names)
        sizes = {}
        while left:
            for n in list(left):
                base = box.path(n + ".log")
                try:
                    st = os.stat(base)
                except FileNotFoundError:
                    continue
                key = (st.st_ino, st.st_size)
                if sizes.get(n) != key:  # look at the tail only when it moved
                    sizes[n] = key
                    plain = maxbytes == 0 and not skip
                    if st.st_size >= size if plain else _ends_with_line(base, last):
                        left.discard(n)
            if not left:
                end = time.monotonic_ns()
                break
            if time.perf_counter() > deadline:
                raise BenchError("%d logs incomplete after %d s; %s" % (
                    len(left), ctx.capture_timeout, box.describe_failure()))
            box.check_alive()
            time.sleep(0.002)
        cpu = procfs.cpu_seconds(box.pid) - cpu0
        go.close()
        start = min(_stamp(box.path(n + ".stamp")) for n in names)
        elapsed = (end - start) / 1e9
        faults = dict.fromkeys(CHECK_KEYS, 0)
        checks = [(_files(box.path(n + ".log"), backups), skip) for n in names]
        if tee:
            checks += [([box.path(n + ".tee")], len(TEE_PREFIX)) for n in names]
        for files, prefix in checks:
            counts = _line_check(ctx, files, prefix)
            if counts.get("last") != last:
                raise BenchError("%s: last line %s, expected %d" % (files[-1], counts.get("last"),
                                                                    last))
            for k in CHECK_KEYS:
                faults[k] += counts.get(k, 0)
        gib = programs * size / 2**30
        out.update(tput=baseline / elapsed, cpu=cpu / gib, cat_cpu=cat_cpu / gib,
                   seconds=elapsed, baseline_seconds=baseline,
                   faults=sum(faults.values()), torn=faults["torn"],
                   lost=faults["gaps"] + faults["dups"] + faults["bad"])


def _prefixed(prefix, values):
    return {prefix + "_" + k: v for k, v in values.items()}


def capture(impl, ctx, out):
    """1 GiB, maxbytes=0: one file, splice throughout."""
    values = {}
    try:
        _capture(impl, ctx, values, 1, ctx.capture_bytes, 0, 0)
    finally:
        out.update(_prefixed("capture", values))


def capture_rotate(impl, ctx, out):
    """1 GiB with Supervisor's defaults (50MB, 10 backups): ~20 rotations."""
    values = {}
    try:
        _capture(impl, ctx, values, 1, ctx.capture_bytes, ctx.rotate_maxbytes, 10)
    finally:
        out.update(_prefixed("caprot", values))


def capture_ten(impl, ctx, out):
    """10 programs at once, 50MB and 10 backups each."""
    values = {}
    try:
        _capture(impl, ctx, values, 10, ctx.capture10_bytes, ctx.rotate_maxbytes, 10)
    finally:
        out.update(_prefixed("cap10", values))


def capture_stamped(impl, ctx, out):
    """As capture, with log_timestamps=true: every line read, stamped, written."""
    values = {}
    try:
        _capture(impl, ctx, values, 1, ctx.capture_bytes, 0, 0,
                 extra={"log_timestamps": "true"}, skip=STAMP)
    finally:
        out.update(_prefixed("stamp", values))


def capture_tee(impl, ctx, out):
    """As capture, with every line also teed (prefixed) to a second file."""
    values = {}
    try:
        _capture(impl, ctx, values, 1, ctx.capture_bytes, 0, 0,
                 extra={"stdout_tee": "{dir}/{name}.tee", "tee_prefix": '"%s"' % TEE_PREFIX},
                 tee=True)
    finally:
        out.update(_prefixed("tee", values))
