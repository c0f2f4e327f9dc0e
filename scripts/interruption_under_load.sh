#!/usr/bin/env bash
# Run the interruption tests (tests/robustness/test_interruption.py) several times in a row
# while a -j2 build of tiersim loads the machine, as on a busy CI runner. Their signals must
# land after an observed condition, not after a fixed time, so they pass under load too.
#
#   scripts/interruption_under_load.sh [TIERSIM_BINARY] [TIMES]     (defaults: build/ci/tiersim, 5)
#
# The build goes to a temporary directory (Release, no tests), restarted from scratch until
# the test runs end; it is removed afterwards. Exit status 0 if every run passed.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
bin=$(realpath "${1:-$repo/build/ci/tiersim}")
times=${2:-5}
python=$("$repo/scripts/python.sh")
[ -x "$bin" ] || { echo "no tiersim executable at $bin (build it first)" >&2; exit 2; }

load_dir=$(mktemp -d "${TMPDIR:-/tmp}/tiersim-load.XXXXXX")
# The committed sources (HEAD), so that edits in the work tree do not break the load.
mkdir "$load_dir/src"
git -C "$repo" archive HEAD | tar -x -C "$load_dir/src"
# Own process group, so that the whole build (ninja, compilers) can be stopped at the end.
setsid bash -c '
  while true; do
    rm -rf "$1"/build
    cmake -S "$1"/src -B "$1"/build -G Ninja -DCMAKE_BUILD_TYPE=Release -DTIERSIM_BUILD_TESTS=OFF >/dev/null 2>&1
    cmake --build "$1"/build -j2 >/dev/null 2>&1 || sleep 1
  done' load "$load_dir" &
load_pid=$!
cleanup() {
  kill -- "-$load_pid" 2>/dev/null || true
  wait "$load_pid" 2>/dev/null || true
  rm -rf "$load_dir"
}
trap cleanup EXIT
sleep 5  # let the build get going

passed=0
for i in $(seq 1 "$times"); do
  start=$(date +%s)
  if TIERSIM_BIN="$bin" "$python" -m pytest -q -p no:cacheprovider "$repo/tests/robustness/test_interruption.py" \
      >"$load_dir/run$i.log" 2>&1; then
    passed=$((passed + 1))
    echo "run $i: passed ($(( $(date +%s) - start )) s, load $(cut -d' ' -f1 /proc/loadavg))"
  else
    echo "run $i: FAILED ($(( $(date +%s) - start )) s); its output:"
    cat "$load_dir/run$i.log"
  fi
  kill -0 "$load_pid" 2>/dev/null || { echo "the load build stopped: results not under load" >&2; exit 2; }
done
echo "interruption tests under a -j2 build: $passed/$times passed"
[ "$passed" -eq "$times" ]
