#!/usr/bin/env bash
# Main job: set up, build (Release), run the default experiment and print the answer.
#   ./run.sh                 the reduced headline experiment: the claim's effect against the
#                            Chinese supply response (configs/sweeps/response_surface_reduced.yaml)
#                            and the knock-outs (knockouts_reduced.yaml), 310 runs, about two
#                            minutes on 2 cores, printed in words
#   ./run.sh --full          the full experiment: response_surface.yaml, knockouts.yaml,
#                            sobol_supply.yaml (hours on 2 cores), and the parameter-uncertainty
#                            sweep headline.yaml with the paper's tables and figures
#   ./run.sh CONFIG [ARGS]   one run of any config; extra arguments go to `tiersim run`
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh run
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
suffix=_reduced
[ "${1:-}" = "--full" ] && suffix=
surface=response_surface$suffix
knockouts=knockouts$suffix
echo "running configs/sweeps/$surface.yaml and $knockouts.yaml (paired: diffusion_rule vs no_controls)"
"$tiersim" sweep "configs/sweeps/$surface.yaml" -o "results/$surface.h5" --overwrite
"$tiersim" sweep "configs/sweeps/$knockouts.yaml" -o "results/$knockouts.h5" --overwrite
extra=()
if [ -z "$suffix" ]; then
  "$tiersim" sweep configs/sweeps/sobol_supply.yaml -o results/sobol_supply.h5 --overwrite
  extra=(--sobol results/sobol_supply.h5)
  "$tiersim" sweep configs/sweeps/headline.yaml -o results/headline.h5 --overwrite
  PYTHONPATH=analysis "$python" -m tiersim.paper results/headline.h5 --out results/headline
fi
PYTHONPATH=analysis "$python" -m tiersim.surface "results/$surface.h5" --knockouts "results/$knockouts.h5" \
  "${extra[@]}" --out "results/$surface"
