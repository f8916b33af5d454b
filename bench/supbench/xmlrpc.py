"""XML-RPC as Python Supervisor's clients use it, measured the same way
against both daemons: Python's own supervisorctl (the client people keep),
and a raw getAllProcessInfo over the Unix socket (what a monitoring check
or dashboard sends), timed from connect to the last byte of the answer."""

import socket
import statistics
import subprocess
import time

from .daemon import BenchError

ALL_INFO = (b"<?xml version='1.0'?>\n<methodCall>\n<methodName>supervisor.getAllProcessInfo"
            b"</methodName>\n<params>\n</params>\n</methodCall>\n")
REQUEST = (b"POST /RPC2 HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/xml\r\n"
           b"Content-Length: %d\r\n\r\n%s" % (len(ALL_INFO), ALL_INFO))


def python_ctl_status(box, python_ctl, count, samples):
    """Median seconds of `python_ctl -c CONF status`, checked to list COUNT RUNNING."""
    times = []
    for _ in range(samples):
        t0 = time.perf_counter()
        r = subprocess.run([python_ctl, "-c", box.conf, "status"], stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120,
                           cwd=box.dir)
        times.append(time.perf_counter() - t0)
        out = r.stdout.decode(errors="replace")
        running = sum(1 for line in out.splitlines() if " RUNNING " in line)
        if r.returncode != 0 or running != count:
            raise BenchError("Python's supervisorctl status: exit %d, %d of %d RUNNING: %s" % (
                r.returncode, running, count, out.strip()[-200:] or "no output"))
    return statistics.median(times)


def python_ctl_floor(box, python_ctl, samples):
    """The floor under python_ctl_status: Python's supervisorctl doing all
    its work but the RPCs (`help`: interpreter start, imports, config)."""
    times = []
    for _ in range(samples):
        t0 = time.perf_counter()
        subprocess.run([python_ctl, "-c", box.conf, "help"], stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120,
                       cwd=box.dir, check=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def raw_all_process_info(box, count, samples):
    """Median seconds of one getAllProcessInfo over a fresh Unix-socket
    connection, the whole answer read (by its Content-Length) and checked
    to hold COUNT structs."""
    path = box.path("supervisor.sock")
    times = []
    for _ in range(samples):
        t0 = time.perf_counter()
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(60)  # a daemon that does not speak HTTP must not hang the bench
        try:
            s.connect(path)
            s.sendall(REQUEST)
            data = b""
            length = None
            while length is None or len(data) < length:
                chunk = s.recv(1 << 20)
                if not chunk:
                    break
                data += chunk
                if length is None and b"\r\n\r\n" in data:
                    head, _, rest = data.partition(b"\r\n\r\n")
                    for line in head.split(b"\r\n"):
                        if line.lower().startswith(b"content-length:"):
                            length = int(line.split(b":")[1])
                    data = rest
        except socket.timeout:
            raise BenchError("raw getAllProcessInfo: no answer in 60 s")
        finally:
            s.close()
        times.append(time.perf_counter() - t0)
        structs = data.count(b"<name>statename</name>")
        if length is None or len(data) != length or structs != count:
            raise BenchError("raw getAllProcessInfo: %d of %s bytes, %d structs, expected %d" % (
                len(data), length, structs, count))
    return statistics.median(times)


METRICS_REQUEST = b"GET /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n"


def raw_metrics(box, count, samples):
    """Median seconds of one GET /metrics (ours: docs/metrics.md) over a
    fresh Unix-socket connection, the whole answer read and checked to hold
    COUNT processes' supervisor_process_up samples: the scrape time. None
    when the daemon has no /metrics (a build from before it: 404)."""
    path = box.path("supervisor.sock")
    times = []
    for _ in range(samples):
        t0 = time.perf_counter()
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(60)
        try:
            s.connect(path)
            s.sendall(METRICS_REQUEST)
            data = bytearray()  # ~1.2 MB for 1,000 programs: no copy per chunk
            length = None
            status = b""
            while length is None or len(data) < length:
                chunk = s.recv(1 << 20)
                if not chunk:
                    break
                data += chunk
                if length is None and b"\r\n\r\n" in data:
                    head, _, rest = data.partition(b"\r\n\r\n")
                    status = head.split(b" ", 2)[1] if b" " in head else b""
                    for line in head.split(b"\r\n"):
                        if line.lower().startswith(b"content-length:"):
                            length = int(line.split(b":")[1])
                    data = bytearray(rest)
        except socket.timeout:
            raise BenchError("GET /metrics: no answer in 60 s")
        finally:
            s.close()
        times.append(time.perf_counter() - t0)
        if status == b"404":
            return None
        ups = data.count(b"\nsupervisor_process_up{")
        if length is None or len(data) != length or ups != count:
            raise BenchError("GET /metrics: %d of %s bytes, %d processes, expected %d" % (
                len(data), length, ups, count))
    return statistics.median(times)
