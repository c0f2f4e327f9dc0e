"""The claim test: do Tier 2 caps raise the Chinese share of Tier 2 AI compute?

Works on paired outcomes: for each (design point, replicate) the same seed and parameter
draw ran under the rule and under the counterfactual, so the paired difference removes the
common noise (common random numbers).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

THRESHOLDS_PP = (1.0, 5.0, 10.0)
MICROSOFT_COUNTRIES = ("CHE", "POL", "GRC", "SGP", "IND", "IDN", "ISR", "ARE", "SAU")


@dataclass
class EffectSummary:
    outcome: str
    n: int
    mean: float
    mean_ci: tuple[float, float]
    median: float
    median_ci: tuple[float, float]
    p_exceeds: dict          # threshold in percentage points -> probability
    p_positive: float

    def row(self):
        r = {"outcome": self.outcome, "n": self.n,
             "mean_pp": 100 * self.mean, "mean_low_pp": 100 * self.mean_ci[0], "mean_high_pp": 100 * self.mean_ci[1],
             "median_pp": 100 * self.median, "median_low_pp": 100 * self.median_ci[0],
             "median_high_pp": 100 * self.median_ci[1], "p_positive": self.p_positive}
        for t, p in self.p_exceeds.items():
            r[f"p_gt_{t:g}pp"] = p
        return r


def bootstrap_ci(values, stat=np.mean, n_boot=2000, level=0.95, seed=0):
    """Bias-corrected and accelerated (BCa) bootstrap interval of `stat` over the finite
    entries of `values` (scipy.stats.bootstrap). BCa, not the percentile interval: paired
    effects are very skewed (a few runs tip, most barely move), and BCa corrects for the
    skew and bias of the statistic. `stat` takes an `axis` argument (np.mean, np.median).
    Identical values give the value itself as both ends; no values give NaN."""
    v = np.asarray(values, float)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return (np.nan, np.nan)
    if np.all(v == v[0]) or v.size < 3:
        # No spread to resample (BCa's acceleration is undefined): the interval is the point.
        point = float(stat(v, axis=-1))
        return (point, point)
    import warnings

    from scipy import stats

    with warnings.catch_warnings():
        # Nearly degenerate samples (all but one value equal) make BCa warn and give NaN;
        # the NaN is the honest answer and is handled by the callers.
        warnings.simplefilter("ignore")
        res = stats.bootstrap((v,), lambda x, axis: stat(x, axis=axis), vectorized=True, n_resamples=n_boot,
                              confidence_level=level, method="BCa", random_state=seed)
    return (float(res.confidence_interval.low), float(res.confidence_interval.high))


#: The US side's outcomes (docs/ODD.md s.7.8): summary, short column name, label for readers,
#: scale to the unit, unit. Tier 2 demand by route and unmet add up to the same total in
#: every scenario, so their effects cancel.
US_OUTCOMES = [
    ("us_vendor_revenue_to_2030", "us_revenue", "US vendor revenue, all destinations, 2025-30", 1e-9, "USD bn"),
    ("t2_unmet_to_2030", "t2_unmet", "Tier 2 demand unmet (abandoned + backlog), 2025-30", 1e-6, "M H100e"),
    ("t2_us_direct_to_2030", "t2_us_direct", "Tier 2 demand served by US chips, 2025-30", 1e-6, "M H100e"),
    ("t2_us_compliant_to_2030", "t2_us_compliant", "... by US compliant chips outside the cap", 1e-6, "M H100e"),
    ("t2_us_cloud_local_to_2030", "t2_us_cloud_local", "... by US cloud in the country", 1e-6, "M H100e"),
    ("t2_us_cloud_remote_to_2030", "t2_us_cloud_remote", "... by US cloud remotely", 1e-6, "M H100e"),
    ("t2_cn_to_2030", "t2_cn", "... by Chinese chips or cloud", 1e-6, "M H100e"),
]

#: The rule's purpose (docs/ODD.md s.7.9): US compute reaching China through Tier 2, as
#: chips re-exported and as Tier 2 US cloud rented, since 2025. Same columns as US_OUTCOMES.
LEAKAGE_OUTCOMES = [
    ("cn_via_t2_2027", "cn_via_t2_2027", "US compute reaching China through Tier 2, 2025-27", 1e-6, "M H100e"),
    ("cn_via_t2_2030", "cn_via_t2", "US compute reaching China through Tier 2, 2025-30", 1e-6, "M H100e"),
    ("cn_via_t2_chips_2030", "cn_via_t2_chips", "... as chips re-exported", 1e-6, "M H100e"),
    ("cn_via_t2_cloud_2030", "cn_via_t2_cloud", "... as Tier 2 US cloud rented", 1e-6, "M H100e"),
]


def summarise_effect(diff, outcome="effect", thresholds_pp=THRESHOLDS_PP, n_boot=2000, seed=0) -> EffectSummary:
    """Mean and median paired difference (shares, not percent) with BCa bootstrap CIs, and the
    probability that the effect exceeds each threshold (in percentage points)."""
    d = np.asarray(diff, float)
    d = d[np.isfinite(d)]
    if d.size == 0:
        raise ValueError(f"{outcome}: no finite paired differences")
    return EffectSummary(
        outcome=outcome, n=int(d.size), mean=float(d.mean()), mean_ci=bootstrap_ci(d, np.mean, n_boot, seed=seed),
        median=float(np.median(d)), median_ci=bootstrap_ci(d, np.median, n_boot, seed=seed + 1),
        p_exceeds={t: float(np.mean(d > t / 100)) for t in thresholds_pp}, p_positive=float(np.mean(d > 0)))


def paired(frame: pd.DataFrame, value: str, treated: str, control: str,
           by=("point", "replicate"), scenario="scenario") -> pd.DataFrame:
    """Pair the runs of two scenarios on (point, replicate): columns treated, control, diff."""
    sub = frame[frame[scenario].isin([treated, control])]
    wide = sub.pivot_table(index=list(by), columns=scenario, values=value, aggfunc="first")
    missing = [s for s in (treated, control) if s not in wide.columns]
    if missing:
        raise ValueError(f"scenario(s) {missing} not in the sweep; it has {sorted(frame[scenario].unique())}")
    wide = wide[[treated, control]].dropna()
    wide.columns = ["treated", "control"]
    wide["diff"] = wide["treated"] - wide["control"]
    return wide


def tipping(treated_counts, control_counts):
    """Probability that any Tier 2 country tips, and the distribution of the number that
    tip, under both scenarios."""
    t = np.asarray(treated_counts, float)
    c = np.asarray(control_counts, float)
    t, c = t[np.isfinite(t)], c[np.isfinite(c)]
    dist = pd.DataFrame({
        "treated": pd.Series(t).value_counts(normalize=True).sort_index(),
        "control": pd.Series(c).value_counts(normalize=True).sort_index(),
    }).fillna(0.0)
    dist.index.name = "countries_tipped"
    return {"p_any_treated": float(np.mean(t > 0)) if t.size else np.nan,
            "p_any_control": float(np.mean(c > 0)) if c.size else np.nan,
            "mean_treated": float(t.mean()) if t.size else np.nan,
            "mean_control": float(c.mean()) if c.size else np.nan,
            "distribution": dist}
