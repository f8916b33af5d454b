#!/usr/bin/env bash
# Writes the starting inputs of every fuzz target into OUT/<target>/, built
# at run time from what the repository and ../shared/corpus already hold
# (nothing is copied into the repository):
#   fuzz_ini_config      every corpus config, plus the include fixtures
#   fuzz_shlex_env       the command= and environment= values of those configs
#   fuzz_jsonrpc         tests/fuzz/traffic/*.jsonl (whole files and single
#                        lines) and the JSON lines of docs/protocol.md
#   fuzz_search_options  the argv lists below, NUL-separated
# Usage: make_seeds.sh OUT [CORPUS_DIR]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
out="${1:?usage: make_seeds.sh OUT [CORPUS_DIR]}"
corpus="${2:-$repo/../shared/corpus}"

rm -rf "$out"
mkdir -p "$out"/{fuzz_ini_config,fuzz_shlex_env,fuzz_jsonrpc,fuzz_search_options}

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
for t in "$out"/*/; do echo "make_seeds.sh: $(ls "$t" | wc -l) seeds in $t"; done
