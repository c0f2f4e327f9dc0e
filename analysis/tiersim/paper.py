"""Rebuild every table and figure of the headline experiment from a sweep file.

    PYTHONPATH=analysis /usr/bin/python3 -m tiersim.paper results/headline.h5 [--out results/paper]

The sweep must pair `diffusion_rule` with `no_controls` (configs/sweeps/headline.yaml).
Writes into --out: claim.csv/.tex (effect of the Tier 2 caps on the Chinese share of Tier 2
compute), tipping.csv, countries.csv/.tex (the countries Microsoft named), discovery.txt
(where the effect is large), sensitivity.csv/.tex, figures fig*.png and fig*.pdf, and
provenance.json (sweep hash, tiersim version and git SHA for every file). Prints the claim
table.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd

from . import claim, discovery, sensitivity
from .frames import runs_frame
from .io import open as open_results
from .io import parameter_variables

TREATED, CONTROL = "diffusion_rule", "no_controls"
OUTCOMES = [
    ("cn_share_new_t2_2027", "Chinese share of Tier 2 new compute, 2027"),
    ("cn_share_new_t2_2030", "Chinese share of Tier 2 new compute, 2030"),
    ("cn_share_installed_t2_2027", "Chinese share of Tier 2 installed compute, end 2027"),
    ("cn_share_installed_t2_2030", "Chinese share of Tier 2 installed compute, end 2030"),
]
HEADLINE = "cn_share_new_t2_2030"


def parameter_names(ds):
    return parameter_variables(ds)


def claim_table(frame):
    rows, levels = [], []
    for key, label in OUTCOMES:
        if key not in frame:
            continue
        pairs = claim.paired(frame, key, TREATED, CONTROL)
        s = claim.summarise_effect(pairs["diff"].to_numpy(), key)
        rows.append({"outcome": label, **{k: v for k, v in s.row().items() if k != "outcome"},
                     "treated_mean_pct": 100 * pairs["treated"].mean(), "control_mean_pct": 100 * pairs["control"].mean()})
    return pd.DataFrame(rows)


def country_effects(ds, frame, countries=claim.MICROSOFT_COUNTRIES, years=(2027, 2030)):
    """Paired effect on each country's Chinese share of new compute in the given years."""
    if "served_cn" not in ds or "served_total" not in ds:
        return pd.DataFrame()
    tdim = ds.served_cn.dims[1]
    out = []
    runs = frame.index.values
    for year in years:
        sel = {tdim: ds[tdim].dt.year == year}
        # served_* are recorded every 12 months at December: the year's last month only, so
        # use the annual records as the share of that month's new compute.
        cn = ds.served_cn.sel(run=runs).isel(sel)
        tot = ds.served_total.sel(run=runs).isel(sel)
        if cn.sizes[tdim] == 0:
            continue
        share = (cn.sum(tdim) / tot.sum(tdim)).to_pandas()
        for c in countries:
            if c not in share.columns:
                continue
            f = frame.assign(share=share[c].reindex(frame.index).values)
            pairs = claim.paired(f, "share", TREATED, CONTROL)
            d = pairs["diff"].dropna().to_numpy()
            if d.size == 0:
                continue
            lo, hi = claim.bootstrap_ci(d)
            out.append({"country": c, "year": year, "n": d.size, "mean_pp": 100 * d.mean(), "low_pp": 100 * lo,
                        "high_pp": 100 * hi, "p_gt_1pp": float(np.mean(d > 0.01)),
                        "treated_mean_pct": 100 * pairs["treated"].mean(), "control_mean_pct": 100 * pairs["control"].mean()})
    return pd.DataFrame(out)


def paired_with_parameters(frame, params, outcome=HEADLINE):
    pairs = claim.paired(frame, outcome, TREATED, CONTROL)
    treated = frame[frame.scenario == TREATED].set_index(["point", "replicate"])
    return pairs.join(treated[params])


def rank_regression(x: pd.DataFrame, y):
    """Standardised rank regression coefficients (for Latin-hypercube designs)."""
    rx = x.rank().to_numpy(float)
    ry = pd.Series(y).rank().to_numpy(float)
    rx = (rx - rx.mean(0)) / rx.std(0)
    ry = (ry - ry.mean()) / ry.std()
    coef, *_ = np.linalg.lstsq(np.column_stack([np.ones(len(ry)), rx]), ry, rcond=None)
    fitted = np.column_stack([np.ones(len(ry)), rx]) @ coef
    r2 = 1 - np.sum((ry - fitted) ** 2) / np.sum((ry - ry.mean()) ** 2)
    return pd.DataFrame({"srrc": coef[1:]}, index=pd.Index(x.columns, name="parameter")), r2


