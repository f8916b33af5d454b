#!/usr/bin/python3
"""Python Supervisor's own clients against our supervisord and against
Python Supervisor's, side by side.

Two daemons run the same config, each in its own temp dir: ours
(BUILD/bin/supervisord) and Python's (/usr/bin/supervisord from Debian's
`supervisor` package). The same script then drives each of them:

1. Python's supervisorctl (/usr/bin/supervisorctl), one process per
   command, through every command: status, start/stop/restart (names,
   groups, all), signal, pid, tail, tail -f, maintail, maintail -f, clear,
   avail, reread, update, add, remove, fg, version, reload, shutdown, over
   the Unix socket and over [inet_http_server] with Basic auth (right and
   wrong password). Output and exit status are compared after normalising
   what differs by nature (pids, uptimes, stop times, temp dirs, ports,
   random log file suffixes, the main log's own lines).
2. xmlrpc.client, calling every method of Supervisor's API with good and
   bad arguments; results are compared value for value with XML-RPC types
   (int, boolean, string, array, struct), faults by code and string.

Prints a diff for every difference and exits 1 if there is any, 0 when
both daemons answer alike, 77 when Python Supervisor is not installed.

    tests/compat/xmlrpc_clients.py [--build build] [--keep] [-v]
"""

import argparse
import concurrent.futures
import difflib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import xmlrpc.client

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "tests", "python"))
sys.dont_write_bytecode = True

import sup_xmlrpc  # noqa: E402

PY_SUPERVISORD = "/usr/bin/supervisord"
PY_SUPERVISORCTL = "/usr/bin/supervisorctl"

CONFIG = """\
[supervisord]
logfile={dir}/supervisord.log
pidfile={dir}/supervisord.pid
childlogdir={dir}
loglevel=info
identifier=compat

[unix_http_server]
file={dir}/sv.sock

[inet_http_server]
port=127.0.0.1:{port}
username=admin
password={{SHA}}82ab876d1387bfafe46cc1c8a2ef074eae50cb1d

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix://{dir}/sv.sock

[program:cat]
command=/bin/cat
startsecs=0
priority=10

[program:talker]
command=/bin/sh -c 'printf "out one\\nout two\\n"; printf "err one\\n" >&2; exec /bin/sleep 100000'
startsecs=0
priority=20

[program:idle]
command=/bin/sleep 100000
autostart=false
startsecs=0

[program:quitter]
command=/bin/sh -c 'exit 3'
startsecs=0
autorestart=false

[program:broken]
command=/nonexistent/binary
startretries=0

[program:pool]
command=/bin/sleep 100000
numprocs=2
process_name=%(program_name)s_%(process_num)d
startsecs=0
priority=30
"""

# reread/update: idle goes, talker changes, newprog appears.
CONFIG_CHANGES = [
    ("[program:idle]\ncommand=/bin/sleep 100000\nautostart=false\nstartsecs=0\n", ""),
    ("exec /bin/sleep 100000'\n", "exec /bin/sleep 100001'\n"),
]
# Priority 40: Python lists a group added at run time after the groups of
# the same priority (dict insertion order); ours keeps (priority, name)
# order. Not a difference this script is about (see the report of issue 12).
NEW_PROGRAM = "\n[program:newprog]\ncommand=/bin/sleep 100000\nstartsecs=0\npriority=40\n"

