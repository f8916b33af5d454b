#!/usr/bin/env bash
# Build everything with AddressSanitizer + UndefinedBehaviorSanitizer (and
# LeakSanitizer, part of ASan on Linux) and run the whole ctest suite.
#   tests/sanitize.sh [extra ctest args, e.g. -R unit]
# Env: SUP_ASAN_BUILD build dir (default build-asan), SUP_ASAN_JOBS ctest -j (default 2),
#      SUP_ASAN_CXX=g++ to build with gcc even when clang is installed.
# Fails when the build or a test fails, or when any process (a test binary, a
# supervisord or supervisorctl a test started, a helper child) wrote a
# sanitizer report. Reports go to files rather than stderr because daemons'
# stderr is often redirected or discarded by the tests that start them; every
# report is printed at the end.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
build="${SUP_ASAN_BUILD:-$repo/build-asan}"
jobs="${SUP_ASAN_JOBS:-2}"

# The compiler: clang when it is installed with its libFuzzer runtime (CI
# installs it), so that one build serves both this suite and the fuzz targets
# (tests/fuzz/run.sh with SUP_FUZZ_BUILD pointing here): a sanitizer build of
# the whole tree is the most expensive stage of CI, and this pays it once.
# Otherwise gcc, where -Wno-maybe-uninitialized silences false positives that
# gcc 12 reports inside libstdc++ (std::regex, std::function) under ASan; the
# plain -Werror build keeps that warning.
# -O1 -g1: the sanitizers need little optimisation and only line tables for
# their stack traces; this build costs much less than -O2 -g.
compiler_args=(-DCMAKE_CXX_FLAGS="-Wno-maybe-uninitialized")
if [ "${SUP_ASAN_CXX:-}" != g++ ] && command -v clang++ >/dev/null &&
   [ -e "$(clang++ -print-resource-dir)/lib/linux/libclang_rt.fuzzer-x86_64.a" ]; then
  compiler_args=(-DCMAKE_CXX_COMPILER=clang++ -DSUP_FUZZ=ON)
fi
corpus_dir="${SUP_CORPUS_DIR:-$repo/../shared/corpus}"
cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" -DSUP_CORPUS_DIR="$corpus_dir" \
  -DSUP_SANITIZE=ON -DSUP_WERROR=ON "${compiler_args[@]}" >/dev/null
cmake --build "$build"

reports="$build/sanitizer-reports"
rm -rf "$reports"
mkdir -p "$reports"
# log_path makes each process write <prefix>.<pid> only when it has something
# to report. abort_on_error turns a report into a non-zero exit even where a
# test only looks at a daemon's exit status.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:halt_on_error=1:log_path=$reports/asan:detect_stack_use_after_return=1:check_initialization_order=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$reports/ubsan"
export LSAN_OPTIONS="log_path=$reports/lsan"

rc=0
ctest --test-dir "$build" --output-on-failure -j"$jobs" "$@" || rc=$?

if compgen -G "$reports/*" >/dev/null; then
  for f in "$reports"/*; do
    echo "==== sanitizer report: $f" >&2
    cat "$f" >&2
  done
  echo "sanitize.sh: $(ls "$reports" | wc -l) sanitizer report(s); failing" >&2
  exit 1
fi
if [ "$rc" -ne 0 ]; then
  echo "sanitize.sh: ctest failed (exit $rc)" >&2
  exit "$rc"
fi
echo "sanitize.sh: all tests passed under ASan+UBSan+LSan, no sanitizer reports"
