#!/usr/bin/env bash
# Set up, build with warnings as errors, run every test: CTest (C++ and integration) and
# pytest (analysis package). Labels: `TIERSIM_CTEST_ARGS="-L unit" ./test.sh`.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh
jobs=$(nproc 2>/dev/null || echo 2)
cmake --preset ci >/dev/null
cmake --build --preset ci -j "$jobs"
ctest --preset ci -j "$jobs" ${TIERSIM_CTEST_ARGS:-}
