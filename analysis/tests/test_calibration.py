"""The stance calibration's data moments and simulator (the full MSM runs in docs/validation.md)."""
import os
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tiersim import calibration  # noqa: E402


def test_data_moments_are_the_5g_record():
    m, var, n = calibration.data_moments()
    # countries.SOURCES.md: Tier 1, 13 of 16 excluded or restricted; Tier 2, 8 of 25.
    assert n[0] == 16 and m[0] == pytest.approx(13 / 16)
    assert n[1] == 25 and m[1] == pytest.approx(8 / 25)
    assert np.all(var > 0) and n[2] + n[3] == 42


@pytest.mark.skipif(not os.environ.get("TIERSIM_BIN"), reason="TIERSIM_BIN not set; run through ctest")
def test_simulated_moments_respond_to_parameters_with_common_random_numbers():
    sim = calibration.Simulator(os.environ["TIERSIM_BIN"], replicates=50)
    base = calibration.START
    m0, sd0 = sim(base)
    again, _ = sim(base)
    np.testing.assert_array_equal(m0, again)  # same seed, same numbers
    higher, _ = sim(base + np.array([1.0, 0.0, 0.0]))
    assert np.all(higher > m0)
    assert np.all((sd0 >= 0) & (sd0 < 0.5))
