"""Metric definitions, the printed table and the JSON record."""

import json
import os
import platform
import statistics
import time


class Metric:
    def __init__(self, key, scenario, label, unit, target, lower_is_better=True, fmt=None,
                 floor=None, ratio_target=None, vs_python=None, pooled=None, vs_floor=None):
        self.floor = floor  # key of the physical limit measured in the same runs
        # A target on the ratio (python/ours) instead of on our value: for
        # metrics whose bar is relative to Python Supervisor on the same run.
        self.ratio_target = ratio_target
        # Target as a fraction of Python's figure from the same run (0.25:
        # ours <= 0.25x Python's), instead of an absolute `target`.
        self.vs_python = vs_python
        # Throughput against a baseline run in every run of both sides:
        # (baseline seconds key, our seconds key), see _pooled().
        self.pooled = pooled
        # Target as a multiple of the floor measured in the same runs.
        self.vs_floor = vs_floor
        self.key = key
        self.scenario = scenario
        self.label = label
        self.unit = unit
        self.target = target
        self.lower_is_better = lower_is_better
        self.fmt = fmt or _auto

    def met(self, value, python=None, floor=None):
        target = self.target
        if self.vs_python is not None:
            target = None if python is None else python * self.vs_python
        if self.vs_floor is not None:
            target = None if floor is None else floor * self.vs_floor
        if value is None or target is None:
            return None
        return value <= target if self.lower_is_better else value >= target

    def target_text(self):
        if self.ratio_target is not None:
            return "ratio >= %gx" % self.ratio_target
        if self.vs_floor is not None:
            return "<= %gx floor" % self.vs_floor
        if self.vs_python is not None:
            return ("<= " if self.lower_is_better else ">= ") + "%gx py" % self.vs_python
        if self.target is None:
            return "-"
        return ("<= " if self.lower_is_better else ">= ") + self.fmt(self.target)

    def ratio(self, python, ours):
        """How many times better ours is than Python (>1 = we are ahead)."""
        if python is None or ours is None:
            return None
        a, b = (python, ours) if self.lower_is_better else (ours, python)
        if b == 0:
            return float("inf") if a > 0 else 1.0
        return a / b


def _auto(v):
    if v == 0:
        return "0"
    if abs(v) >= 100:
        return "%.0f" % v
    if abs(v) >= 10:
        return "%.1f" % v
    return "%.2f" % v


def _size(nbytes):
    mib = nbytes / 2**20
    return "%.0f GiB" % (mib / 1024) if mib >= 1024 else "%.0f MiB" % mib


