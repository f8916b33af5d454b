#!/usr/bin/env bash
# Writes the starting inputs of every fuzz target into OUT/<target>/, built
# at run time from what the repository and ../shared/corpus already hold
# (nothing is copied into the repository):
#   fuzz_ini_config      every corpus config, plus the include fixtures
#   fuzz_shlex_env       the command= and environment= values of those configs
#   fuzz_jsonrpc         tests/fuzz/traffic/*.jsonl (whole files and single
#                        lines) and the JSON lines of docs/protocol.md
#   fuzz_http_request    the HTTP requests of tests/fuzz/traffic/*.http
#                        (each whole, and all of them as one pipelined stream)
#   fuzz_xmlrpc          their XML-RPC bodies, and tests/fuzz/traffic/*.xml
#   fuzz_search_options  the argv lists below, NUL-separated
#   fuzz_listener_protocol  listener outputs below (first byte: the read size)
# Usage: make_seeds.sh OUT [CORPUS_DIR]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
out="${1:?usage: make_seeds.sh OUT [CORPUS_DIR]}"
corpus="${2:-$repo/../shared/corpus}"

rm -rf "$out"
mkdir -p "$out"/{fuzz_ini_config,fuzz_shlex_env,fuzz_jsonrpc,fuzz_http_request,fuzz_xmlrpc,fuzz_search_options,fuzz_handover,fuzz_listener_protocol}

seed() {  # seed TARGET: stdin becomes one seed, named by its hash (as libFuzzer does)
  local tmp="$out/$1/.new"
  cat >"$tmp"
  mv "$tmp" "$out/$1/$(sha1sum <"$tmp" | cut -c1-40)"
}

# ---- INI + config model -------------------------------------------------
if [ -d "$corpus/configs" ]; then
  while IFS= read -r -d '' f; do
    seed fuzz_ini_config <"$f"
  done < <(find "$corpus/configs" "$corpus/tools" -type f -name '*.conf' -print0 | sort -z)
else
  echo "make_seeds.sh: no corpus at $corpus; INI and shlex seeds are minimal" >&2
fi
printf '[supervisord]\nlogfile=%%(here)s/sv.log\n\n[program:cat]\ncommand=/bin/cat\n' |
  seed fuzz_ini_config
printf '[DEFAULT]\nx = 1\n[program:web]\nnumprocs = 2\nprocess_name = %%(program_name)s_%%(process_num)02d\ncommand = sleep %%(process_num)d\n  continued ; c\n[include]\nfiles = *.conf\n' |
  seed fuzz_ini_config

# ---- command= and environment= values ------------------------------------
if [ -d "$corpus/configs" ]; then
  # Values as written (continuation lines are not followed: seeds, not truth).
  grep -rhiE '^[[:space:]]*(command|environment)[[:space:]]*[=:]' "$corpus/configs" |
    sed -E 's/^[[:space:]]*[A-Za-z_]+[[:space:]]*[=:][[:space:]]*//' | sort -u |
    while IFS= read -r value; do printf '%s' "$value" | seed fuzz_shlex_env; done
fi
for value in \
  "/bin/sh -c 'echo \"hi there\"; exit 3'" \
  'python -c "print(1)" --flag=a\ b' \
  "KEY=val,K2='v 2',K3=\"v,3\",PATH=/usr/bin:%(ENV_PATH)s" \
  'A="x y" B=z' \
  "%(program_name)s_%(process_num)02d %%d %(here)s" \
  "sleep %(process_num)d # comment"; do
  printf '%s' "$value" | seed fuzz_shlex_env
done

# ---- JSON-RPC traffic -----------------------------------------------------
for f in "$here"/traffic/*.jsonl; do
  seed fuzz_jsonrpc <"$f"
  while IFS= read -r line; do printf '%s\n' "$line" | seed fuzz_jsonrpc; done <"$f"
done
if [ -f "$repo/docs/protocol.md" ]; then
  grep -E '^[[:space:]]*[{<>-]*[[:space:]]*\{"jsonrpc"' "$repo/docs/protocol.md" |
    sed -E 's/^[^{]*//' | while IFS= read -r line; do printf '%s\n' "$line" | seed fuzz_jsonrpc; done
fi

