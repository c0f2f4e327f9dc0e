#!/usr/bin/env bash
# Main job: set up, build (Release), run the default experiment.
#   ./run.sh                 default experiment (configs/experiments/default.yaml)
#   ./run.sh CONFIG [ARGS]   any run config, extra arguments go to `tiersim run`
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh
jobs=$(nproc 2>/dev/null || echo 2)
cmake --preset release >/dev/null
cmake --build --preset release -j "$jobs"
config=${1:-configs/experiments/default.yaml}
shift || true
mkdir -p results
out="results/$(basename "${config%.*}").h5"
echo "running $config -> $out"
build/release/tiersim run "$config" -o "$out" --overwrite "$@"
build/release/tiersim info "$out" | sed -n '1,12p'
