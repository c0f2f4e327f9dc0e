"""Sobol and Morris indices read from real sweep files (Bass model, small and fast)."""
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import tiersim  # noqa: E402
from tiersim import sweeps  # noqa: E402

BASS = """model: bass
seed: 3
calendar: {{start: 2025-01, months: 48}}
params: {{markets: 2, agents_per_market: 2000}}
record: [{{variable: adoption_share, level: world}}]
"""


def make_sweep(tmp_path, design):
    binary = os.environ.get("TIERSIM_BIN")
    if not binary:
        pytest.skip("TIERSIM_BIN not set; run through ctest")
    (tmp_path / "bass.yaml").write_text(BASS.format())
    (tmp_path / "s.yaml").write_text(
        "config: bass.yaml\nseed: 9\n" + design +
        "parameters:\n  params.p: {min: 0.01, max: 0.2}\n  params.q: {min: 0.1, max: 0.6}\n"
        "  params.initial_share: {min: 0.0, max: 0.000001}\n")
    out = tmp_path / "s.h5"
    subprocess.run([binary, "sweep", "-q", str(tmp_path / "s.yaml"), "-o", str(out)], check=True, capture_output=True)
    return tiersim.open(out)


def test_sobol_design_rows_and_indices(tmp_path):
    ds = make_sweep(tmp_path, "design: {kind: sobol, samples: 200}\n")
    k = 3
    names = ["params_p", "params_q", "params_initial_share"]
    x = ds[["point", *names]].to_dataframe()[["point", *names]].groupby("point").mean()[names].to_numpy()
    rows = x.reshape(-1, k + 2, k)
    # AB_i equals A except column i, which comes from B: the order the estimator relies on.
    for i in range(k):
        others = [j for j in range(k) if j != i]
        np.testing.assert_array_equal(rows[:, 1 + i, others], rows[:, 0, others])
        np.testing.assert_array_equal(rows[:, 1 + i, i], rows[:, -1, i])
    res = sweeps.sobol(ds, "final_adoption_share", n_boot=200)
    first = dict(zip(res.names, res.first))
    total = dict(zip(res.names, res.total))
    # Reference: the indices of the analytic Bass curve F(4 years; p, q) over the same
    # ranges, by the same estimator with N = 20,000 (error < 0.01). The sweep's N = 200
    # estimates have standard errors of about 0.1 here, plus the ABM's sampling noise
    # (2 x 2000 agents), so 0.2 is the tolerance fixed in advance.
    def bass(u):
        p_, q_ = 0.01 + 0.19 * u[:, 0], 0.1 + 0.5 * u[:, 1]
        e = np.exp(-(p_ + q_) * 4.0)
        return (1 - e) / (1 + q_ / p_ * e)

    from tiersim import sensitivity
    a, b, ab = sensitivity.saltelli_matrices(20000, 2, seed=4)
    ref = sensitivity.sobol_indices(bass(a), bass(b), np.stack([bass(ab[i]) for i in range(2)]), n_boot=10)
    for i, name in enumerate(["params.p", "params.q"]):
        assert abs(total[name] - ref.total[i]) < 0.2, (name, total[name], ref.total[i])
        assert abs(first[name] - ref.first[i]) < 0.2, (name, first[name], ref.first[i])
    # An initial share below 1e-6 of 4000 agents cannot matter.
    assert abs(total["params.initial_share"]) < 0.02


def test_morris_screening_ranks_the_dummy_last(tmp_path):
    ds = make_sweep(tmp_path, "design: {kind: morris, samples: 12, levels: 4}\n")
    res = sweeps.morris(ds, "final_adoption_share", n_boot=100)
    table = res.table()
    assert table.index[-1] == "params.initial_share"
    assert table.loc["params.initial_share", "mu_star"] < 0.1 * table.mu_star.max()


def test_wrong_design_is_refused(tmp_path):
    ds = make_sweep(tmp_path, "design: {kind: lhs, samples: 5}\n")
    with pytest.raises(ValueError, match="not 'sobol'"):
        sweeps.sobol(ds, "final_adoption_share")
    with pytest.raises(KeyError, match="nope"):
        sweeps.point_values(ds, "nope")
