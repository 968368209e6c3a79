#!/usr/bin/env bash
# Builds the libFuzzer targets with clang into build-fuzz and runs each for N seconds.
#
#   bash tests/fuzz/run.sh [SECONDS] [TARGET...]   (default: $FUZZ_SECONDS or 60 s, every target)
#
# Each target starts from its seed corpus (tests/fuzz/corpus/<target>/) plus what
# earlier runs found (build-fuzz/corpus/<target>/, not kept in git). A crash, leak or
# timeout is saved into tests/fuzz/regressions/<target>/, where the plain build's
# ctest `fuzz_<target>_corpus` replays it from then on.
# Environment: FUZZ_JOBS (parallel workers per target, default 1), CC (default clang).
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
src="$(cd "$here/../.." && pwd)"
build="${FUZZ_BUILD_DIR:-$src/build-fuzz}"
secs="${1:-${FUZZ_SECONDS:-60}}"
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(markdown manifest style layout toml svg xref sfnt png mdbook xhtml)
cc="${CC:-clang}"

if ! command -v "$cc" >/dev/null; then
  echo "run.sh: $cc not found (apt-get install clang libclang-rt-dev)" >&2
  exit 2
fi

cmake -S "$src" -B "$build" -DCMAKE_C_COMPILER="$cc" -DCMAKE_BUILD_TYPE=Debug -DQUIRE_FUZZ=ON >/dev/null || exit 2
cmake --build "$build" -j "$(nproc)" --target $(printf 'fuzz_%s ' "${targets[@]}") || exit 2

failed=0
for t in "${targets[@]}"; do
  work="$build/corpus/$t"
  crashes="$here/regressions/$t"
  mkdir -p "$work" "$crashes"
  log="$build/fuzz-$t.log"
  echo "== fuzz_$t for ${secs}s (log: $log)"
  # detect_leaks: a leak in the library is a bug like a crash. The layout target
  # holds fontconfig and Pango caches for the process, which are not leaks.
  ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}" \
  LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$here/lsan.supp:print_suppressions=0}" \
  UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}" \
    "$build/fuzz/fuzz_$t" "$work" "$here/corpus/$t" \
      -max_total_time="$secs" -timeout=20 -rss_limit_mb=4096 -max_len=65536 \
      ${FUZZ_JOBS:+-jobs=$FUZZ_JOBS -workers=$FUZZ_JOBS} \
      -artifact_prefix="$crashes/" -print_final_stats=1 >"$log" 2>&1
  rc=$?
  grep -E "^#[0-9]+ *DONE|stat::number_of_executed_units|cov: " "$log" | tail -2
  if [ $rc -ne 0 ]; then
    echo "fuzz_$t: FOUND A PROBLEM (exit $rc); input saved in $crashes/:"
    grep -E "ERROR: |SUMMARY: |Test unit written to" "$log" | head -5
    failed=$((failed + 1))
  fi
done
echo "$((${#targets[@]} - failed)) targets clean, $failed with findings"
[ $failed -eq 0 ]
