"""The sweep's allow-list (sweep-allow.txt): differences left on purpose.

The file is a list of entries separated by blank lines; '#' starts a
comment line. Each entry:

    case:   GLOB     which cases (fnmatch on the case name)
    step:   GLOB     which steps (the label, "NN what"; default *)
    stream: GLOB     out, err, exit, log (default *)
                     (each of the three: globs separated by " | ")
    drop:   REGEX    lines matching it (re.search) are left out on BOTH
                     sides before comparing; an exit status is the line
                     "exit N"
    order:  any      compare the lines in any order (events that happen
                     at once on purpose, logged in another order)
    why:    TEXT     the reason (required; may continue on lines that
                     start with whitespace)

An entry may have several drop: lines, and needs a drop: or an order:. An entry that never drops a line
in a run is reported, so the list does not keep stale excuses.
"""

import fnmatch
import re


class Entry:
    def __init__(self, where):
        self.where = where
        self.case = "*"
        self.step = "*"
        self.stream = "*"
        self.drops = []
        self.why = ""
        self.order = ""
        self.used = False

    def applies(self, case, step, stream):
        def match(value, globs):
            return any(fnmatch.fnmatchcase(value, g.strip()) for g in globs.split(" | "))
        return match(case, self.case) and match(step, self.step) and match(stream, self.stream)

    def __str__(self):
        return "%s (case %s, step %s, stream %s)" % (self.where, self.case, self.step, self.stream)


class AllowList:
    def __init__(self, entries):
        self.entries = entries

    def filter(self, case, step, stream, lines):
        for e in self.entries:
            if not e.applies(case, step, stream):
                continue
            kept = []
            for line in lines:
                if any(d.search(line) for d in e.drops):
                    e.used = True
                else:
                    kept.append(line)
            lines = kept
        return lines

    def unordered(self, case, step, stream):
        for e in self.entries:
            if e.order == "any" and e.applies(case, step, stream):
                e.used = True
                return True
        return False

    def unused(self):
        return [e for e in self.entries if not e.used]


def load_allow_list(path):
    entries = []
    current = None
    last_key = None
    with open(path, encoding="utf-8") as f:
        for number, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            if line.startswith("#"):
                continue
            if not line.strip():
                current, last_key = None, None
                continue
            if line[0] in " \t":
                if last_key != "why":
                    raise ValueError("%s:%d: only why: continues on the next line" % (path, number))
                current.why += " " + line.strip()
                continue
            key, sep, value = line.partition(":")
            key, value = key.strip(), value.strip()
            if not sep or key not in ("case", "step", "stream", "drop", "order", "why"):
                raise ValueError("%s:%d: expected case:, step:, stream:, drop:, order: or why:"
                                 % (path, number))
            if current is None:
                current = Entry("%s:%d" % (path.rsplit("/", 1)[-1], number))
                entries.append(current)
            if key == "drop":
                current.drops.append(re.compile(value))
            else:
                setattr(current, key, value)
            last_key = key
    for e in entries:
        if not e.why:
            raise ValueError("%s: entry without why:" % e.where)
        if not e.drops and e.order != "any":
            raise ValueError("%s: entry without drop: or order: any" % e.where)
    return AllowList(entries)
