"""The response-surface analysis (tiersim.surface) on hand-made run tables."""
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from tiersim import surface


def runs(effects_by_point, history_ok_by_point):
    """A run table: per point, replicates with the given effects (rule - no rule) and
    history runs that pass (or fail) the 2025 checks."""
    rows = []
    for p, effects in effects_by_point.items():
        for r, e in enumerate(effects):
            base = {"point": p, "replicate": r, "params_x": float(p)}
            rows.append({**base, "scenario": "no_controls", "cn_share_new_t2_2027": 0.01, "cn_share_new_t2_2030": 0.02})
            rows.append({**base, "scenario": "diffusion_rule", "cn_share_new_t2_2027": 0.01 + e,
                         "cn_share_new_t2_2030": 0.02 + 2 * e})
            ok = history_ok_by_point[p][r]
            rows.append({**base, "scenario": "history_2025", "china_share_world_2026": 0.05 if ok else 0.2,
                         "cn_chip_units_t2_2025": 100.0, "max_cn_share_notable_t2_2025": 0.0,
                         "gulf_us_share_2025_26": 1.0, "cn_first_firm_units_2025": 3.5e5,
                         "cn_first_firm_units_2026": 4.0e5, "cn_cloud_abroad_2025": 1.0, "cn_cloud_abroad_2026": 2.0})
    return pd.DataFrame(rows)


def test_paired_effects_subtract_the_control_of_the_same_point_and_replicate():
    frame = runs({0: [0.01, 0.03], 1: [0.0, 0.0]}, {0: [True, True], 1: [True, True]})
    eff = surface.paired_effects(frame, "cn_share_new_t2_2027").set_index(["point", "replicate"]).effect
    assert eff.loc[(0, 0)] == pytest.approx(0.01) and eff.loc[(0, 1)] == pytest.approx(0.03)
    assert eff.loc[(1, 0)] == pytest.approx(0.0)


def test_the_interval_is_a_student_t_interval_over_replicates():
    v = np.array([1.0, 2.0, 4.0, 5.0])
    m, lo, hi = surface.interval(v, level=0.9)
    half = stats.t.ppf(0.95, 3) * v.std(ddof=1) / 2
    assert m == pytest.approx(3.0) and lo == pytest.approx(3 - half) and hi == pytest.approx(3 + half)
    assert np.isnan(surface.interval([1.0])[1])


def test_a_point_is_2025_consistent_when_80_percent_of_its_history_runs_pass_every_check():
    frame = runs({0: [0] * 5, 1: [0] * 5}, {0: [True] * 4 + [False], 1: [True] * 3 + [False] * 2})
    share = surface.consistent_2025(frame)
    assert share.loc[0] == pytest.approx(0.8) and share.loc[1] == pytest.approx(0.6)
    # A cloud that did not grow abroad fails the point.
    frame.loc[frame.scenario == "history_2025", "cn_cloud_abroad_2026"] = 1.0
    assert surface.consistent_2025(frame).max() == 0.0


def test_the_words_name_the_points_whose_lower_bound_exceeds_a_threshold():
    table = pd.DataFrame({"params_china_chips_limit_scale": [1.0, 10.0], "effect_2027_pp": [0.1, 6.0],
                          "low_2027_pp": [-0.1, 5.5], "high_2027_pp": [0.3, 6.5], "effect_2030_pp": [0.2, 2.0],
                          "low_2030_pp": [0.0, 1.5], "high_2030_pp": [0.4, 2.5], "replicates": [5, 5],
                          "consistent_2025": [True, False]})
    text = surface.in_words(table, ["params_china_chips_limit_scale"])
    assert "lower bound above 5 pp at 1 of 2 points: (limit_scale=10)" in text
    assert "lower bound above 1 pp at 1 of 2 points: (limit_scale=10)" in text
    assert "consistent with the 2025 record" in text and "1 of 2 points: (limit_scale=1)" in text