def sensitivity_table(ds, frame, params):
    """Sensitivity of the headline effect: Sobol or Morris for those designs, SRRC for LHS."""
    kind = ds.attrs.get("design_kind", "")
    joined = paired_with_parameters(frame, params)
    if kind == "lhs" or kind not in ("sobol", "morris"):
        table, r2 = rank_regression(joined[params], joined["diff"].to_numpy())
        table["abs"] = table.srrc.abs()
        return table.sort_values("abs", ascending=False).drop(columns="abs"), f"SRRC (rank R^2 = {r2:.2f})"
    diff = joined["diff"].sort_index(level="point").to_numpy()
    k = len(params)
    if kind == "sobol":
        n = diff.size // (k + 2)
        y = diff.reshape(n, k + 2)  # per sample: A, AB_1..AB_k, B (docs/output-format.md)
        res = sensitivity.sobol_indices(y[:, 0], y[:, -1], y[:, 1:-1].T, names=params)
        return res.table(), "Sobol indices (Saltelli design)"
    x = joined[params].sort_index(level="point").to_numpy(float)
    lo, hi = x.min(0), x.max(0)
    unit = (x - lo) / np.where(hi > lo, hi - lo, 1.0)
    r = diff.size // (k + 1)
    return sensitivity.morris_effects(unit, diff, r, names=params).table(), "Morris elementary effects"


def latex_table(df: pd.DataFrame, caption: str, float_fmt="{:.3g}") -> str:
    """A plain LaTeX tabular (no dependencies beyond pandas)."""
    def cell(v):
        if isinstance(v, (float, np.floating)):
            return float_fmt.format(v)
        return str(v).replace("_", r"\_").replace("%", r"\%")

    cols = [str(c) for c in df.columns]
    lines = [r"\begin{table}[ht]", r"\centering", rf"\caption{{{cell(caption)}}}",
             r"\begin{tabular}{" + "l" * (df.index.nlevels if df.index.name else 0) + "r" * len(cols) + "}",
             r"\hline"]
    head = ([cell(df.index.name)] if df.index.name else []) + [cell(c) for c in cols]
    lines.append(" & ".join(head) + r" \\ \hline")
    for idx, row in df.iterrows():
        cells = ([cell(idx)] if df.index.name else []) + [cell(v) for v in row.to_list()]
        lines.append(" & ".join(cells) + r" \\")
    lines += [r"\hline", r"\end{tabular}", r"\end{table}", ""]
    return "\n".join(lines)