SETTLED = {"cat": "RUNNING", "talker": "RUNNING", "idle": "STOPPED", "quitter": "EXITED",
           "broken": "FATAL", "pool_0": "RUNNING", "pool_1": "RUNNING"}


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Daemon:
    def __init__(self, label, supervisord, keep):
        self.label = label
        self.supervisord = supervisord
        self.dir = tempfile.mkdtemp(prefix="xmlrpc-compat-%s-" % label)
        self.keep = keep
        self.port = free_port()
        self.conf = os.path.join(self.dir, "sv.conf")
        self.url = "unix://%s/sv.sock" % self.dir
        self.proc = None
        self.write_config(CONFIG)

    def write_config(self, text):
        with open(self.conf, "w") as f:
            f.write(text.format(dir=self.dir, port=self.port))

    def start(self):
        out = open(os.path.join(self.dir, "daemon.out"), "ab")
        self.proc = subprocess.Popen([self.supervisord, "-n", "-c", self.conf], stdout=out,
                                     stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                     cwd=self.dir)
        self.wait_settled()

    def proxy(self):
        return sup_xmlrpc.server_proxy(self.url, timeout=10)

    def states(self):
        return {i["name"]: i["statename"] for i in self.proxy().supervisor.getAllProcessInfo()}

    def wait_until(self, pred, what, timeout=20):
        deadline = time.time() + timeout
        last = None
        while time.time() < deadline:
            if self.proc and self.proc.poll() is not None:
                raise RuntimeError("%s daemon exited (%s) while waiting for %s" % (
                    self.label, self.proc.returncode, what))
            try:
                last = pred()
                if last:
                    return
            except (OSError, xmlrpc.client.Error) as e:
                last = e
            time.sleep(0.05)
        raise RuntimeError("%s: no %s after %d s (last: %r)" % (self.label, what, timeout, last))

    def wait_settled(self, expected=None):
        expected = expected or SETTLED
        self.wait_until(lambda: self.states() == expected, "settled states %r" % expected)

    def ctl(self, args, stdin=None, interrupt_after=None, url=None, auth=None):
        """Run Python's supervisorctl; returns (exit status, output)."""
        cmd = [PY_SUPERVISORCTL, "-c", self.conf]
        if url:
            cmd += ["-s", url]
        if auth:
            cmd += ["-u", auth[0], "-p", auth[1]]
        cmd += args
        env = dict(os.environ, LANG="C.UTF-8", LC_ALL="C.UTF-8", PYTHONIOENCODING="utf-8")
        p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, cwd=self.dir, env=env)
        if interrupt_after is not None:
            if stdin:
                p.stdin.write(stdin)
                p.stdin.flush()
            time.sleep(interrupt_after)
            p.send_signal(signal.SIGINT)
            out = p.communicate(timeout=20)[0]
        elif stdin is not None and isinstance(stdin, list):
            # [(bytes, seconds to wait after them), ...] then EOF.
            for data, pause in stdin:
                p.stdin.write(data)
                p.stdin.flush()
                time.sleep(pause)
            # Python's fg only returns once its output thread's asyncore
            # select() times out (30 s), against either daemon.
            out = p.communicate(timeout=45)[0]
        else:
            out = p.communicate(stdin or b"", timeout=60)[0]
        return p.returncode, out.decode("utf-8", "replace")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if not self.keep:
            shutil.rmtree(self.dir, ignore_errors=True)


# ---- normalising --------------------------------------------------------------

MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"


def normalize_text(text, daemon):
    text = text.replace(daemon.dir, "DIR")
    text = text.replace(str(daemon.port), "PORT")
    # AUTO log names end in a random suffix (Python: 8 characters, ours 6).
    text = re.sub(r"---(\w+)-[\w]+\.log", r"---\1-X.log", text)
    text = re.sub(r"pid \d+, uptime \d+:\d\d:\d\d", "pid N, uptime T", text)
    text = re.sub(r"(%s) \d\d \d\d:\d\d (AM|PM)" % MONTHS, "DATE", text)
    return text


