"""What the bench learns about processes, read from /proc only.

The kernel here may lack /proc/PID/task/TID/children, and a full /proc scan
costs ~10 ms on this VM, so new processes are found through
/proc/sys/kernel/ns_last_pid: only pids allocated since the last look are
examined, which keeps a 0.5 ms polling loop cheap and identical for both
implementations.
"""

import ctypes
import errno
import os
import signal
import time

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PR_SET_CHILD_SUBREAPER = 36


def _read(path, binary=False):
    with open(path, "rb" if binary else "r") as f:
        return f.read()


def stat_fields(pid):
    """The fields of /proc/PID/stat after the command name, or None if gone.

    Index 0 is the state letter (field 3 of proc(5)), 1 is ppid, 11/12 are
    utime/stime.
    """
    try:
        raw = _read("/proc/%d/stat" % pid)
    except (FileNotFoundError, ProcessLookupError):
        return None
    return raw[raw.rindex(")") + 2:].split()


def ppid_of(pid):
    f = stat_fields(pid)
    return int(f[1]) if f else None


def is_alive(pid):
    """True while PID exists and is not a zombie (a zombie has exited)."""
    f = stat_fields(pid)
    return f is not None and f[0] not in ("Z", "X")


def cpu_seconds(pid):
    """CPU time PID has used, all threads, in seconds: from schedstat (ns
    resolution), else utime + stime (10 ms ticks)."""
    try:
        total = 0
        for tid in os.listdir("/proc/%d/task" % pid):
            total += int(_read("/proc/%d/task/%s/schedstat" % (pid, tid)).split()[0])
        return total / 1e9
    except (FileNotFoundError, ProcessLookupError):
        pass
    f = stat_fields(pid)
    if f is None:
        raise ProcessLookupError(pid)
    return (int(f[11]) + int(f[12])) / CLOCK_TICKS


def rss_bytes(pid):
    for line in _read("/proc/%d/status" % pid).splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise ProcessLookupError(pid)


def cmdline(pid):
    try:
        return _read("/proc/%d/cmdline" % pid, binary=True)
    except (FileNotFoundError, ProcessLookupError):
        return None


def encode_cmdline(argv):
    return b"".join(a.encode() + b"\0" for a in argv)


def last_pid():
    return int(_read("/proc/sys/kernel/ns_last_pid"))


def all_pids():
    return [int(d) for d in os.listdir("/proc") if d.isdigit()]


def children_of(ppid):
    """Children of PPID by a full /proc scan (slow; not for tight loops)."""
    out = []
    for pid in all_pids():
        if ppid_of(pid) == ppid:
            out.append(pid)
    return out


def descendants_of(root):
    by_parent = {}
    for pid in all_pids():
        p = ppid_of(pid)
        if p is not None:
            by_parent.setdefault(p, []).append(pid)
    out, todo = [], [root]
    while todo:
        for child in by_parent.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


class NewChildWatcher:
    """Finds a new child of PARENT running ARGV, looking only at new pids.

    A forked child keeps its parent's command line until it execs, so a
    candidate counts only once /proc/PID/cmdline equals ARGV: the moment
    the new program actually runs.
    """

    def __init__(self, parent, argv, exclude=()):
        self.parent = parent
        self.want = encode_cmdline(argv)
        self.exclude = set(exclude)
        self.seen = last_pid()
        self.candidates = set()

    def poll(self):
        now = last_pid()
        if now != self.seen:
            if now > self.seen:
                fresh = range(self.seen + 1, now + 1)
            else:  # pid numbers wrapped
                fresh = [p for p in all_pids() if p > self.seen or p <= now]
            self.seen = now
            for pid in fresh:
                if pid not in self.exclude and ppid_of(pid) == self.parent:
                    self.candidates.add(pid)
        for pid in list(self.candidates):
            line = cmdline(pid)
            if line == self.want:
                return pid
            if line is None or ppid_of(pid) != self.parent:
                self.candidates.discard(pid)
        return None


def become_subreaper():
    """Orphans of our daemons (their programs) reparent to us, so cleanup
    finds and kills every one of them even after a daemon died."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    except OSError:
        pass


def reap_zombies():
    """Reap whatever exited among our children (orphans included)."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def kill_tree(root=None, timeout=10.0):
    """SIGKILL every descendant of ROOT (default: this process), repeat until
    none is left or TIMEOUT passes, and reap what is ours to reap."""
    root = root or os.getpid()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        victims = [p for p in descendants_of(root) if is_alive(p)]
        if not victims:
            break
        for pid in victims:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError as e:
                if e.errno != errno.ESRCH:
                    raise
        time.sleep(0.01)
        if root == os.getpid():
            reap_zombies()
    if root == os.getpid():
        reap_zombies()
