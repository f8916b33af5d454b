"""The sweep's cases, part 1: command lines. supervisorctl's help for every
command and its own options, every supervisord flag (bad values, and each
one on a running daemon), both binaries with no -c, and the two tools.
Part 2 (sweep_cases_daemon.py) drives a running daemon. CASES is the list
sweep.py runs, in order."""

import os
import signal

from sweep_cases_daemon import DAEMON_CASES
from sweep_steps import (CONF, HEADER, Case, ctl, program, record_file, run, run_hiding_etc, send,
                         settle,
                         start, start_daemonizing, stop, stop_daemonized, wait_file, wait_log, write)

# supervisorctl help's topics (Python 4.2.5's `supervisorctl help`).
CTL_COMMANDS = ["add", "avail", "clear", "exit", "fg", "maintail", "open", "pid", "quit",
                "reload", "remove", "reread", "restart", "shutdown", "signal", "start",
                "status", "stop", "tail", "update", "version"]

SLEEPER = program("sleeper", "/bin/sleep 1000", startsecs="1")
# In the flag cases the sleeper reaches RUNNING at once: a 1 s startsecs
# there would race (in Python's log) with the other program's exit.
QUICK_SLEEPER = program("sleeper", "/bin/sleep 1000", startsecs="0")

CASES = []


def case(*args, **kwargs):
    CASES.append(Case(*args, **kwargs))


# ---------------------------------------------------------------- supervisorctl

case("ctl-help", [ctl("help")] + [ctl("help", c) for c in CTL_COMMANDS + ["help", "bogus"]],
     config=HEADER)

case("ctl-options", [
    run("supervisorctl", "-h"),
    run("supervisorctl", "--help"),
    run("supervisorctl", "-?"),
    run("supervisorctl", "--bogus"),
    run("supervisorctl", "-c"),
    run("supervisorctl", "-c", "{dir}/missing.conf", "status"),
    run("supervisorctl", "-c", "{dir}", "status"),
    ctl("-s", "unix://{dir}/nosuch.sock", "status"),
    ctl("-s", "http://127.0.0.1:1", "status"),
    ctl("-s", "ftp://x", "status"),
    ctl("status"),  # no daemon: the socket is missing
    ctl("version"),
    ctl("bogus"),
    ctl("-u", "user", "-p", "pass", "status"),
    ctl("-i", "status", stdin="quit\n"),
    ctl(stdin="status\nhelp quit\nbogus\nquit\n"),
    ctl("-r", "{dir}/history", stdin="help exit\nexit\n"),
], config=HEADER)

# ---------------------------------------------------------------- supervisord flags

BAD_FLAGS = [
    ["-h"], ["-?"], ["--help"], ["-v"], ["--version"], ["--bogus"], ["-c"], ["foo"],
    ["-c", "{dir}/missing.conf"], ["-c", "{dir}"], ["-n", "-c", CONF, "-e", "bogus"],
    ["-n", "-c", CONF, "-y", "bogus"], ["-n", "-c", CONF, "-z", "x"],
    ["-n", "-c", CONF, "-m", "999"], ["-n", "-c", CONF, "-a", "x"],
    ["-n", "-c", CONF, "--minprocs", "x"], ["-n", "-c", CONF, "-u", "nosuchuser"],
    ["-n", "-c", CONF, "-j", "{dir}/no/such/dir/x.pid"],
    ["-n", "-c", CONF, "-l", "{dir}/no/such/dir/x.log"],
    ["-n", "-c", CONF, "-q", "{dir}/no/such/dir"], ["-n", "-c", CONF, "-d", "{dir}/nosuch"],
    ["-n", "-c", CONF, "-i"], ["-n", "-c", CONF, "--nodaemon=1"],
    ["-n", "-c", CONF, "--configuration"],
]
case("supervisord-bad-arguments",
     [run("supervisord", *args, timeout=15) for args in BAD_FLAGS],
     config=HEADER)

# Each flag on a running daemon: its start, status, and how it ends.
RUNNING_FLAGS = {
    "silent": ["-s"],
    "logfile": ["-l", "{dir}/other.log"],
    "logfile-maxbytes": ["-y", "1KB", "-z", "2"],
    "loglevel-debug": ["-e", "debug"],
    "loglevel-warn": ["-e", "warn"],
    "pidfile": ["-j", "{dir}/other.pid"],
    "identifier": ["-i", "someone"],
    "childlogdir": ["-q", "{dir}/childlogs"],
    "nocleanup": ["-k"],
    "minfds": ["-a", "100"],
    "minprocs": ["--minprocs", "10"],
    "strip-ansi": ["-t"],
    "umask": ["-m", "077"],
    "user-root": ["-u", "root"],
    "long-options": ["--silent", "--loglevel=info", "--identifier=x", "--minfds=100"],
}
# Programs that exit stay up 0.2 s: a program that exits at once may or may
# not get its "success:" line under Python (if its exit is reaped in the
# loop iteration that spawned it), which would make the logs race.
# It writes its output with one write(), so both sides log it as one chunk.
UMASK_PROGRAM = program("umask", "/bin/sh -c 'printf \"%%s\\n\\033[1mbold\\033[0m\\n\" "
                        "\"$(umask)\"; sleep 0.2'",
                        startsecs="0", autorestart="false", stdout_logfile="{dir}/umask.out")
