#!/usr/bin/python3
"""An event listener for the tests and for comparing with Python Supervisor.

It speaks the listener protocol on stdin/stdout (standard library only) and
appends what it receives to files:

  --raw FILE     every byte read from stdin, exactly as received
  --log FILE     one JSON object per event: {"header": "...", "payload": "..."}

The header's len counts characters of the decoded payload (as Supervisor
counts them), so the payload is read by decoding UTF-8 until len characters
have arrived, never by counting bytes.

How it answers (N counts events from 1):
  --fail-first N     RESULT 4\\nFAIL for the first N events, then OK
  --garbage-at N     answer event N with a line that is not a RESULT line
  --die-at N         exit 3 on receiving event N, without answering
  --once FILE        die (--die-at) only if FILE does not exist, creating it:
                     the restarted listener then answers normally
  --hang-at N        stop reading and answering at event N (sleep forever)
  --kill-on NAME     on an event named NAME: answer OK, then SIGTERM the
                     supervisord named by --pidfile (the "stop the container
                     when a program goes FATAL" pattern)
  --slow SECONDS     sleep that long before each answer
"""
import argparse
import codecs
import json
import os
import signal
import sys
import time


def read_event(stdin, raw):
    line = stdin.readline()
    if not line:
        return None, None
    headers = dict(x.split(":", 1) for x in line.decode().split())
    want = int(headers["len"])
    decoder = codecs.getincrementaldecoder("utf-8")()
    chunks, got, data = [], 0, b""
    while got < want:
        b = stdin.read(1)
        if not b:
            break
        data += b
        text = decoder.decode(b)
        got += len(text)
        chunks.append(text)
    if raw:
        with open(raw, "ab") as f:
            f.write(line + data)
    return line.decode().rstrip("\n"), "".join(chunks)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--raw")
    p.add_argument("--log")
    p.add_argument("--fail-first", type=int, default=0)
    p.add_argument("--garbage-at", type=int, default=0)
    p.add_argument("--die-at", type=int, default=0)
    p.add_argument("--once")
    p.add_argument("--hang-at", type=int, default=0)
    p.add_argument("--kill-on")
    p.add_argument("--pidfile")
    p.add_argument("--slow", type=float, default=0)
    a = p.parse_args()
    stdin = sys.stdin.buffer
    out = sys.stdout.buffer
    n = 0
    while True:
        out.write(b"READY\n")
        out.flush()
        header, payload = read_event(stdin, a.raw)
        if header is None:
            return 0
        n += 1
        if a.log:
            with open(a.log, "a") as f:
                f.write(json.dumps({"header": header, "payload": payload}) + "\n")
        if a.die_at == n:
            if not a.once:
                return 3
            if not os.path.exists(a.once):
                open(a.once, "w").close()
                return 3
        if a.hang_at == n:
            while True:
                time.sleep(3600)
        if a.slow:
            time.sleep(a.slow)
        if a.garbage_at == n:
            out.write(b"this is not a result line\n")
            out.flush()
            continue
        if n <= a.fail_first:
            out.write(b"RESULT 4\nFAIL")
        else:
            out.write(b"RESULT 2\nOK")
        out.flush()
        name = dict(x.split(":", 1) for x in header.split()).get("eventname")
        if a.kill_on and name == a.kill_on:
            with open(a.pidfile) as f:
                os.kill(int(f.read().strip()), signal.SIGTERM)


if __name__ == "__main__":
    sys.exit(main())
