#!/usr/bin/python3
"""Side-by-side sweep: supervisor-cpp against Python Supervisor 4.2.5.

Runs every case of sweep_cases.py twice, once with our binaries and once
with Python's (/usr/bin), each in its own temp dir with its own config,
socket, pidfile, logs, HOME and cwd, and compares what a user sees: stdout,
stderr and exit status of every command, the daemon's own output and its
main log, with temp paths, binary paths, pids, times and uptimes
normalized. Our supervisorctl talks to our daemon and Python's to Python's.

Every difference left on purpose is listed, with its reason, in
sweep-allow.txt; the sweep exits 0 only when nothing else differs.
Python standard library only. Usage:

    tests/compat/sweep.py [--ours build/bin] [--python /usr/bin]
                          [--only GLOB] [--keep] [--verbose]

Nothing here reads or touches /etc/supervisor or a system socket: every
command gets -c, except the cases about the config search, which run in a
sandbox cwd holding the config that the search finds first (and are skipped
when a file earlier in the search order exists on this machine).
"""

import argparse
import concurrent.futures
import fnmatch
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # no __pycache__ in the source tree

import sweep_cases  # noqa: E402
from sweep_allow import load_allow_list  # noqa: E402

TOOLS = ("supervisord", "supervisorctl", "pidproxy", "echo_supervisord_conf")


class Impl:
    def __init__(self, name, bindir):
        self.name = name
        self.bindir = os.path.abspath(bindir)

    def tool(self, name):
        return os.path.join(self.bindir, name)

    def missing(self):
        return [t for t in TOOLS if not os.access(self.tool(t), os.X_OK)]


# ---------------------------------------------------------------- normalizing

NORMALIZE = [
    (re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}"), "{time}"),
    (re.compile(r"\bpid \d+"), "pid {pid}"),
    (re.compile(r"' \(\d+\) with SIG"), "' ({pid}) with SIG"),
    (re.compile(r"\buptime (\d+ days?, )?\d+:\d\d:\d\d"), "uptime {uptime}"),
    # EXITED/STOPPED descriptions: "Dec 06 02:44 AM"
    (re.compile(r"\b[A-Z][a-z]{2} \d\d \d\d:\d\d [AP]M\b"), "{date}"),
    # AUTO child log names: name-stdout---supervisor-k2j3h4.log
    (re.compile(r"(---[^\s/]+?-)[A-Za-z0-9_]{6,8}(\.log)"), r"\1{rand}\2"),
    (re.compile(r" at 0x[0-9a-f]+| at \d{9,}"), " at {addr}"),
]


def normalize(text, sandbox):
    text = text.replace(sandbox.dir, "{dir}")
    text = text.replace(sandbox.env["PATH"], "{path}")
    text = text.replace(":%d" % sandbox.port, ":{port}")
    for tool in TOOLS:
        text = text.replace(sandbox.impl.tool(tool), "{bin}/" + tool)
    # The config search starts at dirname(dirname(argv[0])).
    here = os.path.dirname(sandbox.impl.bindir)
    for searched in ("/etc/supervisord.conf", "/supervisord.conf"):
        text = text.replace(here + searched + ",", "{here}" + searched + ",")
    for pattern, repl in NORMALIZE:
        text = pattern.sub(repl, text)
    for pattern, repl in sandbox.case.normalize:
        text = re.sub(pattern, repl, text)
    return text


# ---------------------------------------------------------------- running


