"""tiersim.open reads final results only: an interrupted sweep (`OUT.incomplete`) and a shard
file are refused with a ValueError that says how many runs are done, unless
allow_partial=True (then with a warning). A finished sweep with failed runs is final."""
import subprocess
import warnings

import pytest

pytest.importorskip("xarray")
pytest.importorskip("netCDF4")

import tiersim  # noqa: E402  (conftest puts analysis/ on sys.path)

BASE = """\
model: bass
seed: 4
calendar: {start: 2025-01, months: 12}
params: {markets: 2, agents_per_market: 50}
record:
  - {variable: adopters}
"""
# Run 1 records 3 markets where run 0 recorded 2: it does not fit the file and fails; with
# `on_failure: stop` the sweep stops there, deterministically (one thread, runs in order).
SWEEP = """\
config: base.yaml
seed: 2
on_failure: {policy}
parameters:
  params.markets: {{values: [2, 3, 2, 2]}}
design: {{kind: zip}}
"""


def sweep(tiersim_bin, d, policy, *args):
    (d / "base.yaml").write_text(BASE)
    (d / "sweep.yaml").write_text(SWEEP.format(policy=policy))
    return subprocess.run([tiersim_bin, "-q", "-j", "1", "sweep", "sweep.yaml", *args], cwd=d, capture_output=True,
                          text=True, timeout=300)


def test_an_interrupted_sweep_is_refused_unless_asked(tiersim_bin, tmp_path):
    assert sweep(tiersim_bin, tmp_path, "stop", "-o", "s.h5").returncode == 1
    partial = tmp_path / "s.h5.incomplete"
    with pytest.raises(ValueError, match="1 of 4 runs done, 1 failed, 2 pending.*allow_partial=True"):
        tiersim.open(partial)
    with pytest.warns(UserWarning, match="1 of 4 runs done"):
        ds = tiersim.open(partial, allow_partial=True)
    assert ds["run_status"].values.tolist() == [1, 2, 0, 0]


def test_a_shard_is_refused_unless_asked(tiersim_bin, tmp_path):
    assert sweep(tiersim_bin, tmp_path, "continue", "-o", "a.h5", "--shard", "0/2").returncode == 0
    with pytest.raises(ValueError, match="shard 0/2 of a sweep .2 of 4 runs done, 0 failed, 2 pending.*tiersim merge"):
        tiersim.open(tmp_path / "a.h5")
    with pytest.warns(UserWarning):
        assert tiersim.open(tmp_path / "a.h5", allow_partial=True).sizes["run"] == 4


def test_a_finished_sweep_with_failed_runs_is_final(tiersim_bin, tmp_path):
    assert sweep(tiersim_bin, tmp_path, "continue", "-o", "f.h5").returncode == 1  # run 1 failed
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ds = tiersim.open(tmp_path / "f.h5")
    assert ds["run_status"].values.tolist() == [1, 2, 1, 1]