def metrics(ctx):
    size = _size(ctx.capture_bytes)
    size10 = _size(getattr(ctx, "capture10_bytes", 0))
    rot = getattr(ctx, "rotate_maxbytes", "50MB")
    huge = getattr(ctx, "fleet_huge", 10000)
    M = Metric
    return [
        M("rss_1", "one", "daemon RSS, 1 program", "MB", 3),
        M("rss_big", "fleet-big", "daemon RSS, %d programs" % ctx.fleet_big, "MB", 8),
        M("rss_big_used", "fleet-big",
          "daemon RSS, %d programs, after its status and XML-RPC calls" % ctx.fleet_big, "MB", 8),
        M("idle_syscalls", "idle", "syscalls in 10 idle s (strace -c -f)", "calls", 0),
        M("idle_switches", "idle", "context switches in 10 idle s (/proc)", "switches", 0),
        M("launch_1", "one", "launch -> first program RUNNING", "ms", 20),
        M("launch_mid", "fleet-mid", "launch -> %d programs RUNNING" % ctx.fleet_mid, "ms", 200,
          floor="spawn_floor_mid"),
        M("launch_big", "fleet-big", "launch -> %d programs RUNNING" % ctx.fleet_big, "ms", 1000,
          floor="spawn_floor_big"),
        M("status_mid", "fleet-mid", "supervisorctl status, %d programs" % ctx.fleet_mid, "ms", 10,
          floor="exec_floor"),
        M("status_big", "fleet-big", "supervisorctl status, %d programs" % ctx.fleet_big, "ms", 20,
          floor="exec_floor"),
        # Python Supervisor's clients, unchanged, against each daemon (issue 12):
        # ours must take at most 0.5x (supervisorctl) and 0.05x (raw call) of
        # Python Supervisor's time, i.e. a ratio of at least 2 and 20.
        M("pyctl_status_mid", "fleet-mid",
          "Python's supervisorctl status, %d programs" % ctx.fleet_mid, "ms", None,
          floor="pyctl_floor", ratio_target=2),
        M("pyctl_status_big", "fleet-big",
          "Python's supervisorctl status, %d programs" % ctx.fleet_big, "ms", None,
          floor="pyctl_floor", ratio_target=2),
        M("xmlrpc_allinfo_mid", "fleet-mid",
          "XML-RPC getAllProcessInfo, %d programs (raw)" % ctx.fleet_mid, "ms", None,
          ratio_target=20),
        M("xmlrpc_allinfo_big", "fleet-big",
          "XML-RPC getAllProcessInfo, %d programs (raw)" % ctx.fleet_big, "ms", None,
          ratio_target=20),
        M("metrics_big", "fleet-big", "GET /metrics, %d programs (scrape)" % ctx.fleet_big, "ms",
          20),
        M("restart", "restart", "SIGKILL -> new process runs (autorestart)", "ms", 5),
        M("shutdown", "shutdown",
          "supervisorctl shutdown, %d programs -> all gone" % ctx.shutdown_programs, "ms", 300),
        # Capture: each row names its config; floor = the same writers piped
        # into `cat > file` in the same run (cat's CPU for the CPU rows).
        M("caprot_tput", "capture-rotate",
          "capture %s, %s x 10 backups: throughput vs writer|cat" % (size, rot), "x", 1.0,
          lower_is_better=False, pooled=("caprot_baseline_seconds", "caprot_seconds")),
        M("caprot_cpu", "capture-rotate", "capture %s, %s x 10 backups: daemon CPU/GiB" % (size, rot),
          "s", None, vs_python=0.25, floor="caprot_cat_cpu"),
        M("caprot_faults", "capture-rotate",
          "capture %s, %s x 10 backups: lines lost/torn by rotation" % (size, rot), "lines", 0),
        M("capture_tput", "capture", "capture %s, maxbytes=0: throughput vs writer|cat" % size,
          "x", 1.0, lower_is_better=False, pooled=("capture_baseline_seconds", "capture_seconds")),
        M("capture_cpu", "capture", "capture %s, maxbytes=0: daemon CPU/GiB" % size, "s", 0.3,
          floor="capture_cat_cpu"),
        M("stamp_tput", "capture-stamped",
          "capture %s, log_timestamps=true: throughput vs writer|cat" % size, "x", 0.9,
          lower_is_better=False, pooled=("stamp_baseline_seconds", "stamp_seconds")),
        M("stamp_cpu", "capture-stamped", "capture %s, log_timestamps=true: daemon CPU/GiB" % size,
          "s", None, floor="stamp_cat_cpu"),
        M("stamp_faults", "capture-stamped", "capture %s, stamped: lines lost/torn/unstamped"
          % size, "lines", 0),
        M("tee_tput", "capture-tee",
          "capture %s, stdout_tee=a file: throughput vs writer|cat" % size, "x", None,
          lower_is_better=False, pooled=("tee_baseline_seconds", "tee_seconds")),
        M("tee_cpu", "capture-tee", "capture %s, stdout_tee=a file: daemon CPU/GiB" % size, "s",
          None, floor="tee_cat_cpu"),
        M("tee_faults", "capture-tee", "capture %s with a tee: lines lost/torn (file and tee)"
          % size, "lines", 0),
        M("cap10_tput", "capture-10",
          "capture 10 x %s at once, %s x 10: throughput vs 10 cats" % (size10, rot), "x", 0.9,
          lower_is_better=False, pooled=("cap10_baseline_seconds", "cap10_seconds")),
        M("cap10_cpu", "capture-10", "capture 10 x %s at once, %s x 10: daemon CPU/GiB" % (size10, rot),
          "s", None, vs_python=0.25, floor="cap10_cat_cpu"),
        M("cap10_faults", "capture-10", "capture 10 x %s at once: lines lost/torn" % size10,
          "lines", 0),
        # 10,000 programs (fewer when the fd limit cannot hold them: huge).
        M("rss_huge", "fleet-huge", "daemon RSS, %d programs" % huge, "MB", 40),
        M("launch_huge", "fleet-huge", "launch -> %d programs RUNNING" % huge, "ms", None,
          floor="spawn_floor_huge", vs_floor=1.3),
        M("status_huge", "fleet-huge", "supervisorctl status, %d programs" % huge, "ms", 60),
        M("update_huge_cpu", "fleet-huge", "update, 1 of %d changed: daemon CPU" % huge, "ms", 50),
        M("update_huge", "fleet-huge", "update, 1 of %d changed: supervisorctl" % huge, "ms",
          None),
        M("crash_huge", "fleet-huge", "SIGKILL -> new process runs, %d programs" % huge, "ms", 5),
        M("crash_huge_cpu", "fleet-huge", "one crash and restart, %d programs: daemon CPU" % huge,
          "ms", None),
        M("stopall_huge", "fleet-huge", "supervisorctl stop all, %d programs" % huge, "ms", None),
        M("startall_huge", "fleet-huge", "supervisorctl start all, %d programs" % huge, "ms",
          None),
        M("shutdown_huge", "fleet-huge", "supervisorctl shutdown, %d programs -> all gone" % huge,
          "ms", 1000, floor="stop_floor_huge"),
        M("idle_huge", "fleet-huge", "syscalls in 10 idle s, %d programs" % huge, "calls", 0),
        M("reexec_big", "reexec",
          "reexec, %d programs -> adopted and serving (Python: reload -> all RUNNING)"
          % ctx.fleet_big, "ms", 50, floor="reexec_floor"),
        M("reexec_kept", "reexec", "programs keeping their pid across it", "%", 100,
          lower_is_better=False),
        M("reexec_lost", "reexec-flood",
          "lines lost or doubled, %d re-execs, 10 programs flooding" % ctx.reexec_floods,
          "lines", 0),
        M("reexec_torn", "reexec-flood", "lines torn across them", "lines", 0),
        M("events_rate", "events",
          "events/s to one listener answering at once (%d events)" % ctx.event_count, "ev/s",
          None, lower_is_better=False, ratio_target=10, floor="events_floor_rate"),
        M("events_cpu", "events", "daemon CPU per 10,000 events", "s", None, ratio_target=10,
          floor="events_floor_cpu"),
        M("events_idle_syscalls", "events-idle",
          "syscalls in 10 idle s, TICK_5 listener (strace -c -f)", "calls", 20),
        M("grep_median", "grep", "grep 1 GiB rotated logs, time vs GNU grep (median)", "x", 1.0),
        M("grep_worst", "grep", "grep 1 GiB rotated logs, time vs GNU grep (worst)", "x", 1.0),
    ]