class StepError(Exception):
    pass


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Sandbox:
    """One implementation's run of one case: its dir, daemon and records."""

    def __init__(self, impl, case, root):
        self.impl = impl
        self.case = case
        # Both dirs have names of one length, so byte offsets (tail -N,
        # maintail) match between the two sides.
        self.dir = os.path.join(root, {"python": "pyth"}.get(impl.name, impl.name))
        os.makedirs(os.path.join(self.dir, "home"))
        self.env = {
            "PATH": "%s:/usr/local/bin:/usr/bin:/bin" % impl.bindir,
            "HOME": os.path.join(self.dir, "home"),
            "LANG": "C.UTF-8",
            "TZ": "UTC",
            "USER": "root",
            "LOGNAME": "root",
        }
        self.env.update(case.env)
        self.port = free_port()
        self.daemon = None
        self.daemon_files = None
        self.records = []  # (step label, stream, text)
        self.step_no = 0
        self.notes = []

    def expand(self, text):
        return (text.replace("{dir}", self.dir).replace("{bin}", self.impl.bindir)
                .replace("{port}", str(self.port)))

    def config_path(self):
        return os.path.join(self.dir, self.case.conf)

    def record(self, label, stream, text):
        # Numbered by step, so a command run twice is two records.
        self.records.append(("%02d %s" % (self.step_no, label), stream, text))

    def run(self, argv, label, stdin=None, timeout=20, cwd=None):
        argv = [self.expand(a) for a in argv]
        if argv[0] in TOOLS:
            argv[0] = self.impl.tool(argv[0])
        try:
            p = subprocess.run(argv, cwd=cwd or self.dir, env=self.env, timeout=timeout,
                               input=(stdin or "").encode(), capture_output=True)
            out, err, code = p.stdout, p.stderr, str(p.returncode)
        except subprocess.TimeoutExpired as e:
            out, err, code = e.stdout or b"", e.stderr or b"", "timeout"
        self.record(label, "out", out.decode("utf-8", "backslashreplace"))
        self.record(label, "err", err.decode("utf-8", "backslashreplace"))
        self.record(label, "exit", code)
        return code, out.decode("utf-8", "backslashreplace")

    def ctl_quiet(self, args):
        """supervisorctl without recording (for waiting on states)."""
        argv = [self.impl.tool("supervisorctl"), "-c", self.config_path()] + args
        p = subprocess.run(argv, cwd=self.dir, env=self.env, capture_output=True, timeout=20)
        return p.stdout.decode("utf-8", "replace")

    def main_log_path(self):
        return os.path.join(self.dir, self.case.mainlog)

    def main_log(self):
        try:
            with open(self.main_log_path(), "rb") as f:
                return f.read().decode("utf-8", "backslashreplace")
        except OSError:
            return ""

    def start(self, args, label, wait_for):
        if self.daemon:
            raise StepError("a daemon is already running")
        out = open(os.path.join(self.dir, "daemon.out"), "wb")
        err = open(os.path.join(self.dir, "daemon.err"), "wb")
        argv = [self.impl.tool("supervisord")] + [self.expand(a) for a in args]
        self.daemon = subprocess.Popen(argv, cwd=self.dir, env=self.env, stdin=subprocess.DEVNULL,
                                       stdout=out, stderr=err, start_new_session=True)
        self.daemon_files = (out, err)
        self.daemon_label = label
        deadline = time.monotonic() + 20
        pidfile = os.path.join(self.dir, "supervisord.pid")
        while time.monotonic() < deadline:
            if self.daemon.poll() is not None:
                return
            if wait_for and re.search(wait_for, self.main_log()):
                return
            if not wait_for and os.path.exists(pidfile):
                return
            time.sleep(0.05)
        self.notes.append("%s: no %r in the main log after 20 s" % (label, wait_for))

    def wait(self, predicate, what, timeout=20):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return True
            time.sleep(0.05)
        self.notes.append("gave up waiting for %s" % what)
        return False

    def stop(self, sig=signal.SIGTERM, timeout=30):
        """Signal the daemon, wait for it and record its end."""
        d = self.daemon
        if d is None:
            return
        if d.poll() is None and sig is not None:
            d.send_signal(sig)
        try:
            d.wait(timeout)
        except subprocess.TimeoutExpired:
            self.notes.append("daemon did not exit within %d s: killed" % timeout)
            os.killpg(d.pid, signal.SIGKILL)
            d.wait()
        for f in self.daemon_files:
            f.close()
        label = self.daemon_label
        self.record(label, "exit", str(d.returncode))
        for stream in ("out", "err"):
            with open(os.path.join(self.dir, "daemon." + stream), "rb") as f:
                self.record(label, stream, f.read().decode("utf-8", "backslashreplace"))
        self.daemon = None

    def finish(self):
        if self.daemon is not None:
            self.stop()
        self.record("mainlog", "log", self.main_log())


def run_case(case, impls, root):
    sandboxes = []
    errors = []
    for impl in impls:
        d = os.path.join(root, case.name)
        os.makedirs(d, exist_ok=True)
        sandboxes.append(Sandbox(impl, case, d))

    def drive(sb):
        try:
            for path, text in case.files.items():
                full = os.path.join(sb.dir, path)
                os.makedirs(os.path.dirname(full), exist_ok=True)
                with open(full, "w") as f:
                    f.write(sb.expand(text))
            for number, step in enumerate(case.steps, 1):
                sb.step_no = number
                step(sb)
            sb.step_no = 99
            sb.finish()
        except Exception as e:  # reported as a difference of its own
            errors.append("%s: %s: %r" % (case.name, sb.impl.name, e))
            try:
                sb.finish()
            except Exception:
                pass

    threads = [threading.Thread(target=drive, args=(sb,)) for sb in sandboxes]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sandboxes, errors