for name, flags in RUNNING_FLAGS.items():
    log = "other.log" if name == "logfile" else "supervisord.log"
    quiet = name == "loglevel-warn"  # no "supervisord started" line at warn
    case("supervisord-flag-" + name, [
        start(*flags, wait_for=None if quiet else r"supervisord started with pid"),
        settle(),
        wait_file("umask.out", r"bold"),
        settle(until=r"^umask\s+EXITED"),
        ctl("status"),
        record_file("umask.out"),
        stop(),
    ], config=HEADER + QUICK_SLEEPER + UMASK_PROGRAM, mainlog=log,
       files={"childlogs/.keep": ""})

case("supervisord-flag-profile-options", [
    start("--profile_options", "cumulative"),
    settle(),
    stop(),
], config=HEADER + SLEEPER)

# Without -n: the command returns at once, the daemon runs in the background.
case("supervisord-daemonizes", [
    start_daemonizing("-d", "{dir}/home"),
    settle(),
    ctl("status"),
    record_file("cwd.out"),
    stop_daemonized(),
], config=HEADER + SLEEPER + program("cwd", "/bin/sh -c 'pwd; sleep 0.2'", startsecs="0",
                                    autorestart="false",
                                      stdout_logfile="{dir}/cwd.out"))

case("supervisord-signals", [
    start(),
    settle(),
    send(signal.SIGHUP),
    wait_log(r"received SIGHUP"),
    settle(until=r"^sleeper\s+RUNNING"),
    send(signal.SIGUSR2),
    wait_log(r"received SIGUSR2"),
    ctl("status"),
    stop(signal.SIGINT),
], config=HEADER + SLEEPER)

# ---------------------------------------------------------------- no -c


def no_earlier_config(ours, python):
    """The config search must reach the sandbox cwd: skip if a file that
    comes before it in either search order exists on this machine."""
    for impl in (ours, python):
        here = os.path.dirname(impl.bindir)
        for p in (os.path.join(here, "etc", "supervisord.conf"),
                  os.path.join(here, "supervisord.conf")):
            if os.path.exists(p):
                return "%s exists and comes first in the config search" % p
    return None


SEARCHED = HEADER + SLEEPER
case("no-c-finds-cwd-config", [
    start(config=False),
    settle(),
    run("supervisorctl", "status"),
    run("supervisorctl", "pid"),
    stop(),
], config=SEARCHED, needs=[no_earlier_config], normalize=[(r"(?m)^\d+$", "{pid}")])

case("no-c-finds-cwd-etc-config", [
    start(config=False),
    settle(),
    run("supervisorctl", "status"),
    stop(),
], files={"etc/supervisord.conf": SEARCHED}, needs=[no_earlier_config],
   conf="etc/supervisord.conf")

def private_etc(ours, python):
    """run_hiding_etc needs unshare -m (root) and no /etc/supervisord.conf."""
    import subprocess
    if os.path.exists("/etc/supervisord.conf"):
        return "/etc/supervisord.conf exists and cannot be hidden"
    try:
        ok = subprocess.run(["unshare", "-m", "true"], capture_output=True).returncode == 0
    except OSError:
        ok = False
    return None if ok else "unshare -m is not permitted here"


case("no-c-no-config-anywhere", [
    run_hiding_etc("supervisord"),
    run_hiding_etc("supervisord", "-n"),
    run_hiding_etc("supervisorctl", "status"),
    run_hiding_etc("supervisorctl", "help"),
], needs=[no_earlier_config, private_etc])

case("no-c-help-and-version", [
    run("supervisord", "-h", cwd="{dir}/home"),
    run("supervisord", "-v", cwd="{dir}/home"),
    run("supervisorctl", "help", cwd="{dir}"),
], config=HEADER)

# ---------------------------------------------------------------- the tools

case("echo-supervisord-conf", [
    run("echo_supervisord_conf"),
    run("echo_supervisord_conf", "-h", "extra"),
])

# The sample config runs in both daemons (its /tmp paths moved into the
# case dir, so nothing touches /tmp/supervisor.sock).
case("echo-supervisord-conf-loads", [
    run("sh", "-c", "echo_supervisord_conf | sed 's|/tmp/|{dir}/|' > {dir}/supervisord.conf",
        label="write sample"),
    start(),
    ctl("status"),
    ctl("avail"),
    stop(),
])

case("pidproxy", [
    run("pidproxy"),
    run("pidproxy", "only-a-pidfile"),
    run("pidproxy", "nonexistent-pidfile", "/bin/echo"),
    run("pidproxy", "nonexistent-pidfile", "/bin/echo", "1", "2"),
    run("pidproxy", "x.pid", "echo", "relative: not found"),
])

CASES += DAEMON_CASES