def test_sobol_of_the_effect_uses_replicate_means_and_reports_seed_noise():
    """A Saltelli design of an additive effect y = 2 x1 + x2 (per row: A, AB_1, AB_2, B) with
    seed noise of known variance: the first-order indices and the noise share come back."""
    import xarray as xr

    rng = np.random.default_rng(1)
    n, k, reps, noise = 400, 2, 4, 0.05
    a, b = rng.random((n, k)), rng.random((n, k))
    rows = []
    for i in range(n):
        rows += [a[i], *[np.where(np.arange(k) == j, b[i], a[i]) for j in range(k)], b[i]]
    x = np.array(rows)
    points = len(x)
    run = []
    for p in range(points):
        for r in range(reps):
            for scen in ("diffusion_rule", "no_controls"):
                run.append((p, r, scen))
    point = np.array([p for p, _, _ in run])
    effect = 2 * x[point, 0] + x[point, 1] + rng.normal(0, noise, len(run))
    value = np.where(np.array([s for _, _, s in run]) == "diffusion_rule", effect, 0.0)
    ds = xr.Dataset({"run_status": ("run", np.ones(len(run), np.int8)), "point": ("run", point),
                     "replicate": ("run", np.array([r for _, r, _ in run])),
                     "scenario": ("run", np.array([s for _, _, s in run])),
                     "params_x1": ("run", x[point, 0]), "params_x2": ("run", x[point, 1]),
                     "cn_share_new_t2_2027": ("run", value)},
                    attrs={"design_kind": "sobol", "design_variables": ["params_x1", "params_x2"],
                           "design_parameters": ["params.x1", "params.x2"]})
    result, share = surface.sobol_with_noise(ds, "cn_share_new_t2_2027")
    first = result.table()["S1"].to_numpy()
    assert first == pytest.approx([0.8, 0.2], abs=0.1)       # 4 / (4 + 1), 1 / (4 + 1) for U(0,1) inputs
    total_var = 5 / 12 + noise**2
    assert share == pytest.approx(noise**2 / total_var, rel=0.3)


def test_knockouts_report_the_us_outcomes_in_their_units_with_intervals():
    """Two knock-out points with known paired effects on US vendor revenue (USD) and Tier 2
    unmet demand (H100e): the table gives them in USD bn and M H100e, with intervals that
    contain the mean, and the words name the frozen behaviour."""
    import xarray as xr

    run = []
    for p, behaviour in enumerate(("adaptive", "frozen")):
        for r in range(4):
            for scen in ("diffusion_rule", "no_controls"):
                run.append((p, r, scen, behaviour))
    treated = np.array([s == "diffusion_rule" for _, _, s, _ in run])
    point = np.array([p for p, _, _, _ in run])
    noise = np.array([0.1 * (r - 1.5) for _, r, _, _ in run])
    revenue = 3e12 + treated * np.where(point == 0, 10e9, -20e9) * (1 + noise)
    unmet = 1e6 + treated * 2.5e6 * (1 + noise)
    ds = xr.Dataset({"run_status": ("run", np.ones(len(run), np.int8)), "point": ("run", point),
                     "replicate": ("run", np.array([r for _, r, _, _ in run])),
                     "scenario": ("run", np.array([s for _, _, s, _ in run])),
                     "params_vendors_capacity_behaviour": ("run", np.array([b for *_, b in run])),
                     "cn_share_new_t2_2027": ("run", np.zeros(len(run))),
                     "cn_share_new_t2_2030": ("run", np.zeros(len(run))),
                     "us_vendor_revenue_to_2030": ("run", revenue), "t2_unmet_to_2030": ("run", unmet)},
                    attrs={"design_kind": "zip", "design_variables": ["params_vendors_capacity_behaviour"],
                           "design_parameters": ["params.vendors.capacity.behaviour"]})
    ko = surface.knockouts(ds)
    assert ko.effect_us_revenue.to_numpy() == pytest.approx([10.0, -20.0])
    assert ko.effect_t2_unmet.to_numpy() == pytest.approx([2.5, 2.5])
    assert (ko.low_us_revenue < ko.effect_us_revenue).all() and (ko.effect_us_revenue < ko.high_us_revenue).all()
    assert "effect_t2_cn" not in ko  # outcomes the file lacks are left out, not invented
    text = surface.knockouts_in_words(ko)
    assert "us_vendors=frozen" in text and "us_revenue -20.00" in text and "USD bn" in text