def normalize_value(value, daemon, key=None):
    """A result with what differs by nature replaced; types kept visible."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        if key in ("pid", "now", "start", "stop") and value:
            return "<int %s>" % key
        return value
    if isinstance(value, str):
        return normalize_text(value, daemon)
    if isinstance(value, list):
        return [normalize_value(v, daemon) for v in value]
    if isinstance(value, dict):
        return {k: normalize_value(value[k], daemon, k) for k in sorted(value)}
    return value


# ---- the supervisorctl session ----------------------------------------------------

def ctl_session():
    """(title, action) pairs; action(daemon) -> text to compare."""
    steps = []

    def cmd(*args, **kw):
        def run(d):
            code, out = d.ctl(list(args), **kw)
            if args[0] == "pid":
                out = re.sub(r"(?m)^[1-9]\d*$", "PID", out)
            if args[0] == "stop" and (args[-1] == "all" or args[-1].endswith(":*")):
                # Python lists stops in the order its polling saw each
                # process exit: timing, not a rule to compare.
                out = "\n".join(sorted(out.splitlines())) + "\n"
            return "exit %d\n%s" % (code, out)
        steps.append(("supervisorctl " + " ".join(args), run))

    def settle(expected=None):
        def run(d):
            d.wait_settled(expected)
            return ""
        steps.append(("(wait for states to settle)", run))

    def custom(title, fn):
        steps.append((title, fn))

    cmd("status")
    cmd("status", "cat", "talker")
    cmd("status", "nosuch")
    cmd("status", "pool:*")
    cmd("pid")
    cmd("pid", "cat")
    cmd("pid", "all")
    cmd("pid", "nosuch")
    cmd("version")
    cmd("stop", "cat")
    cmd("stop", "cat")
    cmd("start", "cat")
    cmd("start", "cat")
    cmd("start", "nosuch")
    cmd("start", "broken")
    cmd("restart", "cat")
    cmd("stop", "pool:*")
    cmd("start", "pool:*")
    cmd("restart", "pool:pool_0")
    cmd("stop", "nosuch:*")
    cmd("signal", "WINCH", "talker")
    cmd("signal", "WINCH", "pool:*")
    cmd("signal", "BOGUS", "cat")
    cmd("signal", "HUP", "idle")
    cmd("signal", "WINCH", "all")
    cmd("tail", "talker")
    cmd("tail", "talker", "stderr")
    cmd("tail", "-8", "talker")
    cmd("tail", "nosuch")
    cmd("tail", "idle")
    cmd("tail", "-f", "talker", interrupt_after=1.5)
    cmd("tail", "-f", "talker", "stderr", interrupt_after=1.5)
    cmd("tail", "-f", "nosuch", interrupt_after=1.5)

    def maintail(d):
        code, out = d.ctl(["maintail", "-f"], interrupt_after=1.5)
        # The main logs' lines are each daemon's own; the framing is not.
        return "exit %d\n%s" % (code, out.splitlines()[0] if out else "")
    custom("supervisorctl maintail -f (first line)", maintail)

    def maintail_bytes(d):
        code, out = d.ctl(["maintail", "-200"])
        return "exit %d, %s" % (code, "some log" if out.strip() else "nothing")
    custom("supervisorctl maintail -200 (exit status)", maintail_bytes)
    cmd("fg", "cat", stdin=[(b"hello from fg\n", 3.0)])
    cmd("fg", "idle")
    cmd("fg", "nosuch")
    cmd("clear", "talker")
    cmd("tail", "talker")
    cmd("clear", "all")
    cmd("avail")

    def over_http(d):
        url = "http://127.0.0.1:%d" % d.port
        good = d.ctl(["status", "cat"], url=url, auth=("admin", "thepassword"))
        bad = d.ctl(["status"], url=url, auth=("admin", "wrong"))
        none = d.ctl(["status"], url=url)
        return "\n".join("exit %d\n%s" % r for r in (good, bad, none))
    custom("supervisorctl -s http://127.0.0.1:PORT status (right, wrong and no password)",
           over_http)

    def change_config(d):
        text = CONFIG
        for old, new in CONFIG_CHANGES:
            text = text.replace(old, new)
        d.write_config(text + NEW_PROGRAM)
        return ""
    custom("(config changed: idle removed, talker changed, newprog added)", change_config)
    cmd("reread")
    cmd("avail")
    cmd("update")
    after_update = dict(SETTLED, newprog="RUNNING")
    del after_update["idle"]
    settle(after_update)
    cmd("status")
    cmd("remove", "newprog")
    cmd("stop", "newprog")
    cmd("remove", "newprog")
    cmd("add", "newprog")
    cmd("add", "newprog")
    cmd("add", "nosuch")
    cmd("remove", "nosuch")
    settle(after_update)
    cmd("stop", "all")
    cmd("start", "all")
    cmd("reload")

    def wait_back(d):
        time.sleep(0.5)
        d.wait_settled(after_update)
        return ""
    custom("(wait for the reloaded daemon)", wait_back)
    cmd("status")
    cmd("shutdown")

    def wait_gone(d):
        d.proc.wait(timeout=30)
        return "daemon exit status %d" % d.proc.returncode
    custom("(daemon exits)", wait_gone)
    cmd("status")
    return [s for s in steps if s]


# ---- raw XML-RPC -------------------------------------------------------------------

def rpc_calls():
    multicall = [{"methodName": "supervisor.getState"},
                 {"methodName": "supervisor.getProcessInfo", "params": ["nosuch"]},
                 {"methodName": "system.multicall", "params": [[]]},
                 {"params": []}]
    return [
        ("supervisor.getAPIVersion", ()),
        ("supervisor.getVersion", ()),
        ("supervisor.getSupervisorVersion", ()),
        ("supervisor.getIdentification", ()),
        ("supervisor.getState", ()),
        ("supervisor.getState", (1,)),
        ("supervisor.getProcessInfo", ("cat",)),
        ("supervisor.getProcessInfo", ("broken",)),
        ("supervisor.getProcessInfo", ("pool:pool_1",)),
        ("supervisor.getProcessInfo", ("nosuch",)),
        ("supervisor.getProcessInfo", ("pool:*",)),
        ("supervisor.getAllProcessInfo", ()),
        ("supervisor.getAllConfigInfo", ()),
        ("supervisor.readProcessStdoutLog", ("talker", 0, 0)),
        ("supervisor.readProcessStderrLog", ("talker", -4, 0)),
        ("supervisor.readProcessLog", ("talker", 0, 3)),
        ("supervisor.readProcessStdoutLog", ("talker", -1, 5)),
        ("supervisor.readProcessStdoutLog", ("talker", 0, -5)),
        ("supervisor.readProcessStdoutLog", ("idle", 0, 0)),
        ("supervisor.readProcessStdoutLog", ("nosuch", 0, 0)),
        ("supervisor.tailProcessStdoutLog", ("talker", 0, 100)),
        ("supervisor.tailProcessStdoutLog", ("talker", 0, 3)),
        ("supervisor.tailProcessStderrLog", ("talker", 2, 3)),
        ("supervisor.tailProcessLog", ("idle", 0, 10)),
        ("supervisor.tailProcessLog", ("nosuch", 0, 1)),
        ("supervisor.startProcess", ("nosuch",)),
        ("supervisor.startProcess", ("cat",)),
        ("supervisor.startProcess", ("broken",)),
        ("supervisor.stopProcess", ("idle",)),
        ("supervisor.stopProcess", ("cat",)),
        ("supervisor.startProcess", ("cat", False)),
        ("supervisor.startProcess",),  # no arguments
        ("supervisor.startProcessGroup", ("pool",)),
        ("supervisor.stopProcessGroup", ("pool",)),
        ("supervisor.startProcessGroup", ("pool", True)),
        ("supervisor.startProcessGroup", ("nosuch",)),
        ("supervisor.stopProcessGroup", ("nosuch",)),
        ("supervisor.signalProcess", ("cat", "WINCH")),
        ("supervisor.signalProcess", ("cat", "28")),
        ("supervisor.signalProcess", ("cat", "BOGUS")),
        ("supervisor.signalProcess", ("idle", "HUP")),
        ("supervisor.signalProcess", ("pool:*", "WINCH")),
        ("supervisor.signalProcessGroup", ("pool", "WINCH")),
        ("supervisor.signalProcessGroup", ("pool", "BOGUS")),
        ("supervisor.signalAllProcesses", ("WINCH",)),
        ("supervisor.sendProcessStdin", ("cat", "hi\n")),
        ("supervisor.sendProcessStdin", ("idle", "x")),
        ("supervisor.sendProcessStdin", ("nosuch", "x")),
        ("supervisor.sendRemoteCommEvent", ("type", "data")),
        ("supervisor.clearProcessLogs", ("talker",)),
        ("supervisor.clearProcessLogs", ("nosuch",)),
        ("supervisor.clearAllProcessLogs", ()),
        ("supervisor.readLog", (-5, 5)),
        ("supervisor.readLog", (0, -1)),
        ("supervisor.clearLog", ()),
        ("supervisor.reloadConfig", ()),
        ("supervisor.stopAllProcesses", ()),
        ("supervisor.startAllProcesses", (False,)),
        ("supervisor.addProcessGroup", ("cat",)),
        ("supervisor.addProcessGroup", ("nosuch",)),
        ("supervisor.removeProcessGroup", ("cat",)),
        ("supervisor.removeProcessGroup", ("idle",)),
        ("supervisor.addProcessGroup", ("idle",)),
        ("supervisor.nosuch", ()),
        ("nosuch", ()),
        ("supervisor._update", ("x",)),
        ("system.methodHelp", ("nosuch",)),
        ("system.methodSignature", ("nosuch",)),
        ("system.multicall", (multicall,)),
    ] + [("system.methodSignature", (m,)) for m in SUPERVISOR_METHODS]


SUPERVISOR_METHODS = []  # filled from Python's system.listMethods
UNORDERED = {"supervisor.stopAllProcesses"}


def call_one(proxy, method, params):
    try:
        value = proxy._ServerProxy__request(method, tuple(params))
        return ("value", value)
    except xmlrpc.client.Fault as f:
        return ("fault", f.faultCode, f.faultString)
    except xmlrpc.client.ProtocolError as e:
        return ("http", e.errcode)


def rpc_session(d):
    """Every call; the text to compare."""
    proxy = d.proxy()
    lines = []
    for entry in rpc_calls():
        method, params = entry[0], (entry[1] if len(entry) > 1 else ())
        got = call_one(proxy, method, params)
        if method == "supervisor.startAllProcesses" and got[0] == "value":
            # quitter exits at once: Python's startProcess reaps at once too,
            # so whether it says SPAWN_ERROR or OK depends on which came first.
            got = ("value", [r for r in got[1] if r["name"] != "quitter"])
        if method in UNORDERED and got[0] == "value":
            # Python lists these in the order its polling saw each process
            # get there: timing, not a rule to compare.
            got = ("value", sorted(got[1], key=lambda r: (r["group"], r["name"])))
        if got[0] == "value":
            got = ("value", normalize_value(got[1], d))
        else:
            got = tuple(normalize_value(g, d) for g in got)
        lines.append("%s%r -> %r" % (method, tuple(params), got))
        if method in ("supervisor.stopProcess", "supervisor.startProcess",
                      "supervisor.startProcessGroup", "supervisor.stopProcessGroup",
                      "supervisor.stopAllProcesses", "supervisor.startAllProcesses"):
            time.sleep(0.3)  # let states settle the same way on both sides
        if method == "supervisor.sendProcessStdin" and params[0] == "cat" and \
                got == ("value", True):
            # cat's echo reaches its log when each daemon gets to it: wait
            # for it, so that clearAllProcessLogs below clears it on both
            # sides (fg cat, later, shows what is left in the log).
            deadline = time.time() + 10
            while time.time() < deadline and \
                    "hi" not in proxy.supervisor.readProcessStdoutLog("cat", 0, 0):
                time.sleep(0.05)
    return "\n".join(lines)


def describe_types(value):
    """The XML-RPC type tree of a value, for a compact second check."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "int"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return [describe_types(v) for v in value]
    if isinstance(value, dict):
        return {k: describe_types(v) for k, v in sorted(value.items())}
    return type(value).__name__


