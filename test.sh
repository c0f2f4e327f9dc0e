#!/usr/bin/env bash
# Set up, build with warnings as errors, run every test: CTest (C++ and integration) and
# pytest (analysis package); the code-shape check (clang-tidy); then the robustness checks: the tests under AddressSanitizer
# and ThreadSanitizer, and the fuzz targets. Labels: `TIERSIM_CTEST_ARGS="-L unit" ./test.sh`;
# only the normal suite: `TIERSIM_ROBUSTNESS=0 ./test.sh`.
set -euo pipefail
cd "$(dirname "$0")"
# Each phase's wall time, so a slow phase is visible in the CI log.
t_start=$SECONDS
t_phase=$SECONDS
phase() {
  echo "test.sh: $1 took $((SECONDS - t_phase)) s (total $((SECONDS - t_start)) s)"
  t_phase=$SECONDS
}
scripts/setup.sh test
phase "set-up"
jobs=$(nproc 2>/dev/null || echo 2)
cmake --preset ci >/dev/null
cmake --build --preset ci -j "$jobs"
phase "build (ci)"
ctest --preset ci -j "$jobs" ${TIERSIM_CTEST_ARGS:-}
phase "test suite (ci)"
# Function length and cognitive complexity, file length (docs/developer-guide.md).
scripts/check_code_shape.sh build/ci
phase "code shape"

# Robustness (docs/robustness.md), after the normal suite; TIERSIM_ROBUSTNESS=0 skips it.
if [ "${TIERSIM_ROBUSTNESS:-1}" != 0 ]; then
  # Unit, integration and hostile-input tests under AddressSanitizer + UBSan (the slow
  # kill-at-random-moments tests, label `interruption`, only run in the normal suite; so do
  # the suites that test Python code, the analysis package, the file-format readers and the
  # documentation's commands, whose use of the binary the other suites cover).
  cmake --preset asan >/dev/null
  cmake --build --preset asan -j "$jobs"
  phase "build (asan)"
  ctest --preset asan -j "$jobs" -L "unit|integration|robustness" -LE interruption \
    -E "^(python_analysis|python_format|docs)$"
  phase "tests (asan)"
  # Everything that runs on several threads, under ThreadSanitizer.
  cmake --preset tsan >/dev/null
  cmake --build --preset tsan -j "$jobs" --target tiersim_parallel_tests
  ctest --preset tsan -j "$jobs" -L parallel
  phase "build and tests (tsan)"
  # libFuzzer targets (built in the ASan tree above), a bounded time each (skipped with a
  # message without clang).
  fuzz/run.sh "${TIERSIM_FUZZ_SECONDS:-15}"
  phase "fuzz"
fi
