#!/usr/bin/python3
"""Runs the same event listener scenarios on Python Supervisor 4.2.5 and on
supervisor-cpp and compares the bytes the listener received.

  tests/events_parity.py [--build build] [--python /usr/bin/supervisord]

Each scenario is a config with tests/integration/listeners/recorder.py as the
listener (it writes every byte it reads to a file). Both daemons run it in a
private temp dir (-n -c), until the listener has the expected number of
events; the first that many events are compared, with pids replaced by "PID".
A scenario that differs is tried once more (how a pipe's bytes split into
reads is timing, for both daemons). Prints one line per scenario (same /
DIFFERENT with both outputs) and exits 1 if any differs. Not compared, as
Python's own result is timing: a program that exits at once may be RUNNING in
Python when its loop slept past startsecs before reaping it.
Needs Python Supervisor installed (Debian's `supervisor` package); standard
library only.
"""
import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
RECORDER = os.path.join(HERE, "integration", "listeners", "recorder.py")

HEADER = """[supervisord]
logfile={dir}/supervisord.log
pidfile={dir}/supervisord.pid
childlogdir={dir}
loglevel=debug

[unix_http_server]
file={dir}/sv.sock

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

"""

# name -> (config body, events to wait for, signals to send once they are in)
SCENARIOS = {
    "payloads of state, log and comm events": ("""
[eventlistener:rec]
command={rec} --raw {dir}/raw
events=PROCESS_LOG,PROCESS_COMMUNICATION,PROCESS_GROUP,SUPERVISOR_STATE_CHANGE_RUNNING
buffer_size=50

[program:talk]
command=/bin/sh -c 'printf "h\\303\\251llo\\n\\377\\376bad\\n<!--XSUPERVISOR:BEGIN-->c\\303\\266mm<!--XSUPERVISOR:END-->tail-of-more-than-24-bytes\\n"; exec sleep 100'
stdout_events_enabled=true
stdout_capture_maxbytes=1000
""", 7, []),
    "FAIL re-queues at the head": ("""
[eventlistener:rec]
command={rec} --raw {dir}/raw --fail-first 2
events=PROCESS_GROUP

[program:a]
command=/bin/sleep 100
""", 4, []),
    "buffer_size overflow": ("""
[eventlistener:rec]
command={rec} --raw {dir}/raw --slow 0.2
events=PROCESS_STATE
buffer_size=2

[program:a]
command=/bin/sleep 100
numprocs=4
process_name=%(program_name)s%(process_num)d
startsecs=0
""", 2, []),
    "a listener dies mid-event": ("""
[eventlistener:rec]
command={rec} --raw {dir}/raw --die-at 1 --once {dir}/died
events=PROCESS_GROUP

[program:a]
command=/bin/sleep 100
""", 3, []),
    "restart carries the serial on": ("""
[eventlistener:rec]
command={rec} --raw {dir}/raw
events=PROCESS_GROUP

[program:a]
command=/bin/sleep 100
""", 4, [(2, signal.SIGHUP)]),
}


def split_events(raw):
    """The complete events in a recorder's raw file, as bytes each (len
    counts characters of UTF-8, as Supervisor counts them)."""
    out, pos = [], 0
    while True:
        nl = raw.find(b"\n", pos)
        if nl < 0:
            return out
        m = re.search(rb" len:(\d+)$", raw[pos:nl])
        if not m:
            return out
        text = raw[nl + 1:].decode("utf-8", "replace")
        chars = int(m.group(1))
        if len(text) < chars:
            return out
        end = nl + 1 + len(text[:chars].encode("utf-8", "replace"))
        out.append(raw[pos:end])
        pos = end


def count_events(raw):
    return len(split_events(raw))


def run(supervisord, body, want, signals):
    d = tempfile.mkdtemp(prefix="events-parity-")
    try:
        with open(os.path.join(d, "sv.conf"), "w") as f:
            f.write(HEADER.format(dir=d) + body.replace("{dir}", d).replace("{rec}", RECORDER))
        proc = subprocess.Popen([supervisord, "-n", "-c", os.path.join(d, "sv.conf")],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        raw_path = os.path.join(d, "raw")
        deadline = time.time() + 30
        try:
            for at_count, signo in signals:
                while count_events(_read(raw_path)) < at_count and time.time() < deadline:
                    time.sleep(0.05)
                proc.send_signal(signo)
            while count_events(_read(raw_path)) < want and time.time() < deadline:
                time.sleep(0.05)
            time.sleep(0.3)  # nothing more should come
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)
        # What came by then; shutdown's own events depend on stop timing.
        return b"".join(_without_pid(e) for e in split_events(_read(raw_path))[:want])
    finally:
        shutil.rmtree(d, ignore_errors=True)


def _without_pid(event):
    """pid:N -> pid:PID, and len recounted for the payload that makes."""
    header, payload = event.split(b"\n", 1)
    payload = re.sub(rb"pid:\d+", b"pid:PID", payload)
    chars = len(payload.decode("utf-8", "replace"))
    return re.sub(rb"len:\d+$", b"len:%d" % chars, header) + b"\n" + payload


def _read(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except FileNotFoundError:
        return b""


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--build", default=os.path.join(HERE, "..", "build"))
    p.add_argument("--python", default="/usr/bin/supervisord")
    a = p.parse_args()
    ours = os.path.join(a.build, "bin", "supervisord")
    different = 0
    for name, (body, want, signals) in SCENARIOS.items():
        # Two tries: how a pipe's bytes split into reads is timing, for both.
        for _ in range(2):
            py = run(a.python, body, want, signals)
            us = run(ours, body, want, signals)
            if py == us:
                break
        if py == us and count_events(us) >= want:
            print("same       %s (%d events, %d bytes)" % (name, count_events(us), len(us)))
        else:
            different += 1
            print("DIFFERENT  %s\n--- python\n%s\n--- ours\n%s" % (
                name, py.decode("utf-8", "replace"), us.decode("utf-8", "replace")))
    return 1 if different else 0


if __name__ == "__main__":
    sys.exit(main())
