#!/usr/bin/env bash
# Build the libFuzzer targets (in the `asan` preset's tree, build/asan: clang, ASan + UBSan,
# the project's code with coverage for the fuzzer) and run each for a bounded time:
# ./fuzz/run.sh [SECONDS] (default 60, or $TIERSIM_FUZZ_SECONDS). Both targets run at once
# (one core each). New inputs go to build/asan/fuzz-corpus/<target>/ (kept between runs),
# crashes to build/asan/fuzz-artifacts/. Skips, with a message, if clang or libFuzzer is missing.
# docs/robustness.md explains how to turn a crash into a regression test.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-${TIERSIM_FUZZ_SECONDS:-60}}

probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
echo 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }' >"$probe/p.cpp"
if ! command -v clang++ >/dev/null 2>&1 ||
   ! clang++ -fsanitize=fuzzer,address,undefined "$probe/p.cpp" -o "$probe/p" >/dev/null 2>&1; then
  echo "fuzz: SKIPPED: clang++ with libFuzzer is not available (Debian: apt-get install clang libclang-rt-14-dev)" >&2
  exit 0
fi

cmake --preset asan >/dev/null
cmake --build --preset asan -j "$(nproc 2>/dev/null || echo 2)" --target fuzz_config fuzz_country_table
out=build/asan
mkdir -p "$out/fuzz-artifacts"
pids=()
for target in config country_table; do
  mkdir -p "$out/fuzz-corpus/$target"
  # -timeout: one input taking over 10 s is a finding (a hang); -rss_limit_mb: so is 2 GB.
  "$out/fuzz/fuzz_$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -dict="fuzz/$target.dict" -artifact_prefix="$out/fuzz-artifacts/$target-" -print_final_stats=1 \
    "$out/fuzz-corpus/$target" "fuzz/corpus/$target" >"$out/fuzz-$target.log" 2>&1 &
  pids+=($!)
done
status=0
for i in 0 1; do
  target=$([ $i = 0 ] && echo config || echo country_table)
  if wait "${pids[$i]}"; then
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$out/fuzz-$target.log" | grep -o '[0-9]*$' || true)
    echo "fuzz: $target: no finding in ${seconds}s (${runs:-?} inputs; log $out/fuzz-$target.log)"
  else
    status=1
    echo "fuzz: $target: FINDING; log $out/fuzz-$target.log, input in $out/fuzz-artifacts/" >&2
    grep -E 'ERROR|SUMMARY|fuzz finding|terminate called|what\(\)' "$out/fuzz-$target.log" | head -20 >&2 || true
    echo "fuzz: reproduce: $out/fuzz/fuzz_$target $out/fuzz-artifacts/$target-*" >&2
  fi
done
exit $status
