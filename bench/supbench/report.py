"""Metric definitions, the printed table and the JSON record."""

import json
import os
import platform
import statistics
import time


class Metric:
    def __init__(self, key, scenario, label, unit, target, lower_is_better=True, fmt=None,
                 floor=None):
        self.floor = floor  # key of the physical limit measured in the same runs
        self.key = key
        self.scenario = scenario
        self.label = label
        self.unit = unit
        self.target = target
        self.lower_is_better = lower_is_better
        self.fmt = fmt or _auto

    def met(self, value):
        if value is None or self.target is None:
            return None
        return value <= self.target if self.lower_is_better else value >= self.target

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


def metrics(ctx):
    mib = ctx.capture_bytes / 2**20
    size = "%.0f GiB" % (mib / 1024) if mib >= 1024 else "%.0f MiB" % mib
    M = Metric
    return [
        M("rss_1", "one", "daemon RSS, 1 program", "MB", 3),
        M("rss_big", "fleet-big", "daemon RSS, %d programs" % ctx.fleet_big, "MB", 8),
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
        M("restart", "restart", "SIGKILL -> new process runs (autorestart)", "ms", 5),
        M("shutdown", "shutdown",
          "supervisorctl shutdown, %d programs -> all gone" % ctx.shutdown_programs, "ms", 300),
        M("capture_tput", "capture", "capture %s vs writer|cat > file (throughput)" % size,
          "x", 1.0, lower_is_better=False),
        M("capture_cpu", "capture", "daemon CPU per GiB captured", "s", 0.3),
        M("reexec_big", "reexec",
          "reexec, %d programs -> adopted and serving (Python: reload -> all RUNNING)"
          % ctx.fleet_big, "ms", 50, floor="reexec_floor"),
        M("reexec_kept", "reexec", "programs keeping their pid across it", "%", 100,
          lower_is_better=False),
        M("reexec_lost", "reexec-flood",
          "lines lost or doubled, %d re-execs, 10 programs flooding" % ctx.reexec_floods,
          "lines", 0),
        M("reexec_torn", "reexec-flood", "lines torn across them", "lines", 0),
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
        if m.key == "capture_tput":
            _pooled_capture(row, results, labels)
        # The physical limit: measured in every run of both sides, pooled.
        floors = [run[m.floor] for label in labels
                  for run in results.get(m.scenario, {}).get(label, {}).get("runs", [])
                  if m.floor and m.floor in run]
        row["floor"] = statistics.median(floors) if floors else None
        row["ratio"] = m.ratio(row["python"]["median"], row["ours"]["median"])
        row["met"] = m.met(row["ours"]["median"])
        rows.append(row)
    return rows


def _pooled_capture(row, results, labels):
    """Capture throughput against ONE baseline: the median `writer | cat`
    time over every run of both sides (the same command each time), divided
    by the side's median capture time. A per-run ratio would carry the noise
    of each single baseline run; the per-run ratios stay in "samples"."""
    sides = results.get("capture", {})
    base = [run["baseline_seconds"] for label in labels
            for run in sides.get(label, {}).get("runs", []) if "baseline_seconds" in run]
    for label in labels:
        times = [run["capture_seconds"] for run in sides.get(label, {}).get("runs", [])
                 if "capture_seconds" in run]
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
        target = ("<= " if m.lower_is_better else ">= ") + m.fmt(m.target)
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
