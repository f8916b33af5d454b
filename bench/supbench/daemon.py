"""One implementation (binaries) and one sandboxed daemon run of it.

Every run gets a fresh temp dir holding the config, socket, pidfile, main
log and child logs. The daemon is driven only through that config file, its
command line, supervisorctl and /proc, the same way for both sides.
"""

import os
import re
import shutil
import signal
import subprocess
import tempfile
import time

from . import procfs


class BenchError(Exception):
    """A scenario could not measure an implementation (reported, not fatal)."""


class Implementation:
    def __init__(self, label, supervisord, supervisorctl):
        self.label = label
        self.supervisord = supervisord
        self.supervisorctl = supervisorctl

    def missing(self):
        for path in (self.supervisord, self.supervisorctl):
            if not (path and os.path.isfile(path) and os.access(path, os.X_OK)):
                return "not found: %s" % path
        return None


def is_python_supervisor(path):
    try:
        with open(path, "rb") as f:
            head = f.read(200)
    except OSError:
        return False
    return head.startswith(b"#!") and b"python" in head.split(b"\n", 1)[0]


HEADER = """\
[unix_http_server]
file={dir}/supervisor.sock

[supervisord]
logfile={dir}/supervisord.log
logfile_maxbytes=0
pidfile={dir}/supervisord.pid
childlogdir={dir}/childlogs
loglevel=info
minfds={minfds}
minprocs={minprocs}

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix://{dir}/supervisor.sock
"""

SPAWNED = re.compile(rb"spawned: '([^']*)' with pid (\d+)")
RUNNING = b" entered RUNNING state"


def program_section(name, command, **options):
    lines = ["", "[program:%s]" % name, "command=%s" % command]
    lines += ["%s=%s" % kv for kv in options.items()]
    return "\n".join(lines) + "\n"


class MainLog:
    """Reads the daemon's main log as it grows: spawned pids and the count of
    'entered RUNNING state' lines (the daemon's own word that a program is
    RUNNING, written at the same moment by both implementations)."""

    def __init__(self, path):
        self.path = path
        self.offset = 0
        self.partial = b""
        self.running = 0
        self.pids = {}

    def poll(self):
        try:
            with open(self.path, "rb") as f:
                f.seek(self.offset)
                data = f.read()
        except FileNotFoundError:
            return
        self.offset += len(data)
        data = self.partial + data
        cut = data.rfind(b"\n") + 1
        self.partial = data[cut:]
        for line in data[:cut].splitlines():
            if RUNNING in line:
                self.running += 1
            else:
                m = SPAWNED.search(line)
                if m:
                    self.pids[m.group(1).decode()] = int(m.group(2))


class Sandbox:
    """A temp dir with a config, and at most one daemon started from it."""

    def __init__(self, impl, programs, minfds=1024, keep=False, minprocs=200):
        self.impl = impl
        self.dir = tempfile.mkdtemp(prefix="supbench-")
        self.keep = keep
        os.makedirs(os.path.join(self.dir, "childlogs"))
        self.conf = os.path.join(self.dir, "supervisord.conf")
        with open(self.conf, "w") as f:
            f.write(HEADER.format(dir=self.dir, minfds=minfds, minprocs=minprocs))
            for section in programs:
                f.write(section.format(dir=self.dir))
        self.log = MainLog(os.path.join(self.dir, "supervisord.log"))
        self.proc = None
        self.started_at = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def path(self, name):
        return os.path.join(self.dir, name)

    def start(self):
        """exec supervisord -n -s -c CONF; returns perf_counter() at spawn."""
        self.err = open(self.path("daemon.stderr"), "wb")
        self.started_at = time.perf_counter()
        self.proc = subprocess.Popen(
            [self.impl.supervisord, "-n", "-s", "-c", self.conf],
            stdin=subprocess.DEVNULL, stdout=self.err, stderr=self.err,
            start_new_session=True, cwd=self.dir)
        return self.started_at

    @property
    def pid(self):
        return self.proc.pid

    def describe_failure(self):
        tail = b""
        for name in ("daemon.stderr", "supervisord.log"):
            try:
                with open(self.path(name), "rb") as f:
                    tail += f.read()[-400:]
            except OSError:
                pass
        code = self.proc.poll() if self.proc else None
        text = tail.decode(errors="replace").strip().replace("\n", " | ")
        return "daemon %s; %s" % ("exited %s" % code if code is not None else "alive",
                                  text[-300:] or "no output")

    def check_alive(self):
        if self.proc.poll() is not None:
            raise BenchError(self.describe_failure())

    def wait_running(self, count, timeout):
        """Poll the main log until COUNT programs are RUNNING; returns the
        perf_counter() at which that was seen. Polls every 1 ms at first,
        then up to every 5 ms (1% of the time waited so far), so a long
        launch is not slowed by the bench on a 2-core machine."""
        start = time.perf_counter()
        deadline = start + timeout
        while True:
            self.log.poll()
            now = time.perf_counter()
            if self.log.running >= count:
                return now
            if now > deadline:
                raise BenchError("%d of %d programs RUNNING after %.0f s; %s" % (
                    self.log.running, count, timeout, self.describe_failure()))
            if self.proc.poll() is not None:
                raise BenchError(self.describe_failure())
            time.sleep(min(0.005, max(0.001, (now - start) / 100)))

    def ctl(self, *args, timeout=60):
        """Run supervisorctl -c CONF ARGS; returns (seconds, exit code, output)."""
        t0 = time.perf_counter()
        try:
            r = subprocess.run([self.impl.supervisorctl, "-c", self.conf, *args],
                               stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, timeout=timeout, cwd=self.dir)
        except subprocess.TimeoutExpired:
            raise BenchError("supervisorctl %s: no answer in %d s" % (" ".join(args), timeout))
        return time.perf_counter() - t0, r.returncode, r.stdout.decode(errors="replace")

    def close(self):
        """Kill the daemon and every program it left behind, remove the dir."""
        if self.proc is not None:
            daemon = self.proc.pid
            leftovers = procfs.descendants_of(daemon) if self.proc.poll() is None else []
            try:
                os.killpg(daemon, signal.SIGKILL)
            except OSError:
                pass
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
            for pid in list(self.log.pids.values()) + leftovers:
                if procfs.is_alive(pid):
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except OSError:
                        pass
            # Orphans reparented to us (we are a subreaper) and their children.
            procfs.kill_tree(os.getpid(), timeout=10)
            self.err.close()
            self.proc = None
        if not self.keep:
            shutil.rmtree(self.dir, ignore_errors=True)
