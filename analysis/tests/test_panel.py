"""The panel of 5G decision dates and its moments (the full fit runs in docs/validation.md)."""
import csv
import os
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tiersim import calibration, panel  # noqa: E402

BIN = os.environ.get("TIERSIM_BIN")


def test_decisions_agree_with_the_country_table():
    with open(panel.COUNTRIES, newline="") as f:
        table = {r["iso3"]: r["huawei_5g"] for r in csv.DictReader(f) if r["huawei_5g"]}
    decisions = panel.load_decisions()
    assert {c: s for c, (s, _) in decisions.items()} == table
    for iso, (status, year) in decisions.items():
        # A decision year exactly for the countries that excluded or restricted, in 2018-2024.
        assert (year is not None) == (status in ("EX", "RS")), iso
        assert year is None or 2018 <= year <= 2024, iso


def test_panel_moments_are_cumulative_and_end_at_the_cross_section():
    shares, n, cov = panel.data_panel()
    assert shares.shape == (3, len(panel.YEARS))
    assert np.all(np.diff(shares, axis=1) >= 0)  # shares that *had* restricted never fall
    assert list(n) == [16, 13, 13]
    # The end-2024 shares are the cross-section: Tier 1 13 of 16, Tier 2 8 of 25 (the
    # cross-section calibration's moments) = other allies 5 of 13 + non-allies 3 of 13.
    assert shares[0, -1] == pytest.approx(13 / 16)
    assert shares[1, -1] * 13 + shares[2, -1] * 13 == pytest.approx(8)
    m, _, _ = calibration.data_moments()
    assert m[0] == pytest.approx(shares[0, -1])
    assert np.all(np.linalg.eigvalsh(cov) > -1e-12)  # a covariance matrix


def test_the_panel_config_starts_from_the_decisions_before_2019():
    assert panel.decided_before() == ["AUS", "JPN", "NZL", "TWN"]
    panel.check_config_start()  # raises if the config's list differs from the data


def test_moment_vectors():
    full, window = panel.Moments(panel.YEARS), panel.Moments(panel.FIT_YEARS)
    target, var, cov = full.data()
    assert len(full) == 21 and len(window) == 12
    shares, _, _ = panel.data_panel()
    # The status at the end of the window equals the share that had restricted by then.
    assert np.allclose(target[-3:], shares[:, -1])
    assert np.allclose(window.data()[0][-3:], shares[:, panel.YEARS.index(2021)])
    assert np.all(var > 0) and cov.shape == (21, 21)


@pytest.mark.skipif(not BIN, reason="TIERSIM_BIN not set; run through ctest")
def test_simulated_panel_without_revisions_stays_at_the_start():
    sim = panel.Simulator(BIN, replicates=10, extra=["params.stance.update_probability=0"])
    holding, sd, ever, _ = sim(panel.START)
    holding = holding.reshape(3, -1)
    assert np.allclose(holding[0], 4 / 16) and np.all(holding[1:] == 0)
    assert np.array_equal(ever, holding.reshape(-1)) and np.all(sd < 1e-12)  # rounding only


@pytest.mark.skipif(not BIN, reason="TIERSIM_BIN not set; run through ctest")
def test_simulated_panel_approaches_one_at_a_strong_exclude_utility():
    sim = panel.Simulator(BIN, replicates=20)
    holding, _, ever, _ = sim(dict(panel.START, h=20.0))
    holding, ever = holding.reshape(3, -1), ever.reshape(3, -1)
    assert np.all(holding[:, -1] > 0.99)
    assert np.all(np.diff(ever, axis=1) >= 0) and np.all(ever >= holding)
