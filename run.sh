#!/usr/bin/env bash
# Main job: set up, build (Release), run the default experiment.
#   ./run.sh                 the paired comparison diffusion_rule vs no_controls (same seed)
#   ./run.sh CONFIG [ARGS]   any run config; extra arguments go to `tiersim run`
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh
jobs=$(nproc 2>/dev/null || echo 2)
cmake --preset release >/dev/null
cmake --build --preset release -j "$jobs"
tiersim=build/release/tiersim
mkdir -p results
if [ $# -gt 0 ]; then
  config=$1
  shift
  out="results/$(basename "${config%.*}").h5"
  "$tiersim" run "$config" -o "$out" --overwrite "$@"
  exit 0
fi
python=$(scripts/python.sh)
for scenario in diffusion_rule no_controls; do
  echo "running $scenario"
  "$tiersim" run -q "configs/scenarios/$scenario.yaml" -o "results/$scenario.h5" --overwrite
done
"$python" scripts/compare_runs.py results/diffusion_rule.h5 results/no_controls.h5 --names diffusion_rule no_controls
echo "results in results/ (open with xarray: xr.open_dataset('results/diffusion_rule.h5'))"
