"""Fixtures: the tiersim executable ($TIERSIM_BIN, tests/support/tiersim_fixtures.py) and small
result files made with it. The package is imported from the source tree (no installation
needed)."""
import subprocess
import sys
from pathlib import Path

import pytest

ANALYSIS = Path(__file__).resolve().parents[1]
for path in (ANALYSIS, ANALYSIS.parent / "tests" / "support"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from tiersim_fixtures import tiersim_bin  # noqa: E402,F401  (the executable, shared with tests/)

BASE = """\
model: bass
seed: 4
calendar: {start: 2025-01, months: 12}
params: {markets: 2, agents_per_market: 500}
record:
  - {variable: adoption_share, level: world}
  - {variable: adopters}
"""

SWEEP = """\
config: base.yaml
seed: 2
parameters:
  params.q: {values: [0.3, 0.6]}
  params.p: {values: [0.01, 0.03]}
replicates: 2
pair_with:
  - {name: baseline}
  - {name: rule, set: {params.initial_share: 0.05}}
"""


@pytest.fixture(scope="session")
def files(tiersim_bin, tmp_path_factory):
    """A single-run file and a sweep file (2 q x 2 p x 2 replicates x 2 scenarios)."""
    d = tmp_path_factory.mktemp("files")
    (d / "base.yaml").write_text(BASE)
    (d / "sweep.yaml").write_text(SWEEP)
    for args in (["run", "base.yaml", "-o", "run.h5"], ["sweep", "sweep.yaml", "-o", "sweep.h5"]):
        subprocess.run([tiersim_bin, "-q", *args], cwd=d, check=True, capture_output=True, timeout=300)
    return {"run": d / "run.h5", "sweep": d / "sweep.h5", "dir": d}
