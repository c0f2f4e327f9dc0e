#!/usr/bin/env bash
# Main job: set up, build (Release), run the default experiment and print the answer.
#   ./run.sh                 reduced headline experiment (configs/sweeps/headline_reduced.yaml,
#                            200 runs, about a minute on 2 cores) + claim test + figures
#   ./run.sh --full          the full headline experiment (configs/sweeps/headline.yaml)
#   ./run.sh CONFIG [ARGS]   one run of any config; extra arguments go to `tiersim run`
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh
jobs=$(nproc 2>/dev/null || echo 2)
cmake --preset release >/dev/null
cmake --build --preset release -j "$jobs"
tiersim=build/release/tiersim
python=$(scripts/python.sh)
mkdir -p results
if [ $# -gt 0 ] && [ "$1" != "--full" ]; then
  config=$1
  shift
  "$tiersim" run "$config" -o "results/$(basename "${config%.*}").h5" --overwrite "$@"
  exit 0
fi
sweep=configs/sweeps/headline_reduced.yaml
[ "${1:-}" = "--full" ] && sweep=configs/sweeps/headline.yaml
name=$(basename "${sweep%.*}")
echo "running $sweep (paired: diffusion_rule vs no_controls)"
"$tiersim" sweep "$sweep" -o "results/$name.h5" --overwrite
PYTHONPATH=analysis "$python" -m tiersim.paper "results/$name.h5" --out "results/$name"
