"""Estimators checked against analytic answers (criteria fixed in advance)."""
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tiersim import claim, discovery, sensitivity  # noqa: E402


def test_sobol_recovers_the_ishigami_indices():
    # N = 20,000 base samples: the estimators' standard errors are below 0.02 here
    # (Saltelli et al. 2010, fig. 2), so 0.03 is a fixed tolerance with margin.
    n, k = 20000, 3
    a, b, ab = sensitivity.saltelli_matrices(n, k, seed=1)
    to_x = lambda u: -np.pi + 2 * np.pi * u  # noqa: E731
    ya, yb = sensitivity.ishigami(to_x(a)), sensitivity.ishigami(to_x(b))
    yab = np.stack([sensitivity.ishigami(to_x(ab[i])) for i in range(k)])
    res = sensitivity.sobol_indices(ya, yb, yab, names=["x1", "x2", "x3"], n_boot=200)
    first, total = sensitivity.ishigami_indices()
    np.testing.assert_allclose(res.first, first, atol=0.03)
    np.testing.assert_allclose(res.total, total, atol=0.03)
    # The bootstrap intervals cover the truth for every index (95% each; 6 intervals).
    assert np.all((res.first_ci[:, 0] - 0.01 <= first) & (first <= res.first_ci[:, 1] + 0.01))
    assert np.all((res.total_ci[:, 0] - 0.01 <= total) & (total <= res.total_ci[:, 1] + 0.01))
    assert list(res.table().index) == ["x1", "x2", "x3"]


def test_ishigami_analytic_values():
    first, total = sensitivity.ishigami_indices()
    np.testing.assert_allclose(first, [0.3139, 0.4424, 0.0], atol=1e-4)
    np.testing.assert_allclose(total, [0.5576, 0.4424, 0.2437], atol=1e-4)


def test_sobol_rejects_shapes_that_are_not_a_saltelli_design():
    with pytest.raises(ValueError, match="Saltelli"):
        sensitivity.sobol_indices(np.zeros(10), np.zeros(10), np.zeros((3, 9)))