# ---------------------------------------------------------------- comparing


def compare(case, ours, python, allow):
    """Differences of one case after normalizing and the allow-list."""
    diffs = []
    theirs = {(l, s): t for l, s, t in python.records}
    mine = {(l, s): t for l, s, t in ours.records}
    keys = [k for k in ((l, s) for l, s, _ in python.records)]
    keys += [k for k in mine if k not in theirs]
    for key in keys:
        label, stream = key
        a = normalize(theirs.get(key, "<missing>"), python)
        b = normalize(mine.get(key, "<missing>"), ours)
        if stream == "exit":
            a, b = "exit " + a, "exit " + b
        la = allow.filter(case.name, label, stream, a.splitlines())
        lb = allow.filter(case.name, label, stream, b.splitlines())
        if allow.unordered(case.name, label, stream):
            la, lb = sorted(la), sorted(lb)
        if la != lb:
            diffs.append((label, stream, la, lb))
    return diffs


def show_diff(label, stream, python_lines, our_lines):
    import difflib
    out = ["  -- %s [%s]" % (label, stream)]
    for line in difflib.unified_diff(python_lines, our_lines, "python", "ours", n=2, lineterm=""):
        out.append("     " + line)
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ours", default=os.path.join(REPO, "build", "bin"),
                    help="directory with our supervisord, supervisorctl, pidproxy, "
                         "echo_supervisord_conf (default build/bin)")
    ap.add_argument("--python", default="/usr/bin", help="Python Supervisor's binaries")
    ap.add_argument("--allow", default=os.path.join(HERE, "sweep-allow.txt"))
    ap.add_argument("--only", default="*", help="run the cases whose name matches this glob")
    ap.add_argument("--keep", action="store_true", help="keep the temp dirs")
    ap.add_argument("--jobs", "-j", type=int, default=3, help="cases run at once (default 3)")
    ap.add_argument("--verbose", "-v", action="store_true",
                    help="also show the differences the allow-list explains")
    args = ap.parse_args()

    ours = Impl("ours", args.ours)
    python = Impl("python", args.python)
    for impl in (ours, python):
        missing = impl.missing()
        if missing:
            print("sweep: %s binaries missing in %s: %s" % (impl.name, impl.bindir,
                                                           ", ".join(missing)))
            return 2
    allow = load_allow_list(args.allow)
    root = tempfile.mkdtemp(prefix="sweep-", dir="/tmp")
    started = time.monotonic()
    failed, skipped, total = [], [], 0
    cases = []
    for case in sweep_cases.CASES:
        if not fnmatch.fnmatchcase(case.name, args.only):
            continue
        reason = case.skip_reason(ours, python)
        if reason:
            skipped.append("%s (%s)" % (case.name, reason))
        else:
            cases.append(case)

    def one(case):
        t0 = time.monotonic()
        (sb_ours, sb_py), errors = run_case(case, [ours, python], root)
        return sb_ours, sb_py, errors, time.monotonic() - t0

    try:
        # Cases run side by side (each in its own dirs); reports in order.
        with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
            futures = [(case, pool.submit(one, case)) for case in cases]
            for case, future in futures:
                sb_ours, sb_py, errors, seconds = future.result()
                total += 1
                diffs = compare(case, sb_ours, sb_py, allow)
                notes = ["%s: %s" % (sb.impl.name, n) for sb in (sb_ours, sb_py)
                         for n in sb.notes]
                status = "DIFF" if diffs or errors else "same"
                print("%-4s %-40s %5.1f s" % (status, case.name, seconds), flush=True)
                for e in errors:
                    print("  !! " + e)
                for n in notes:
                    print("  .. " + n)
                for d in diffs:
                    print(show_diff(*d))
                if diffs or errors:
                    failed.append(case.name)
    finally:
        if args.keep:
            print("sweep: temp dirs kept in %s" % root)
        else:
            shutil.rmtree(root, ignore_errors=True)
    print()
    for s in skipped:
        print("skipped: " + s)
    if args.only == "*":  # with --only, most entries have nothing to do
        for entry in allow.unused():
            print("allow-list entry never used: %s" % entry)
    print("sweep: %d cases, %d with unexplained differences, %d skipped, %d allow-list "
          "entries, %.0f s" % (total, len(failed), len(skipped), len(allow.entries),
                               time.monotonic() - started))
    if failed:
        print("sweep: FAILED: " + " ".join(failed))
        return 1
    print("sweep: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