# ---- HTTP requests and XML-RPC bodies ---------------------------------------
cat "$here"/traffic/*.http | seed fuzz_http_request
for f in "$here"/traffic/*.http; do
  seed fuzz_http_request <"$f"
  # The body: everything after the first empty line.
  awk 'body { print } /^\r?$/ { body = 1 }' "$f" | seed fuzz_xmlrpc
done
for f in "$here"/traffic/*.xml; do seed fuzz_xmlrpc <"$f"; done

# ---- grep / find argv -------------------------------------------------------
# One argv per line; words are separated by TABs here and by NULs in the seed.
while IFS= read -r line; do
  printf '%s' "$line" | tr '\t' '\0' | seed fuzz_search_options
done <<'ARGV'
-i	error	web
-n	-C	3	Traceback	all
-E	-m	5	--stream	stderr	worker:*
-F	-c	-v	-w	-x	a.b	cat
-A2	-B	1	-H	--json	-e	one	-e	two
-lq	--	-dash-pattern	web
-5	timeout	--files-from	/tmp/list
-f	--stream=stdout	ready
--help
--newer	10m	--older	2026-11-22T10:00	web
--larger	5M	--smaller	1G	-h	--json	all
--newer	1h30m	--older	@1763805600	--stream	stdout
--newer=2026-11-22 10:00:05	--larger=512	worker:*
ARGV
# ---- re-exec hand-over -------------------------------------------------------
# Bodies in the layout of docs/reexec.md (the target frames each input with
# a correct header as well as reading it as it is), and one whole hand-over.
python3 - "$out/fuzz_handover" <<'PY'
import hashlib, json, struct, sys
def field(tag, payload): return struct.pack('<HI', tag, len(payload)) + payload
def integer(tag, v): return field(tag, struct.pack('<q', v))
proc_config = json.dumps({"name": "web", "group": "web", "command": "/bin/cat", "argv": ["/bin/cat"],
    "argv_error": None, "priority": 999, "autostart": True, "autorestart": "unexpected",
    "startsecs": 1, "startretries": 3, "exitcodes": [0], "stopsignal": "TERM",
    "stopwaitsecs": 10, "stopasgroup": False, "killasgroup": False, "user": None,
    "directory": None, "umask": "022", "redirect_stderr": False, "environment": {"A": "1"},
    "serverurl": None, "stdout_logfile": "AUTO", "stdout_logfile_maxbytes": 52428800,
    "stdout_logfile_backups": 10, "stdout_capture_maxbytes": 0, "stdout_events_enabled": False,
    "stdout_syslog": False, "stderr_logfile": None, "stderr_logfile_maxbytes": 1,
    "stderr_logfile_backups": 0, "stderr_capture_maxbytes": 10, "stderr_events_enabled": True,
    "stderr_syslog": True}, sort_keys=True).encode()
header = json.dumps({"kind": "program", "name": "web", "priority": 999, "shadowed": False}).encode()
stream = field(1, b"/tmp/web.log") + integer(2, 9) + field(3, b"pending\n") + field(5, b"half")
proc = (field(1, b"web") + field(2, proc_config) + integer(3, 20) + integer(4, 1234) +
        integer(8, 5_000_000_000) + integer(9, 1700000000) + integer(13, 6_000_000_000) +
        integer(15, 8) + field(17, stream) + field(18, integer(2, 10)))
stopped = field(1, b"idle") + field(2, b"{}") + integer(3, 0)
group = field(1, b"web") + field(2, header) + field(3, proc) + field(3, stopped)
body = (integer(1, 42) + integer(2, 100) + field(3, b"/run/s.pid") + integer(4, 5) +
        field(5, integer(1, 6) + field(2, b"unix:/run/s.sock")) + field(6, group) +
        field(7, field(1, b"events") + field(2, b"serial 7")))
def fnv(b):
    h = 0xcbf29ce484222325
    for c in b: h = ((h ^ c) * 0x100000001b3) & 0xffffffffffffffff
    return h
whole = b"SUPVHOVR" + struct.pack('<IIQQ', 1, 0, len(body), fnv(body)) + body
for seed in (body, whole, integer(2, 1), field(6, field(1, b"g") + field(2, b"{}"))):
    open(sys.argv[1] + "/" + hashlib.sha1(seed).hexdigest(), "wb").write(seed)
PY
# ---- event listener output ------------------------------------------------
# The first byte picks the read size the output is fed in.
for output in 'READY\nRESULT 2\nOKREADY\n' 'READY\nRESULT 4\nFAILREADY\n' \
  'READY\nnot a result\nREADY\n' 'HELLO\n' 'READY\njunk' 'READY\nRESULT 0\nREADY\n' \
  'READY\nRESULT 1_0\n0123456789READY\n' 'READY\nRESULT -2\nOK'; do
  for size in '\001' '\007' '\077'; do
    printf "$size$output" | seed fuzz_listener_protocol
  done
done

for t in "$out"/*/; do echo "make_seeds.sh: $(ls "$t" | wc -l) seeds in $t"; done
