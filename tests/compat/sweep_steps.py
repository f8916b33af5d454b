"""The building blocks of the sweep's cases: a Case (files and steps) and
the steps, each a function of one Sandbox (sweep.py) that runs a command,
starts or stops the daemon, or waits for a state. Steps that run a command
record its stdout, stderr and exit status under a label; waiting is never
recorded, so only what a user sees is compared."""

import os
import re
import signal

CONF = "{dir}/supervisord.conf"

# What every daemon case starts from: everything inside the case's dir.
HEADER = """\
[unix_http_server]
file={dir}/supervisor.sock

[supervisord]
logfile={dir}/supervisord.log
pidfile={dir}/supervisord.pid
childlogdir={dir}

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix://{dir}/supervisor.sock
"""


class Case:
    """name; files written into the sandbox dir before the steps ('{dir}'
    and '{bin}' expanded); steps run in order; `config` is a shorthand for
    files['supervisord.conf']."""

    def __init__(self, name, steps, config=None, files=None, env=None, mainlog="supervisord.log",
                 normalize=(), needs=(), conf="supervisord.conf"):
        self.name = name
        self.steps = list(steps)
        self.files = dict(files or {})
        if config is not None:
            self.files["supervisord.conf"] = config
        self.env = dict(env or {})
        self.mainlog = mainlog
        self.normalize = list(normalize)
        self.needs = list(needs)  # callables(ours, python) -> skip reason or None
        self.conf = conf  # the config file, for waiting on states

    def skip_reason(self, ours, python):
        for need in self.needs:
            reason = need(ours, python)
            if reason:
                return reason
        return None


def program(name, command, **options):
    lines = ["", "[program:%s]" % name, "command=%s" % command]
    lines += ["%s=%s" % (k, v) for k, v in options.items()]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- steps


def run(tool, *args, label=None, stdin=None, timeout=20, cwd=None):
    """Run one of the four tools (or any program) and record its output."""
    label = label or " ".join((tool,) + args)

    def step(sb):
        sb.run([tool] + list(args), label, stdin=stdin, timeout=timeout,
               cwd=sb.expand(cwd) if cwd else None)
    return step


def run_hiding_etc(tool, *args):
    """Run a tool with no -c where /etc/supervisor is an empty directory: a
    private mount namespace (unshare -m) bind-mounts one over it, so the
    machine's own config is never read and the search finds nothing."""
    label = " ".join((tool,) + args) + " (no config anywhere)"

    def step(sb):
        empty = os.path.join(sb.dir, "empty-etc")
        os.makedirs(empty, exist_ok=True)
        script = ('if [ -d /etc/supervisor ]; then mount --bind "$0" /etc/supervisor || exit 99; '
                  'fi; exec "$@"')
        sb.run(["unshare", "-m", "sh", "-c", script, empty, sb.impl.tool(tool)] + list(args),
               label, cwd=os.path.join(sb.dir, "home"))
    return step


def ctl(*args, stdin=None, timeout=20):
    """supervisorctl -c <the case's config> ARGS, recorded as 'ctl ARGS'."""
    return run("supervisorctl", "-c", CONF, *args, label="ctl " + " ".join(args), stdin=stdin,
               timeout=timeout)


def start(*args, label="daemon", wait_for=r"supervisord started with pid", config=True):
    """Start supervisord -n [-c config] ARGS in the background and wait for
    its start line in the main log (or, with wait_for=None, for its pidfile
    {dir}/supervisord.pid), or for it to exit. Its stdout, stderr and exit
    status are recorded when it stops."""
    def step(sb):
        argv = ["-n"] + (["-c", CONF] if config else []) + list(args)
        sb.start(argv, label, wait_for)
    return step


def start_daemonizing(*args, label="daemonize"):
    """supervisord -c config ARGS without -n: records the foreground
    process's output and status, then waits for the daemon's pidfile."""
    def step(sb):
        sb.run(["supervisord", "-c", CONF] + list(args), label)
        sb.wait(lambda: "supervisord started with pid" in sb.main_log(), "the daemon's start")
    return step


def stop_daemonized():
    """Shut a daemonized supervisord down (supervisorctl shutdown, not
    recorded) and wait until its pidfile is gone."""
    def step(sb):
        sb.ctl_quiet(["shutdown"])
        pidfile = os.path.join(sb.dir, "supervisord.pid")
        sb.wait(lambda: not os.path.exists(pidfile), "the daemon's exit")
    return step


UNSETTLED = re.compile(r"^\S+\s+(STARTING|STOPPING|BACKOFF)\b", re.M)


def settle(until=None, timeout=20):
    """Wait until no process is STARTING, STOPPING or in BACKOFF, or until
    status matches `until` (a regex), whichever is asked."""
    def step(sb):
        if until:
            sb.wait(lambda: re.search(until, sb.ctl_quiet(["status"]), re.M),
                    "status to match %r" % until, timeout)
        else:
            sb.wait(lambda: not UNSETTLED.search(sb.ctl_quiet(["status"])),
                    "a settled status", timeout)
    return step


def wait_log(pattern, timeout=20, count=1):
    """Wait until `count` main log lines match `pattern`."""
    def step(sb):
        sb.wait(lambda: len(re.findall(pattern, sb.main_log(), re.M)) >= count,
                "%d log line(s) %r" % (count, pattern), timeout)
    return step


def wait_file(path, pattern=".", timeout=20):
    """Wait until the file (relative to the case dir) matches `pattern`."""
    def step(sb):
        def ready():
            try:
                with open(os.path.join(sb.dir, path), "rb") as f:
                    return re.search(pattern.encode(), f.read())
            except OSError:
                return False
        sb.wait(ready, "%s to match %r" % (path, pattern), timeout)
    return step


def record_file(path, label=None):
    """Record a file's content (e.g. a child's log) as a step's output."""
    def step(sb):
        try:
            with open(os.path.join(sb.dir, path), "rb") as f:
                text = f.read().decode("utf-8", "backslashreplace")
        except OSError as e:
            text = "<%s>" % e.strerror
        sb.record(label or "file " + path, "out", text)
    return step


def write(path, text):
    """Write a file in the case dir ('{dir}' expanded), e.g. a new config."""
    def step(sb):
        with open(os.path.join(sb.dir, path), "w") as f:
            f.write(sb.expand(text))
    return step


def send(sig):
    """Send a signal to the daemon started by start() (not recorded)."""
    def step(sb):
        sb.daemon.send_signal(sig)
    return step


def stop(sig=signal.SIGTERM):
    """Signal the daemon started by start() and record how it ended."""
    def step(sb):
        sb.stop(sig)
    return step


def wait_exit(timeout=30):
    """The daemon ends by itself (shutdown, a fatal error): record it."""
    def step(sb):
        sb.stop(None, timeout)
    return step
