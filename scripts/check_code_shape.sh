#!/usr/bin/env bash
# The code's shape, checked in CI (./test.sh): every C++ file formatted by .clang-format;
# no function in sim/ or models/ longer than 80 lines or above a cognitive complexity of 25
# (clang-tidy readability-function-size and readability-function-cognitive-complexity,
# headers included); no source file in sim/, models/ or app/ over 600 lines. Needs a compile database: build/ci after
# `cmake --preset ci` (or pass another build folder).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/ci}
max_lines=600
status=0

if [ ! -f "$build/compile_commands.json" ]; then
  echo "check_code_shape: no $build/compile_commands.json; run cmake --preset ci first" >&2
  exit 2
fi

unformatted=$(git ls-files '*.cpp' '*.hpp' | grep -v '^fuzz/corpus/' | xargs clang-format --dry-run 2>&1 | grep -o '^[^:]*:[0-9]*' | cut -d: -f1 | sort -u || true)
if [ -n "$unformatted" ]; then
  echo "check_code_shape: not formatted (run clang-format -i on them):"
  echo "$unformatted" | sed 's/^/  /'
  status=1
fi

long_files=$(find sim models app -name '*.cpp' -o -name '*.hpp' | sort | xargs wc -l | awk -v m=$max_lines '$2 != "total" && $1 > m {print "  " $2 ": " $1 " lines"}')
if [ -n "$long_files" ]; then
  echo "check_code_shape: source files over $max_lines lines:"
  echo "$long_files"
  status=1
fi

config="{Checks: '-*,readability-function-size,readability-function-cognitive-complexity', \
CheckOptions: [{key: readability-function-size.LineThreshold, value: 80}, \
{key: readability-function-cognitive-complexity.Threshold, value: 25}, \
{key: readability-function-cognitive-complexity.IgnoreMacros, value: true}]}"
root=$(pwd)
report=$(run-clang-tidy -p "$build" -config="$config" -header-filter="^$root/(sim|models)/" -j "$(nproc 2>/dev/null || echo 2)" \
           -quiet "^$root/(sim|models)/.*\.cpp$" 2>/dev/null | sed 's/\x1b\[[0-9;]*m//g' | grep -E 'warning:' | sort -u || true)
if [ -n "$report" ]; then
  echo "check_code_shape: functions over 80 lines or cognitive complexity 25:"
  echo "$report" | sed "s|^$root/|  |"
  status=1
fi
[ $status -eq 0 ] && echo "check_code_shape: every file formatted; every function within 80 lines and cognitive complexity 25; every file within $max_lines lines"
exit $status
