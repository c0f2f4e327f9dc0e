"""The claim's effect against the Chinese supply response (docs/ODD.md s.7.5).

    PYTHONPATH=analysis /usr/bin/python3 -m tiersim.surface results/response_surface_reduced.h5 \
        [--knockouts results/knockouts.h5] [--sobol results/sobol_supply.h5] [--out DIR]

Reads a sweep whose runs are paired (same seed and parameter draw) under the rule, without
it, and under the 2025 history. For every design point: the paired effect of the rule on the
Chinese share of Tier 2 new compute (2027, 2030) with a 90% interval over replicates
(Student t), and whether the point is consistent with the 2025 record (every check of
CHECKS_2025 passes in at least 80% of its history runs). Prints the surface in words: where
the interval's lower bound exceeds 1 pp and 5 pp, and the 2025-consistent region.

With --knockouts, the effect with each behaviour (Chinese and US) frozen to its reference
path, on the Chinese share and on the US side's outcomes 2025-30; with
--sobol, variance-based indices of the effect (replicate means) and the share of the
effect's variance that is seed noise.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from . import claim, sensitivity
from .io import open as open_result
from .io import parameter_variables

OUTCOMES = {"cn_share_new_t2_2027": "2027", "cn_share_new_t2_2030": "2030"}
TREATED, CONTROL, HISTORY = "diffusion_rule", "no_controls", "history_2025"
LEVEL = 0.90
CONSISTENT_SHARE = 0.8

# The 2025 record (docs/validation.md): summary, description, test.
CHECKS_2025 = [
    ("china_share_world_2026", "China's share of world AI compute end 2026 in 3-8% (~5%, cal. s3 [S24])",
     lambda v: 0.03 <= v <= 0.08),
    ("cn_chip_units_t2_2025", "Chinese chips to Tier 2 in 2025 below 10,000 units (offers in the low thousands, "
     "no finalised deal, cal. s4 [S43])", lambda v: v < 10_000),
    ("max_cn_share_notable_t2_2025", "no Tier 2 national project above 5% Chinese in 2025 (cal. s4 [S43,S44])",
     lambda v: v < 0.05),
    ("gulf_us_share_2025_26", "ARE and SAU served >= 95% by US compute 2025-26 (cal. s5 [S48,S49])",
     lambda v: v >= 0.95),
    ("cn_first_firm_units_2025", "Huawei output 2025 in 0.2-0.805M units (cal. s4 [S38-S40])",
     lambda v: 2.0e5 <= v <= 8.05e5),
    ("cn_first_firm_units_2026", "Huawei output 2026 in 0.3-1.0M units (cal. s4 [S39,S40])",
     lambda v: 3.0e5 <= v <= 1.0e6),
]
CLOUD_CHECK = "Chinese cloud capacity abroad grew in 2026 (regions opened 2025-26, cal. s4 [S45,S46])"


def _runs(ds) -> pd.DataFrame:
    done = ds.run_status.values == 1
    if not done.all():
        raise ValueError(f"{int((~done).sum())} runs are not done; finish the sweep (--resume) first")
    cols = ["scenario", "point", "replicate", *parameter_variables(ds)]
    summaries = [v for v in ds.data_vars if ds[v].dims == ("run",) and v not in cols and v != "run_status"]
    frame = ds[cols + summaries].to_dataframe().reset_index()
    frame["scenario"] = frame["scenario"].astype(str)
    return frame


def paired_effects(frame: pd.DataFrame, outcome: str) -> pd.DataFrame:
    """Per (point, replicate): the rule's effect on `outcome`."""
    keys = ["point", "replicate"]
    t = frame[frame.scenario == TREATED].set_index(keys)[outcome]
    c = frame[frame.scenario == CONTROL].set_index(keys)[outcome]
    if t.empty or c.empty:
        raise ValueError(f"the sweep needs paired scenarios {TREATED!r} and {CONTROL!r}")
    return (t - c).rename("effect").reset_index()


def interval(values, level=LEVEL):
    """Mean and a Student-t interval over replicates."""
    v = np.asarray(values, float)
    m = float(v.mean())
    if v.size < 2:
        return m, np.nan, np.nan
    half = stats.t.ppf(0.5 + level / 2, v.size - 1) * v.std(ddof=1) / np.sqrt(v.size)
    return m, m - half, m + half