def summarize(defs, results, labels):
    """results[scenario][label] = {"runs": [dict...], "error": str|None}.
    Returns one row per metric with medians, ratio and verdict."""
    rows = []
    for m in defs:
        row = {"key": m.key, "label": m.label, "unit": m.unit, "target": m.target,
               "lower_is_better": m.lower_is_better}
        for label in labels:
            r = results.get(m.scenario, {}).get(label)
            runs = (r or {}).get("runs", [])
            values = [run[m.key] for run in runs if m.key in run]
            notes = [run.get("notes", {}).get(m.key) for run in runs]
            row[label] = {
                "median": statistics.median(values) if values else None,
                "samples": values,
                "error": (r or {}).get("error"),
                "note": (r or {}).get("note") or next((n for n in notes if n), None),
            }
        if m.pooled:
            _pooled(m, row, results, labels)
        # The physical limit: measured in every run of both sides, pooled.
        floors = [run[m.floor] for label in labels
                  for run in results.get(m.scenario, {}).get(label, {}).get("runs", [])
                  if m.floor and m.floor in run]
        row["floor"] = statistics.median(floors) if floors else None
        row["ratio"] = m.ratio(row["python"]["median"], row["ours"]["median"])
        row["met"] = m.met(row["ours"]["median"], row["python"]["median"], row["floor"])
        if m.ratio_target is not None:
            row["met"] = None if row["ratio"] is None else row["ratio"] >= m.ratio_target
        rows.append(row)
    return rows