class Provenance:
    def __init__(self, ds, source):
        self.base = {"source": str(source), "sweep_hash": ds.attrs.get("sweep_hash", ""),
                     "tiersim_version": ds.attrs.get("tiersim_version", ""), "git_sha": ds.attrs.get("git_sha", ""),
                     "design": ds.attrs.get("design_kind", ""), "runs": int(ds.sizes.get("run", 0))}
        self.files = {}

    def add(self, path: Path, what: str):
        self.files[path.name] = {"what": what, **self.base,
                                 "created": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")}

    def metadata(self, title):
        return {"Title": title, "Subject": f"sweep {self.base['sweep_hash'][:16]}, tiersim {self.base['tiersim_version']} "
                                           f"(git {self.base['git_sha'][:12]})"}


def figures(ds, frame, countries, sens, out: Path, prov: Provenance):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"font.size": 10, "axes.spines.top": False, "axes.spines.right": False})
    made = []

    def save(fig, name, title):
        for ext in ("png", "pdf"):
            path = out / f"{name}.{ext}"
            fig.savefig(path, dpi=200, bbox_inches="tight", metadata=prov.metadata(title) if ext == "pdf" else
                        {"Title": title, "Description": prov.metadata(title)["Subject"]})
            prov.add(path, title)
        plt.close(fig)
        made.append(name)

    # 1. Chinese share of Tier 2 new compute over time, by scenario (12-month mean).
    if "cn_share_new_tier" in ds:
        fig, ax = plt.subplots(figsize=(6.5, 3.6))
        for scen, color in ((TREATED, "#b2182b"), (CONTROL, "#2166ac")):
            runs = frame.index[frame.scenario == scen].values
            s = ds.cn_share_new_tier.sel(run=runs, tier=2).rolling(time=12, min_periods=1).mean() * 100
            q = s.quantile([0.05, 0.5, 0.95], dim="run")
            t = s.time.values
            ax.fill_between(t, q.sel(quantile=0.05), q.sel(quantile=0.95), color=color, alpha=0.2, lw=0)
            ax.plot(t, q.sel(quantile=0.5), color=color, lw=2, label=f"{scen} (median, 5-95%)")
        ax.set_ylabel("Chinese share of Tier 2\nnew compute (%, 12-month mean)")
        ax.legend(frameon=False)
        save(fig, "fig1_share_over_time", "Chinese share of Tier 2 new AI compute by scenario")

    # 2. Distribution of the paired effect.
    fig, ax = plt.subplots(figsize=(6.5, 3.4))
    for (key, label), color in zip(OUTCOMES[:2], ("#fdae61", "#d7191c")):
        if key in frame:
            d = 100 * claim.paired(frame, key, TREATED, CONTROL)["diff"]
            ax.hist(d, bins=30, alpha=0.6, color=color, label=label.replace("Chinese share of ", ""))
    ax.axvline(0, color="black", lw=0.8)
    ax.set_xlabel("effect of the Tier 2 caps (percentage points, paired)")
    ax.set_ylabel("runs")
    ax.legend(frameon=False)
    save(fig, "fig2_effect_distribution", "Distribution of the paired effect of the Tier 2 caps")

    # 3. Per-country effects (the countries Microsoft named), 2030.
    if not countries.empty:
        c = countries[countries.year == countries.year.max()].sort_values("mean_pp")
        fig, ax = plt.subplots(figsize=(6.5, 3.6))
        y = np.arange(len(c))
        ax.barh(y, c.mean_pp, color="#d6604d")
        ax.errorbar(c.mean_pp, y, xerr=[c.mean_pp - c.low_pp, c.high_pp - c.mean_pp], fmt="none", color="black", lw=1)
        ax.set_yticks(y, c.country)
        ax.axvline(0, color="black", lw=0.8)
        ax.set_xlabel(f"effect on the Chinese share of new compute, {int(c.year.max())} (pp, 95% CI)")
        save(fig, "fig3_country_effects", "Effect of the caps in the countries Microsoft named")

    # 4. Sensitivity of the headline effect.
    table, method = sens
    col = table.columns[0]
    fig, ax = plt.subplots(figsize=(6.5, 3.8))
    t = table.iloc[::-1]
    ax.barh([p.replace("params_", "") for p in t.index], t[col], color="#4393c3")
    ax.set_xlabel(f"{method}: {col}")
    ax.axvline(0, color="black", lw=0.8)
    save(fig, "fig4_sensitivity", f"Sensitivity of the 2030 effect ({method})")

    # 5. Cap usage by country under the rule, end of 2027.
    if "cap_used" in ds and "cap_remaining" in ds:
        runs = frame.index[frame.scenario == TREATED].values
        tdim = ds.cap_used.dims[1]
        sel = ds[tdim].dt.year == 2027
        used = ds.cap_used.sel(run=runs).isel({tdim: sel}).isel({tdim: -1})
        rem = ds.cap_remaining.sel(run=runs).isel({tdim: sel}).isel({tdim: -1})
        share = (used / (used + rem)).mean("run").to_pandas().dropna().sort_values(ascending=False).head(20)
        fig, ax = plt.subplots(figsize=(6.5, 4.2))
        ax.barh(share.index[::-1], 100 * share.values[::-1], color="#762a83")
        ax.set_xlabel("share of the cap released by end 2027 that was used (%, mean over runs)")
        save(fig, "fig5_cap_usage", "Cap usage by country under the rule, end 2027")
    return made


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("sweep", help="sweep result file (diffusion_rule paired with no_controls)")
    ap.add_argument("--out", default=None, help="output folder (default: results/paper next to the sweep)")
    ap.add_argument("--threshold-pp", type=float, default=1.0,
                    help="effect size (pp) that counts as 'large' for scenario discovery")
    args = ap.parse_args(argv)
    src = Path(args.sweep)
    out = Path(args.out) if args.out else src.parent / "paper"
    out.mkdir(parents=True, exist_ok=True)
    ds = open_results(src)
    scen = set(np.unique(ds.scenario.values)) if "scenario" in ds else set()
    if not {TREATED, CONTROL} <= scen:
        raise SystemExit(f"{src}: needs runs of both '{TREATED}' and '{CONTROL}' (has {sorted(scen)})")
    frame = runs_frame(ds)
    params = parameter_names(ds)
    prov = Provenance(ds, src)

    table = claim_table(frame)
    table.to_csv(out / "claim.csv", index=False)
    shown = table.set_index("outcome")[["mean_pp", "mean_low_pp", "mean_high_pp", "median_pp", "p_gt_1pp",
                                        "p_gt_5pp", "p_gt_10pp"]]
    shown.index.name = "outcome"
    (out / "claim.tex").write_text(latex_table(shown, "Effect of the Tier 2 caps (diffusion_rule minus no_controls)"))
    prov.add(out / "claim.csv", "claim test")
    prov.add(out / "claim.tex", "claim test")

    tip_rows = []
    for year in (2027, 2030):
        key = f"tipped_t2_{year}"
        if key in frame:
            pairs = claim.paired(frame, key, TREATED, CONTROL)
            t = claim.tipping(pairs["treated"], pairs["control"])
            tip_rows.append({"year": year, **{k: v for k, v in t.items() if k != "distribution"}})
    pd.DataFrame(tip_rows).to_csv(out / "tipping.csv", index=False)
    prov.add(out / "tipping.csv", "tipping")

    countries = country_effects(ds, frame)
    if not countries.empty:
        countries.to_csv(out / "countries.csv", index=False)
        (out / "countries.tex").write_text(latex_table(
            countries.set_index("country")[["year", "mean_pp", "low_pp", "high_pp", "p_gt_1pp"]],
            "Effect on the Chinese share of new compute in the countries Microsoft named"))
        prov.add(out / "countries.csv", "per-country effects")

    lines = []
    if params:
        joined = paired_with_parameters(frame, params)
        x = joined[params]
        large = joined["diff"].to_numpy() > args.threshold_pp / 100
        rule = f"effect > {args.threshold_pp:g} pp"
        if large.sum() < 5:
            large = joined["diff"].to_numpy() >= np.quantile(joined["diff"], 0.9)
            rule = "effect in the top decile of runs"
        box, traj = discovery.prim(x, large, min_density=0.8)
        lines += [f"Scenario discovery ({rule}; {int(large.sum())} of {len(large)} paired runs):",
                  "PRIM box: " + box.describe(), "", "Shallow tree (leaves by share of such runs):"]
        lines += [f"  {d:5.2f} of {s:5.1%} of runs: {r}" for r, s, d in discovery.tree_rules(x, large)]
        sens = sensitivity_table(ds, frame, params)
        sens[0].to_csv(out / "sensitivity.csv")
        (out / "sensitivity.tex").write_text(latex_table(sens[0], f"Sensitivity of the 2030 effect: {sens[1]}"))
        prov.add(out / "sensitivity.csv", sens[1])
    else:
        sens = (pd.DataFrame({"srrc": []}), "none")
    (out / "discovery.txt").write_text("\n".join(lines) + "\n")
    prov.add(out / "discovery.txt", "scenario discovery")

    made = figures(ds, frame, countries, sens, out, prov) if params else []
    (out / "provenance.json").write_text(json.dumps(prov.files, indent=1))

    pairs = int(claim.paired(frame, HEADLINE, TREATED, CONTROL).shape[0])
    print(f"Claim test: effect of the January 2025 Tier 2 caps ({TREATED} minus {CONTROL}, paired), "
          f"{pairs} parameter draws, design {ds.attrs.get('design_kind', '?')}")
    print(f"{'outcome':52} {'mean (pp)':>10} {'95% CI':>18} {'P(>1pp)':>8} {'P(>5pp)':>8}")
    for _, r in table.iterrows():
        print(f"{r.outcome:52} {r.mean_pp:10.3f} [{r.mean_low_pp:7.3f}, {r.mean_high_pp:7.3f}] "
              f"{r.p_gt_1pp:8.2f} {r.p_gt_5pp:8.2f}")
    for r in tip_rows:
        print(f"P(any Tier 2 country tips) {r['year']}: rule {r['p_any_treated']:.2f}, no rule {r['p_any_control']:.2f}")
    if lines:
        print(lines[0])
        print("  " + lines[1])
    print(f"tables, figures ({len(made)}) and provenance in {out}/")
    return table


if __name__ == "__main__":
    main()
