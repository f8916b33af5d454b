#!/usr/bin/env bash
# Log search benchmark: `supervisorctl grep` (its engine, via log_search_bench
# and a fixture file list) against GNU grep on the same >= 1 GiB of rotated
# logs (20 programs x (10 backups x 5 MiB + current), plus stderr logs).
#
#   bench/grep_bench.sh [BUILD_DIR] [RUNS]
#
# Data is generated once into $SUP_BENCH_DIR (default /tmp/sup-grep-bench)
# and reused. The page cache is warmed first, so this measures search speed,
# not the disk. Output goes to a file in /dev/shm, not /dev/null: GNU grep
# stops at the first match when its output is /dev/null, which would make
# the comparison meaningless. Prints the median of RUNS (default 5) and the
# ratio ours/grep (below 1.0 = we are faster).
set -euo pipefail

BUILD_DIR=${1:-build}
RUNS=${2:-5}
DATA=${SUP_BENCH_DIR:-/tmp/sup-grep-bench}
BIN="$BUILD_DIR/bin/log_search_bench"
OUT_DIR=/dev/shm
[[ -d $OUT_DIR && -w $OUT_DIR ]] || OUT_DIR=${TMPDIR:-/tmp}
OUT="$OUT_DIR/sup-grep-bench.$$.out"
trap 'rm -f "$OUT"' EXIT

[[ -x $BIN ]] || { echo "missing $BIN (build the log_search_bench target)" >&2; exit 2; }
if [[ ! -f $DATA/files.list ]]; then
  echo "generating logs in $DATA ..."
  "$BIN" generate "$DATA" 5 10 20
fi
LIST="$DATA/files.list"
# The same files in the same order (oldest backup first) for GNU grep.
mapfile -t FILES < <(awk '{ for (n = $3; n >= 1; n--) print $4 "." n; print $4 }' "$LIST")
TOTAL=$(cat "${FILES[@]}" | wc -c)  # also warms the page cache
cat "${FILES[@]}" > /dev/null

# median_seconds CMD...: runs CMD $RUNS times with stdout to $OUT.
median_seconds() {
  local times=() start end
  for ((i = 0; i < RUNS; i++)); do
    start=$(date +%s%N)
    "$@" > "$OUT" || [[ $? -eq 1 ]]
    end=$(date +%s%N)
    times+=($(( (end - start) / 1000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { printf "%.3f", a[int((NR + 1) / 2)] / 1e6 }'
}

# lines CMD...: how many lines CMD prints (to check both found the same).
lines() { "$@" | wc -l || true; }

compare() {
  local label=$1 mode=$2 pattern=$3
  local gnu ours gnu_n ours_n
  local -a flags=("${@:4}")
  [[ $mode == count ]] && flags+=(-c)
  gnu=$(median_seconds grep -E "${flags[@]}" -e "$pattern" "${FILES[@]}")
  ours=$(median_seconds "$BIN" grep "${flags[@]}" -e "$pattern" --files-from "$LIST")
  if [[ $mode == count ]]; then
    gnu_n=$(grep -E "${flags[@]}" -e "$pattern" "${FILES[@]}" | awk -F: '{ s += $NF } END { print s }')
    ours_n=$("$BIN" grep "${flags[@]}" -e "$pattern" --files-from "$LIST" | awk -F: '{ s += $NF } END { print s }')
  else
    gnu_n=$(lines grep -E "${flags[@]}" -e "$pattern" "${FILES[@]}")
    ours_n=$(lines "$BIN" grep "${flags[@]}" -e "$pattern" --files-from "$LIST")
  fi
  local check="same"
  [[ $gnu_n == "$ours_n" ]] || check="DIFFERENT ($gnu_n vs $ours_n)"
  printf '%-34s %-6s %9s %9s %8s  %s\n' "$label" "$mode" "$gnu" "$ours" \
    "$(awk -v a="$ours" -v b="$gnu" 'BEGIN { printf "%.2f", a / b }')" "$gnu_n matches, $check"
}

echo "log search benchmark: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "data: ${#FILES[@]} files, $((TOTAL / 1048576)) MiB in $DATA; $(grep --version | head -1); LANG=${LANG:-} LC_ALL=${LC_ALL:-}; median of $RUNS runs"
printf '%-34s %-6s %9s %9s %8s  %s\n' "pattern" "mode" "grep s" "ours s" "ours/grep" "check"
compare "plain string" count 'upstream timed out'
compare "plain string" lines 'upstream timed out'
compare "regex with literal" count 'status=5[0-9][0-9] .*duration=[0-9]{4,}ms'
compare "regex with literal" lines 'status=5[0-9][0-9] .*duration=[0-9]{4,}ms'
compare "regex, alternation" count '(timed out|refused) after [0-9]+'
compare "regex, alternation" lines '(timed out|refused) after [0-9]+'
compare "regex without literal" count '[0-9],[0-9]{3} [EW]'
compare "regex without literal" lines '[0-9],[0-9]{3} [EW]'
compare "ignore case (-i)" count 'CONNECTION reset' -i
compare "ignore case (-i)" lines 'CONNECTION reset' -i