def _pooled(m, row, results, labels):
    """Throughput against ONE baseline: the median `writer | cat` time over
    every run of both sides (the same command each time), divided by the
    side's median capture time. A per-run ratio would carry the noise of each
    single baseline run; the per-run ratios stay in "samples"."""
    base_key, time_key = m.pooled
    sides = results.get(m.scenario, {})
    base = [run[base_key] for label in labels
            for run in sides.get(label, {}).get("runs", []) if base_key in run]
    for label in labels:
        times = [run[time_key] for run in sides.get(label, {}).get("runs", [])
                 if time_key in run]
        if base and times:
            row[label]["median"] = statistics.median(base) / statistics.median(times)
    row["baseline_seconds"] = statistics.median(base) if base else None


def _cell(defs_by_key, row, label):
    side = row[label]
    if side["median"] is not None:
        return defs_by_key[row["key"]].fmt(side["median"])
    if side["note"]:
        return side["note"]
    return "FAILED" if side["error"] else "n/a"


def table(defs, rows):
    by_key = {m.key: m for m in defs}
    head = ["metric", "unit", "python", "ours", "ratio", "floor", "target", "met?"]
    body = []
    for row in rows:
        m = by_key[row["key"]]
        ratio = row["ratio"]
        ratio_s = "-" if ratio is None else ("inf" if ratio == float("inf") else "%.1fx" % ratio
                                             if ratio >= 10 else "%.2fx" % ratio)
        target = m.target_text()
        met = {None: "-", True: "yes", False: "NO"}[row["met"]]
        floor = "-" if row.get("floor") is None else m.fmt(row["floor"])
        body.append([m.label, m.unit, _cell(by_key, row, "python"), _cell(by_key, row, "ours"),
                     ratio_s, floor, target, met])
    widths = [max(len(r[i]) for r in [head] + body) for i in range(len(head))]
    lines = []
    for i, r in enumerate([head] + body):
        cells = [r[0].ljust(widths[0]), r[1].ljust(widths[1])]
        cells += [c.rjust(w) for c, w in zip(r[2:], widths[2:])]
        lines.append(" | ".join(cells).rstrip())
        if i == 0:
            lines.append("-+-".join("-" * w for w in widths))
    return "\n".join(lines)


def errors(rows, results):
    out = []
    for scenario, sides in results.items():
        for label, r in sides.items():
            if r.get("error"):
                out.append("%s [%s]: %s" % (scenario, label, r["error"]))
    return out


def machine():
    model = ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    debian = ""
    try:
        with open("/etc/debian_version") as f:
            debian = f.read().strip()
    except OSError:
        pass
    return {"cpus": os.cpu_count(), "cpu_model": model, "kernel": platform.release(),
            "debian": debian, "memory_gib": round(os.sysconf("SC_PAGE_SIZE") *
                                                  os.sysconf("SC_PHYS_PAGES") / 2**30, 1)}


def write_json(path, record):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(record, f, indent=1, default=str)
        f.write("\n")


def timestamp():
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