def consistent_2025(frame: pd.DataFrame) -> pd.Series:
    """Per point: the share of history runs passing every 2025 check, and the flag."""
    hist = frame[frame.scenario == HISTORY]
    if hist.empty:
        return pd.Series(dtype=float)
    ok = np.ones(len(hist), bool)
    for name, _, test in CHECKS_2025:
        ok &= hist[name].map(test).to_numpy(bool)
    ok &= (hist["cn_cloud_abroad_2026"] > hist["cn_cloud_abroad_2025"]).to_numpy(bool)
    return pd.Series(ok, index=hist.point.to_numpy()).groupby(level=0).mean()


def _effects_by_point(ds) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The run table, and per design point its swept values and the rule's effect in pp
    (mean and interval over replicates) for every outcome."""
    frame = _runs(ds)
    axes = parameter_variables(ds)
    out = frame[frame.scenario == TREATED].groupby("point")[axes].first()
    for outcome, year in OUTCOMES.items():
        eff = paired_effects(frame, outcome)
        rows = {p: interval(100 * g.effect) for p, g in eff.groupby("point")}
        for i, col in enumerate(("effect", "low", "high")):
            out[f"{col}_{year}_pp"] = [rows[p][i] for p in out.index]
    return frame, out


def surface(ds) -> pd.DataFrame:
    frame, out = _effects_by_point(ds)
    out["replicates"] = frame[frame.scenario == TREATED].groupby("point").size()
    share = consistent_2025(frame)
    if not share.empty:
        out["pass_2025"] = share.reindex(out.index)
        out["consistent_2025"] = out["pass_2025"] >= CONSISTENT_SHARE
    return out


def _label(row, axes):
    return "(" + ", ".join(f"{a.removeprefix('params_').split('_', 2)[-1]}={row[a]:g}" for a in axes) + ")"


def in_words(table: pd.DataFrame, axes) -> str:
    lines = [f"Effect of the rule on the Chinese share of Tier 2 new compute, {int(100 * LEVEL)}% intervals over "
             f"{int(table.replicates.min())}+ replicates, {len(table)} points over {', '.join(axes)}:"]
    for year in OUTCOMES.values():
        lo = table[f"low_{year}_pp"]
        lines.append(f"  {year}: effect {table[f'effect_{year}_pp'].min():+.2f} to {table[f'effect_{year}_pp'].max():+.2f} pp")
        for bound in (1.0, 5.0):
            hit = table[lo > bound]
            where = "; ".join(_label(r, axes) for _, r in hit.iterrows()) if len(hit) else "nowhere"
            lines.append(f"    lower bound above {bound:g} pp at {len(hit)} of {len(table)} points: {where}")
    if "consistent_2025" in table:
        good = table[table.consistent_2025]
        where = "; ".join(_label(r, axes) for _, r in good.iterrows()) if len(good) else "no point"
        lines.append(f"  consistent with the 2025 record (every check in >= {int(100 * CONSISTENT_SHARE)}% of seeds): "
                     f"{len(good)} of {len(table)} points: {where}")
        if len(good):
            for year in OUTCOMES.values():
                lines.append(f"    there the {year} effect is {good[f'effect_{year}_pp'].min():+.2f} to "
                             f"{good[f'effect_{year}_pp'].max():+.2f} pp (upper bound at most "
                             f"{good[f'high_{year}_pp'].max():+.2f} pp)")
    return "\n".join(lines)


def knockouts(ds) -> pd.DataFrame:
    """The effect with each behaviour frozen: one row per design point of a knock-out sweep,
    the Chinese share (pp) and, where the file has them, the US side's outcomes 2025-30
    (`claim.US_OUTCOMES`: total US vendor revenue, Tier 2 demand unmet and by route; and
    `claim.LEAKAGE_OUTCOMES`: US compute reaching China through Tier 2), each with
    its interval over replicates."""
    frame, out = _effects_by_point(ds)
    for outcome, col, _, scale, _ in claim.US_OUTCOMES + claim.LEAKAGE_OUTCOMES:
        if outcome not in frame:
            continue
        eff = paired_effects(frame, outcome)
        rows = {p: interval(scale * g.effect) for p, g in eff.groupby("point")}
        for i, part in enumerate(("effect", "low", "high")):
            out[f"{part}_{col}"] = [rows[p][i] for p in out.index]
    return out


def knockout_label(row, columns) -> str:
    """'name=value' for every behaviour a knock-out point sets, with short names."""
    short = {"params_china_behaviour_": "cn_", "params_vendors_capacity_behaviour": "us_vendors",
             "params_gatekeepers_capex_behaviour": "gatekeepers", "params_vendors_allocation_behaviour": "us_allocation",
             "params_demand_residency_": "residency_", "params_stance_behaviour": "stance",
             "params_projects_behaviour": "projects"}
    parts = []
    for a in columns:
        if not a.startswith("params_"):
            continue
        name = a
        for long, brief in short.items():
            if a.startswith(long):
                name = brief + a.removeprefix(long)
                break
        value = row[a]
        parts.append(f"{name}={value:g}" if isinstance(value, (int, float, np.floating)) else f"{name}={value}")
    return ", ".join(parts)


def knockouts_in_words(ko: pd.DataFrame) -> str:
    lines = ["Knock-outs (behaviours frozen to their reference paths), effect of the rule "
             f"[{int(100 * LEVEL)}% interval]:"]
    for _, r in ko.iterrows():
        lines.append(f"  {knockout_label(r, ko.columns)}:")
        lines.append(f"    Chinese share of Tier 2 new compute: 2027 {r.effect_2027_pp:+.3f} [{r.low_2027_pp:+.3f}, "
                     f"{r.high_2027_pp:+.3f}] pp, 2030 {r.effect_2030_pp:+.3f} [{r.low_2030_pp:+.3f}, "
                     f"{r.high_2030_pp:+.3f}] pp")
        parts = [f"{col} {r[f'effect_{col}']:+.2f} [{r[f'low_{col}']:+.2f}, {r[f'high_{col}']:+.2f}] {unit}"
                 for _, col, _, _, unit in claim.US_OUTCOMES + claim.LEAKAGE_OUTCOMES if f"effect_{col}" in ko]
        if parts:
            lines.append("    2025-30: " + "; ".join(parts))
    return "\n".join(lines)


def sobol_with_noise(ds, outcome) -> tuple[sensitivity.SobolResult, float]:
    """Sobol indices of the rule's effect (replicate means per design point) and the share of
    the per-run effect's variance that is seed noise (within-point variance over total)."""
    if ds.attrs.get("design_kind") != "sobol":
        raise ValueError(f"design is {ds.attrs.get('design_kind')!r}, not 'sobol'")
    frame = _runs(ds)
    eff = paired_effects(frame, outcome)
    k = len(parameter_variables(ds))
    means = eff.groupby("point").effect.mean().sort_index().to_numpy()
    if means.size % (k + 2):
        raise ValueError(f"{means.size} points is not a multiple of k + 2 = {k + 2}")
    rows = means.reshape(-1, k + 2)
    names = list(ds.attrs.get("design_parameters", []))
    result = sensitivity.sobol_indices(rows[:, 0], rows[:, -1], rows[:, 1:-1].T, names=names)
    within = eff.groupby("point").effect.var(ddof=1).mean()
    total = eff.effect.var(ddof=1)
    return result, float(within / total) if total > 0 else float("nan")


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m tiersim.surface", description=__doc__.split("\n\n")[0])
    ap.add_argument("surface", type=Path, help="response-surface sweep (paired rule / no rule / history)")
    ap.add_argument("--knockouts", type=Path, help="knock-out sweep (behaviours frozen)")
    ap.add_argument("--sobol", type=Path, help="sobol sweep over the supply-response parameters")
    ap.add_argument("--out", type=Path, help="directory for the CSV tables")
    args = ap.parse_args(argv)
    ds = open_result(args.surface)
    table = surface(ds)
    axes = parameter_variables(ds)
    print(in_words(table, axes))
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        table.to_csv(args.out / "response_surface.csv")
    if args.knockouts:
        ko = knockouts(open_result(args.knockouts))
        print("\n" + knockouts_in_words(ko))
        if args.out:
            ko.to_csv(args.out / "knockouts.csv")
    if args.sobol:
        sds = open_result(args.sobol)
        for outcome, year in OUTCOMES.items():
            result, noise = sobol_with_noise(sds, outcome)
            print(f"\nSobol indices of the {year} effect (replicate means); seed noise {100 * noise:.0f}% of the "
                  "per-run variance:")
            print(result.table().to_string())
            if args.out:
                result.table().to_csv(args.out / f"sobol_{year}.csv")


if __name__ == "__main__":
    main()
