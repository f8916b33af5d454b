#!/usr/bin/env bash
# Build every libFuzzer target (clang, ASan+UBSan) and run each for SECONDS.
#   tests/fuzz/run.sh [SECONDS]        default 60 per target
# Env: SUP_FUZZ_BUILD  build dir        (default build-fuzz)
#      SUP_FUZZ_JOBS   targets at once  (default 1: CI machines have 2 cores)
#      SUP_CORPUS_DIR  config corpus    (default ../shared/corpus)
#      SUP_FUZZ_ONLY   run only this target (e.g. fuzz_jsonrpc)
# Fails if any target crashes, hangs (-timeout), runs out of memory or leaks;
# the input that did it is kept as tests/fuzz/crashes/<target>-<kind>-<sha1>.
# Inputs the fuzzers find interesting accumulate in <build>/fuzz-corpus/ and
# are reused by the next run, so repeated runs go deeper.
set -euo pipefail
seconds="${1:-60}"
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
build="${SUP_FUZZ_BUILD:-$repo/build-fuzz}"
jobs="${SUP_FUZZ_JOBS:-1}"
corpus_dir="${SUP_CORPUS_DIR:-$repo/../shared/corpus}"
targets=(fuzz_ini_config fuzz_shlex_env fuzz_jsonrpc fuzz_http_request fuzz_xmlrpc
         fuzz_search_options fuzz_handover fuzz_listener_protocol)
[ -n "${SUP_FUZZ_ONLY:-}" ] && targets=("$SUP_FUZZ_ONLY")

# libFuzzer ships with clang's runtime package (libclang-rt-14-dev on bookworm).
if ! command -v clang++ >/dev/null ||
   [ ! -e "$(clang++ -print-resource-dir)/lib/linux/libclang_rt.fuzzer-x86_64.a" ]; then
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO=sudo
  echo "run.sh: installing clang and libFuzzer (clang, libclang-rt-dev)" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    clang libclang-rt-dev >/dev/null
fi

cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSUP_SANITIZE=ON -DSUP_FUZZ=ON -DBUILD_TESTING=ON \
  -DSUP_CORPUS_DIR="$corpus_dir" >/dev/null
cmake --build "$build" --target "${targets[@]}"

"$here/make_seeds.sh" "$build/fuzz-seeds" "$corpus_dir" >/dev/null
mkdir -p "$here/crashes"
# Leaks are bugs too (LeakSanitizer runs at the end of each input's run);
# symbolized stacks make the report readable in CI logs.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:symbolize=1:quarantine_size_mb=64${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"

run_one() {
  local t="$1" work="$build/fuzz-corpus/$1" log="$build/fuzz-logs/$1.log"
  mkdir -p "$work" "$build/fuzz-logs"
  local dict=()
  [ -f "$here/dicts/$t.dict" ] && dict=(-dict="$here/dicts/$t.dict")
  local rc=0
  # -timeout: one input taking longer is a hang; -rss_limit_mb: an input that
  # makes the parser allocate without bound is a bug, not a test environment issue.
  "$build/fuzz/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$here/crashes/$t-" "${dict[@]}" \
    "$work" "$build/fuzz-seeds/$t" >"$log" 2>&1 || rc=$?
  local done_line
  done_line="$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1 || true)"
  if [ "$rc" = 0 ]; then
    echo "run.sh: $t ok: ${done_line:-no stats}"
  else
    echo "run.sh: $t FAILED (exit $rc); log: $log" >&2
    # The stack and the input itself, so a CI log alone is enough to
    # reproduce: CI machines are gone once the run ends.
    grep -E 'ERROR: |SUMMARY: |runtime error|Test unit written|^Base64: |^    #[0-9]+ ' "$log" |
      head -60 >&2 || tail -20 "$log" >&2
  fi
  return "$rc"
}

failed=()
if [ "$jobs" -le 1 ]; then
  for t in "${targets[@]}"; do run_one "$t" || failed+=("$t"); done
else
  declare -A pids
  for t in "${targets[@]}"; do
    while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
    run_one "$t" &
    pids[$t]=$!
  done
  for t in "${targets[@]}"; do wait "${pids[$t]}" || failed+=("$t"); done
fi

if [ "${#failed[@]}" -ne 0 ]; then
  echo "run.sh: ${#failed[@]} target(s) failed: ${failed[*]}" >&2
  echo "run.sh: reproduce with: $build/fuzz/<target> tests/fuzz/crashes/<file>" >&2
  exit 1
fi
echo "run.sh: all ${#targets[@]} targets ran ${seconds}s without a finding"
