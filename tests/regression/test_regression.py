"""Regression cases: each folder holds a config and the expected per-run summaries.

    TIERSIM_UPDATE_GOLDEN=1 ctest -R regression     # rewrite expected.json after an intended change

Tolerance: relative 1e-9 (absolute 1e-12 near zero). The numbers are deterministic for a
given seed whatever the thread count; the tolerance absorbs differences between compilers
and optimisation levels in the last bits, and nothing else: any change to the model's
behaviour moves these numbers by far more.
"""
import json
import math
import os
import subprocess
from pathlib import Path

import h5py
import pytest

HERE = Path(__file__).resolve().parent
CASES = sorted(p.name for p in HERE.iterdir() if (p / "config.yaml").exists())
REL, ABS = 1e-9, 1e-12


def summaries(path):
    """Floating-point variables along `run` only: the per-run summaries."""
    with h5py.File(path, "r") as f:
        runs = f["run"].shape
        return {name: float(f[name][0]) for name, d in f.items()
                if isinstance(d, h5py.Dataset) and d.shape == runs and d.dtype.kind == "f" and name != "run"}


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("threads", [1, 2])
def test_case_matches_its_golden_values(tiersim_bin, tmp_path, case, threads):
    out = tmp_path / "out.h5"
    subprocess.run([tiersim_bin, "run", "-q", "--threads", str(threads), str(HERE / case / "config.yaml"), "-o",
                    str(out)], check=True, capture_output=True)
    got = summaries(out)
    golden = HERE / case / "expected.json"
    if os.environ.get("TIERSIM_UPDATE_GOLDEN") and threads == 1:
        golden.write_text(json.dumps(got, indent=1, sort_keys=True) + "\n")
    expected = json.loads(golden.read_text())
    assert expected and set(got) == set(expected), "the set of summaries changed"
    for name, value in expected.items():
        if math.isnan(value):
            assert math.isnan(got[name]), name
        else:
            assert got[name] == pytest.approx(value, rel=REL, abs=ABS), name