def morris_design(r, k, levels=4, seed=0):
    """Morris (1991) trajectories for the test (the sweep generator lives in C++)."""
    rng = np.random.default_rng(seed)
    delta = levels / (2 * (levels - 1))
    grid = np.arange(levels // 2) / (levels - 1)
    pts = []
    for _ in range(r):
        x = rng.choice(grid, size=k)
        pts.append(x.copy())
        for i in rng.permutation(k):
            x[i] += delta
            pts.append(x.copy())
    return np.array(pts)


def test_morris_effects_of_a_linear_function_are_its_coefficients():
    coef = np.array([3.0, -2.0, 0.0, 0.5])
    x = morris_design(20, 4)
    res = sensitivity.morris_effects(x, x @ coef, trajectories=20, n_boot=100)
    np.testing.assert_allclose(res.mu, coef, atol=1e-12)
    np.testing.assert_allclose(res.mu_star, np.abs(coef), atol=1e-12)
    np.testing.assert_allclose(res.sigma, 0.0, atol=1e-12)


def test_morris_sigma_flags_interactions():
    x = morris_design(50, 3, seed=2)
    y = x[:, 0] * x[:, 1] + x[:, 2]
    res = sensitivity.morris_effects(x, y, trajectories=50, n_boot=100)
    assert res.sigma[0] > 0.1 and res.sigma[1] > 0.1
    assert res.sigma[2] == pytest.approx(0.0, abs=1e-12)


def test_morris_rejects_a_broken_design():
    x = morris_design(2, 3)
    x[1] = x[0] + 0.5  # two coordinates move at once
    with pytest.raises(ValueError, match="differ in"):
        sensitivity.morris_effects(x, np.zeros(len(x)), trajectories=2)


def test_prim_finds_the_box_that_generated_the_cases():
    rng = np.random.default_rng(3)
    x = pd.DataFrame(rng.random((4000, 4)), columns=["supply", "switching", "price", "noise"])
    y = (x.supply > 0.7) & (x.price < 0.3)
    box, traj = discovery.prim(x, y, min_density=0.9)
    assert set(box.restricted) <= {"supply", "price"} and "supply" in box.restricted and "price" in box.restricted
    assert box.limits.loc["supply", "low"] == pytest.approx(0.7, abs=0.05)
    assert box.limits.loc["price", "high"] == pytest.approx(0.3, abs=0.05)
    assert box.density >= 0.9 and box.coverage >= 0.8
    assert traj.density.iloc[-1] >= traj.density.iloc[0]


def test_tree_rules_put_the_dense_leaf_first():
    rng = np.random.default_rng(4)
    x = pd.DataFrame(rng.random((3000, 2)), columns=["a", "b"])
    y = x.a > 0.6
    rules = discovery.tree_rules(x, y, max_depth=2)
    text, share, density = rules[0]
    assert "a >" in text and density > 0.95


def test_claim_statistics_on_a_known_effect():
    # Paired differences ~ N(2pp, 1pp), n = 4000: mean and median within 4 standard errors
    # of 0.02, exceedance probabilities within 4 binomial sd of the normal CDF.
    rng = np.random.default_rng(5)
    n = 4000
    d = rng.normal(0.02, 0.01, n)
    s = claim.summarise_effect(d, "cn_share_new_t2_2030", n_boot=500)
    se = 0.01 / np.sqrt(n)
    assert abs(s.mean - 0.02) < 4 * se
    assert abs(s.median - 0.02) < 4 * 1.2533 * se  # sd of the median of a normal sample
    assert s.mean_ci[0] < s.mean < s.mean_ci[1]
    from scipy.stats import norm
    for t in (1.0, 5.0):
        p = 1 - norm.cdf((t / 100 - 0.02) / 0.01)
        assert abs(s.p_exceeds[t] - p) < 4 * np.sqrt(p * (1 - p) / n) + 1e-3
    assert s.p_exceeds[10.0] == 0.0
    assert s.row()["mean_pp"] == pytest.approx(100 * s.mean)


def test_bootstrap_interval_has_its_nominal_coverage():
    # 300 samples of 200 draws: the share of 95% intervals covering the true mean must lie
    # within 3.5 binomial sd (sd = sqrt(.95 * .05 / 300) = 0.0126) of 0.95, allowing the
    # bootstrap's known slight under-coverage at n = 200 (about 0.01).
    rng = np.random.default_rng(6)
    covered = 0
    for rep in range(300):
        d = rng.normal(0.02, 0.01, 200)
        lo, hi = claim.bootstrap_ci(d, np.mean, n_boot=400, seed=rep)
        covered += lo <= 0.02 <= hi
    assert abs(covered / 300 - 0.95) < 3.5 * 0.0126 + 0.01


def test_bca_interval_follows_the_skew_of_the_effect():
    # Lognormal draws, as skewed as the 2030 effect: BCa corrects the percentile interval
    # toward the long tail, and on 300 samples of 60 draws covers the true mean (exp(1/2))
    # at least as often as the percentile interval does.
    rng = np.random.default_rng(8)
    true_mean = np.exp(0.5)
    bca_cover = pct_cover = 0
    for rep in range(300):
        d = rng.lognormal(0.0, 1.0, 60)
        lo, hi = claim.bootstrap_ci(d, np.mean, n_boot=400, seed=rep)
        boots = np.array([d[np.random.default_rng(rep * 1000 + b).integers(0, 60, 60)].mean() for b in range(400)])
        plo, phi = np.percentile(boots, [2.5, 97.5])
        bca_cover += lo <= true_mean <= hi
        pct_cover += plo <= true_mean <= phi
        if rep == 0:
            assert hi - d.mean() > d.mean() - lo  # longer toward the tail
    assert bca_cover >= pct_cover - 3 and bca_cover / 300 > 0.88


def test_bootstrap_interval_of_constant_or_missing_values():
    assert claim.bootstrap_ci([0.0, 0.0, 0.0, 0.0]) == (0.0, 0.0)
    assert claim.bootstrap_ci([0.01, np.nan, 0.01]) == (0.01, 0.01)
    assert all(np.isnan(claim.bootstrap_ci([np.nan])))


def test_pairing_matches_points_and_replicates():
    frame = pd.DataFrame({
        "point": [0, 0, 1, 1, 2], "replicate": [0, 0, 0, 0, 0],
        "scenario": ["rule", "none", "rule", "none", "rule"],
        "share": [0.05, 0.01, 0.10, 0.02, 0.5],
    })
    p = claim.paired(frame, "share", "rule", "none")
    assert list(p["diff"].round(6)) == [0.04, 0.08]  # point 2 has no control: dropped
    with pytest.raises(ValueError, match="not in the sweep"):
        claim.paired(frame, "share", "rule", "other")


def test_tipping_probabilities():
    t = claim.tipping([0, 1, 2, 0], [0, 0, 1, 0])
    assert t["p_any_treated"] == 0.5 and t["p_any_control"] == 0.25
    assert t["distribution"].loc[0, "treated"] == 0.5