# ---- main ----------------------------------------------------------------------

def compare(title, ours, theirs, verbose):
    if ours == theirs:
        if verbose:
            print("same: %s" % title)
        return True
    print("DIFFERENT: %s" % title)
    for line in difflib.unified_diff(theirs.splitlines(), ours.splitlines(),
                                     "python-supervisord", "supervisor-cpp", lineterm=""):
        print("    " + line)
    return False


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default=os.path.join(REPO, "build"))
    ap.add_argument("--keep", action="store_true", help="keep the temp dirs")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    if not (os.path.exists(PY_SUPERVISORCTL) and os.path.exists(PY_SUPERVISORD)):
        print("skipped: Python Supervisor is not installed (scripts/install-python-supervisor)")
        return 77
    with open(PY_SUPERVISORD, "rb") as f:
        if b"python" not in f.readline():
            print("skipped: %s is not Python Supervisor" % PY_SUPERVISORD)
            return 77
    ours_bin = os.path.join(os.path.abspath(args.build), "bin", "supervisord")
    started = time.time()
    ours = Daemon("ours", ours_bin, args.keep)
    theirs = Daemon("python", PY_SUPERVISORD, args.keep)
    same = differ = 0
    try:
        for d in (ours, theirs):
            d.start()
        SUPERVISOR_METHODS.extend(theirs.proxy().system.listMethods())

        # Method names: ours may have more (documented extras), never fewer.
        mine = set(ours.proxy().system.listMethods())
        missing = sorted(set(SUPERVISOR_METHODS) - mine)
        extra = sorted(mine - set(SUPERVISOR_METHODS))
        print("system.listMethods: %d of Python's %d present; ours adds %s" % (
            len(SUPERVISOR_METHODS) - len(missing), len(SUPERVISOR_METHODS),
            ", ".join(extra) or "nothing"))
        if missing:
            print("DIFFERENT: methods missing from ours: %s" % ", ".join(missing))
            differ += 1

        # The type tree of getAllProcessInfo and getAllConfigInfo.
        for method in ("supervisor.getAllProcessInfo", "supervisor.getAllConfigInfo"):
            a = describe_types(call_one(ours.proxy(), method, ())[1])
            b = describe_types(call_one(theirs.proxy(), method, ())[1])
            ok = compare("XML-RPC types of " + method, repr(a), repr(b), args.verbose)
            same, differ = same + ok, differ + (not ok)

        ok = compare("every XML-RPC method with good and bad arguments", rpc_session(ours),
                     rpc_session(theirs), args.verbose)
        same, differ = same + ok, differ + (not ok)
        for d in (ours, theirs):
            d.proxy().supervisor.stopProcess("idle")  # started by startAllProcesses
            d.wait_settled()

        # Each step runs against both daemons at once (fg alone waits 30 s).
        pool = concurrent.futures.ThreadPoolExecutor(2)
        for title, action in ctl_session():
            fa, fb = pool.submit(action, ours), pool.submit(action, theirs)
            a = normalize_text(fa.result(), ours)
            b = normalize_text(fb.result(), theirs)
            ok = compare(title, a, b, args.verbose)
            same, differ = same + ok, differ + (not ok)
    finally:
        for d in (ours, theirs):
            d.stop()
    print("%d comparisons the same, %d different (%.0f s)" % (same, differ,
                                                             time.time() - started))
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
