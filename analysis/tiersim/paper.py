"""Rebuild every table and figure of a paired sweep, ready for a journal.

    PYTHONPATH=analysis /usr/bin/python3 -m tiersim.paper results/headline.h5 [--out results/paper]
        [--treated diffusion_rule] [--control no_controls]

Compares any two scenarios the sweep pairs (`pair_with`; default: the January 2025 rule,
`diffusion_rule`, against `no_controls`, as in configs/sweeps/headline.yaml). Writes into
--out: claim.csv/.tex (effect on the Chinese share of Tier 2 compute), tipping.csv,
countries.csv/.tex (the countries Microsoft named), us_side.csv/.tex (effect on total US
vendor revenue and on where Tier 2 demand goes: US chips, US cloud in the country or remote,
Chinese, unmet), to_china.csv/.tex (effect on US compute reaching China through Tier 2:
chips re-exported and US cloud rented), discovery.txt (where the effect is
large), sensitivity.csv/.tex, figures fig*.png and fig*.pdf in one style with readable
names and 95% intervals on every estimate, skipped.txt (what was left out, and why) and
provenance.json (sweep hash, tiersim version and git SHA for every file). Intervals of
effects are BCa bootstrap intervals (scipy.stats.bootstrap). Prints the claim table.
Bad input (a file that is not a sweep, a scenario the sweep lacks) is one line on stderr
and exit code 2.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
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

#: Names for readers; scenarios not listed keep their config name.
SCENARIO_LABELS = {
    "diffusion_rule": "AI Diffusion rule (Jan 2025)",
    "no_controls": "No export controls",
    "history_2025": "Controls as in 2025",
    "microsoft_proposal": "Microsoft's proposal",
    "strict": "Strict controls",
    "retaliation": "Rule with Chinese retaliation",
}
#: Short names for the swept parameters; others fall back to the parameter table's meaning
#: (the variable's long_name), then to the config key.
PARAMETER_LABELS = {
    "params.china.output_scale": "Chinese output scale",
    "params.china.export_share": "Share of Chinese output exported",
    "params.china.quality_0": "Chinese chip quality, 2025",
    "params.china.price_ratio": "Chinese price relative to US",
    "params.china.cloud_share_of_host_demand": "Chinese cloud share of host demand",
    "params.choice.s_train": "Sovereignty weight, training",
    "params.choice.s_infer": "Sovereignty weight, inference",
    "params.vendors.growth_first": "US vendor output growth, 2025-26",
    "params.expectations.announce_shock": "Announcement shock to expectations",
    "params.demand.national_project_share": "National-project share of demand",
    "params.stance.j_peer": "Peer effect on national stance",
}
#: One style for every figure.
STYLE = {"font.size": 9, "axes.titlesize": 9, "axes.labelsize": 9, "legend.fontsize": 8,
         "xtick.labelsize": 8, "ytick.labelsize": 8, "axes.spines.top": False, "axes.spines.right": False,
         "figure.dpi": 100, "savefig.dpi": 300, "font.family": "DejaVu Sans", "pdf.fonttype": 42}
COLORS = {"treated": "#b2182b", "control": "#2166ac", "neutral": "#4d4d4d", "accent": "#762a83"}


class BadInput(Exception):
    """A mistake of the user's (file, scenario): reported as one line, exit code 2."""


def scenario_label(name):
    return SCENARIO_LABELS.get(name, name)


def parameter_label(ds, variable):
    path = ds[variable].attrs.get("config_path", variable)
    if path in PARAMETER_LABELS:
        return PARAMETER_LABELS[path]
    doc = ds[variable].attrs.get("long_name", "")
    return doc[:1].upper() + doc[1:] if doc and not doc.startswith("swept parameter") else path


def parameter_names(ds):
    return parameter_variables(ds)


class Report:
    """The pipeline's choices: the scenario pair, and what it left out and why."""

    def __init__(self, treated, control):
        self.treated, self.control = treated, control
        self.skipped = []

    def skip(self, what, why):
        self.skipped.append(f"{what}: {why}")


def claim_table(frame, report):
    rows = []
    for key, label in OUTCOMES:
        if key not in frame:
            report.skip(f"claim outcome {key}", "not recorded in this sweep (a summary of the diffusion model)")
            continue
        pairs = claim.paired(frame, key, report.treated, report.control)
        s = claim.summarise_effect(pairs["diff"].to_numpy(), key)
        rows.append({"outcome": label, "variable": key, **{k: v for k, v in s.row().items() if k != "outcome"},
                     "treated_mean_pct": 100 * pairs["treated"].mean(), "control_mean_pct": 100 * pairs["control"].mean()})
    return pd.DataFrame(rows)


def us_side_table(frame, report, outcomes=claim.US_OUTCOMES, what="US-side outcome"):
    """The rule's effect on the US side (`claim.US_OUTCOMES`, or other `outcomes` of the same
    form) in their own units: mean paired difference with a 95% BCa bootstrap interval, and
    both arms' means."""
    rows = []
    for key, _, label, scale, unit in outcomes:
        if key not in frame:
            report.skip(f"{what} {key}", "not recorded in this sweep (a summary of the diffusion model)")
            continue
        pairs = claim.paired(frame, key, report.treated, report.control)
        d = pairs["diff"].to_numpy() * scale
        low, high = claim.bootstrap_ci(d)
        rows.append({"outcome": label, "variable": key, "unit": unit, "n": int(np.isfinite(d).sum()),
                     "mean": float(np.nanmean(d)), "low": low, "high": high,
                     "treated_mean": float(pairs["treated"].mean() * scale),
                     "control_mean": float(pairs["control"].mean() * scale)})
    return pd.DataFrame(rows)


def country_effects(ds, frame, report, countries=claim.MICROSOFT_COUNTRIES, years=(2027, 2030)):
    """Paired effect on each country's Chinese share of new compute in the given years."""
    if "served_cn" not in ds or "served_total" not in ds:
        report.skip("per-country effects (countries.csv, fig3)", "served_cn and served_total are not recorded")
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
            report.skip(f"per-country effects in {year}", "the sweep's calendar does not reach that year")
            continue
        share = (cn.sum(tdim) / tot.sum(tdim)).reset_coords(drop=True).to_pandas()
        for c in countries:
            if c not in share.columns:
                continue
            f = frame.assign(share=share[c].reindex(frame.index).values)
            pairs = claim.paired(f, "share", report.treated, report.control)
            d = pairs["diff"].dropna().to_numpy()
            if d.size == 0:
                continue
            lo, hi = claim.bootstrap_ci(d)
            out.append({"country": c, "year": year, "n": d.size, "mean_pp": 100 * d.mean(), "low_pp": 100 * lo,
                        "high_pp": 100 * hi, "p_gt_1pp": float(np.mean(d > 0.01)),
                        "treated_mean_pct": 100 * pairs["treated"].mean(), "control_mean_pct": 100 * pairs["control"].mean()})
    return pd.DataFrame(out)


def paired_with_parameters(frame, params, report, outcome=HEADLINE):
    pairs = claim.paired(frame, outcome, report.treated, report.control)
    treated = frame[frame.scenario == report.treated].set_index(["point", "replicate"])
    return pairs.join(treated[params])


def rank_regression(x: pd.DataFrame, y):
    """Standardised rank regression coefficients (for Latin-hypercube designs) and R^2."""
    rx = x.rank().to_numpy(float)
    ry = pd.Series(y).rank().to_numpy(float)
    sd = rx.std(0)
    rx = (rx - rx.mean(0)) / np.where(sd > 0, sd, 1.0)
    ry = (ry - ry.mean()) / (ry.std() or 1.0)
    design = np.column_stack([np.ones(len(ry)), rx])
    coef, *_ = np.linalg.lstsq(design, ry, rcond=None)
    r2 = 1 - np.sum((ry - design @ coef) ** 2) / max(np.sum((ry - ry.mean()) ** 2), 1e-300)
    return coef[1:], r2


def srrc_table(x: pd.DataFrame, y, n_boot=500, level=0.95, seed=0):
    """SRRC per parameter with a bootstrap interval (runs resampled with their parameters;
    percentile interval: the SRRC of one resample needs the whole regression, and is close
    to symmetric)."""
    if len(y) <= x.shape[1] + 1:
        raise ValueError(f"the SRRC needs more design points ({len(y)}) than parameters plus one ({x.shape[1] + 1})")
    coef, r2 = rank_regression(x, y)
    rng = np.random.default_rng(seed)
    y = np.asarray(y, float)
    boots = np.array([rank_regression(x.iloc[idx], y[idx])[0]
                      for idx in (rng.integers(0, len(y), len(y)) for _ in range(n_boot))])
    q = [(1 - level) / 2 * 100, (1 + level) / 2 * 100]
    low, high = np.nanpercentile(boots, q, axis=0)
    table = pd.DataFrame({"srrc": coef, "srrc_low": low, "srrc_high": high}, index=pd.Index(x.columns, name="parameter"))
    return table.reindex(table.srrc.abs().sort_values(ascending=False).index), r2


def sensitivity_table(ds, frame, params, report):
    """Sensitivity of the headline effect: Sobol or Morris for those designs, SRRC otherwise.
    Returns (table, method, column, low column, high column)."""
    kind = ds.attrs.get("design_kind", "")
    joined = paired_with_parameters(frame, params, report)
    if kind not in ("sobol", "morris"):
        table, r2 = srrc_table(joined[params], joined["diff"].to_numpy())
        return table, f"SRRC (rank R\u00b2 = {r2:.2f})", "srrc", "srrc_low", "srrc_high"
    diff = joined["diff"].sort_index(level="point").to_numpy()
    k = len(params)
    if kind == "sobol":
        n = diff.size // (k + 2)
        y = diff.reshape(n, k + 2)  # per sample: A, AB_1..AB_k, B (docs/output-format.md)
        res = sensitivity.sobol_indices(y[:, 0], y[:, -1], y[:, 1:-1].T, names=params)
        return res.table(), "total Sobol index", "ST", "ST_low", "ST_high"
    x = joined[params].sort_index(level="point").to_numpy(float)
    lo, hi = x.min(0), x.max(0)
    unit = (x - lo) / np.where(hi > lo, hi - lo, 1.0)
    r = diff.size // (k + 1)
    res = sensitivity.morris_effects(unit, diff, r, names=params)
    return res.table(), "Morris \u03bc*", "mu_star", "mu_star_low", "mu_star_high"


def _tex(text) -> str:
    return (str(text).replace("\\", r"\textbackslash{}").replace("&", r"\&").replace("%", r"\%")
            .replace("_", r"\_").replace("#", r"\#").replace("\u00b2", r"$^2$").replace("\u03bc", r"$\mu$"))


def latex_table(rows, headers, caption, align=None, label=None) -> str:
    """A booktabs table: `rows` are lists of cells already formatted as text, `headers` the
    column headings (escaped here, as the cells are). Needs \\usepackage{booktabs}."""
    align = align or "l" + "r" * (len(headers) - 1)
    lines = [r"\begin{table}[ht]", r"\centering", rf"\caption{{{_tex(caption)}}}"]
    if label:
        lines.append(rf"\label{{{label}}}")
    lines += [rf"\begin{{tabular}}{{{align}}}", r"\toprule", " & ".join(_tex(h) for h in headers) + r" \\",
              r"\midrule"]
    lines += [" & ".join(_tex(c) for c in row) + r" \\" for row in rows]
    lines += [r"\bottomrule", r"\end{tabular}", r"\end{table}", ""]
    return "\n".join(lines)


def _num(v, digits=2):
    return "--" if v is None or not np.isfinite(v) else f"{v:.{digits}f}"


def _ci(lo, hi, digits=2):
    return f"[{_num(lo, digits)}, {_num(hi, digits)}]"


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


def _mean_ci_rows(values: pd.DataFrame):
    """Mean over runs (rows) of each column with its BCa interval: columns mean, low, high."""
    out = [(c, values[c].mean(), *claim.bootstrap_ci(values[c].to_numpy())) for c in values.columns]
    return pd.DataFrame(out, columns=["name", "mean", "low", "high"]).set_index("name")


def error_bars(center, low, high):
    """Error-bar lengths below and above `center` for an interval [low, high]. A bootstrap
    interval need not contain the point estimate (percentile intervals of skewed statistics,
    BCa near a bound); the bar then stops at the estimate instead of pointing backwards."""
    center, low, high = (np.asarray(v, float) for v in (center, low, high))
    return [np.clip(center - low, 0, None), np.clip(high - center, 0, None)]


def figures(ds, frame, countries, sens, out: Path, prov: Provenance, report: Report):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    made = []
    treated, control = scenario_label(report.treated), scenario_label(report.control)

    def save(fig, name, title):
        for ext in ("png", "pdf"):
            path = out / f"{name}.{ext}"
            fig.savefig(path, bbox_inches="tight", metadata=prov.metadata(title) if ext == "pdf" else
                        {"Title": title, "Description": prov.metadata(title)["Subject"]})
            prov.add(path, title)
        plt.close(fig)
        made.append(name)

    with plt.rc_context(STYLE):
        # 1. Chinese share of Tier 2 new compute over time, by scenario (12-month mean):
        # median with the interquartile range, in two panels so that the bands do not blur.
        if "cn_share_new_tier" in ds:
            fig, axes = plt.subplots(1, 2, figsize=(6.5, 2.8), sharey=True)
            for ax, scen, color in zip(axes, (report.treated, report.control), (COLORS["treated"], COLORS["control"])):
                runs = frame.index[frame.scenario == scen].values
                s = ds.cn_share_new_tier.sel(run=runs, tier=2).rolling(time=12, min_periods=1).mean() * 100
                q = s.quantile([0.25, 0.5, 0.75], dim="run")
                t = s.time.values
                ax.fill_between(t, q.sel(quantile=0.25), q.sel(quantile=0.75), color=color, alpha=0.25, lw=0,
                                label="interquartile range")
                ax.plot(t, q.sel(quantile=0.5), color=color, lw=1.8, label="median")
                ax.set_title(f"{scenario_label(scen)} ({len(runs)} runs)")
                ax.legend(frameon=False, loc="upper left")
            axes[0].set_ylabel("Chinese share of Tier 2\nnew compute (%, 12-month mean)")
            fig.autofmt_xdate()
            save(fig, "fig1_share_over_time", "Chinese share of Tier 2 new AI compute by scenario")
        else:
            report.skip("fig1 (share over time)", "cn_share_new_tier (cn_share_new at level tier) is not recorded")

        # 2. Distribution of the paired effect: the same bins for both years, one panel each.
        effects = [(key, label, 100 * claim.paired(frame, key, report.treated, report.control)["diff"].to_numpy())
                   for key, label in OUTCOMES[:2] if key in frame]
        if effects:
            values = np.concatenate([d[np.isfinite(d)] for _, _, d in effects])
            bins = np.histogram_bin_edges(values, bins=30) if values.size and np.ptp(values) > 0 else 10
            fig, axes = plt.subplots(len(effects), 1, figsize=(6.5, 1.9 * len(effects) + 0.6), sharex=True,
                                     squeeze=False)
            for ax, (key, label, d) in zip(axes[:, 0], effects):
                s = claim.summarise_effect(d / 100, key)
                ax.hist(d, bins=bins, color=COLORS["neutral"], alpha=0.8)
                ax.axvline(0, color="black", lw=0.8)
                ax.axvline(100 * s.mean, color=COLORS["treated"], lw=1.2,
                           label=f"mean {100 * s.mean:.2f} pp, 95% CI {_ci(100 * s.mean_ci[0], 100 * s.mean_ci[1])}")
                ax.axvline(100 * s.median, color=COLORS["control"], lw=1.2, ls="--",
                           label=f"median {100 * s.median:.2f} pp, 95% CI {_ci(100 * s.median_ci[0], 100 * s.median_ci[1])}")
                ax.set_title(label.replace("Chinese share of ", "Effect on the Chinese share of "), loc="left")
                ax.set_ylabel("paired runs")
                ax.legend(frameon=False, loc="upper right")
            axes[-1, 0].set_xlabel(f"{treated} minus {control} (percentage points, paired runs)")
            save(fig, "fig2_effect_distribution", "Distribution of the paired effect")
        else:
            report.skip("fig2 (effect distribution)", "neither cn_share_new_t2_2027 nor _2030 is recorded")

        # 3. Per-country effects (the countries Microsoft named), last year, with BCa intervals.
        if not countries.empty:
            c = countries[countries.year == countries.year.max()].sort_values("mean_pp")
            fig, ax = plt.subplots(figsize=(6.5, 3.2))
            y = np.arange(len(c))
            ax.errorbar(c.mean_pp, y, xerr=error_bars(c.mean_pp, c.low_pp, c.high_pp), fmt="o",
                        color=COLORS["treated"], ecolor="black", elinewidth=1, capsize=2)
            ax.set_yticks(y, c.country)
            ax.axvline(0, color="black", lw=0.8)
            ax.set_xlabel(f"Effect on the Chinese share of new compute, {int(c.year.max())}\n"
                          f"({treated} minus {control}; pp, mean and 95% BCa CI)")
            save(fig, "fig3_country_effects", "Effect in the countries Microsoft named")

        # 4. Sensitivity of the headline effect, with its interval.
        table, method, col, low, high = sens
        if len(table):
            fig, ax = plt.subplots(figsize=(6.5, 0.3 * len(table) + 1.2))
            t = table.iloc[::-1]
            y = np.arange(len(t))
            ax.barh(y, t[col], color=COLORS["control"], alpha=0.8)
            ax.errorbar(t[col], y, xerr=error_bars(t[col], t[low], t[high]), fmt="none", ecolor="black", lw=1,
                        capsize=2)
            ax.set_yticks(y, [parameter_label(ds, p) for p in t.index])
            ax.axvline(0, color="black", lw=0.8)
            ax.set_xlabel(f"{method} of the effect on the Chinese share of Tier 2 new compute, 2030\n"
                          f"({treated} minus {control}; 95% bootstrap CI)")
            save(fig, "fig4_sensitivity", f"Sensitivity of the 2030 effect ({method})")

        # 5. Cap usage by country under the treated scenario, end of 2027: mean over runs, BCa CI.
        if "cap_used" in ds and "cap_remaining" in ds:
            runs = frame.index[frame.scenario == report.treated].values
            tdim = ds.cap_used.dims[1]
            sel = ds[tdim].dt.year == 2027
            if int(sel.sum()) == 0:
                report.skip("fig5 (cap usage)", "the sweep's calendar does not reach 2027")
            else:
                used = ds.cap_used.sel(run=runs).isel({tdim: sel}).isel({tdim: -1})
                rem = ds.cap_remaining.sel(run=runs).isel({tdim: sel}).isel({tdim: -1})
                share = (100 * used / (used + rem)).reset_coords(drop=True).to_pandas().dropna(axis=1, how="all")
                if share.empty:
                    report.skip("fig5 (cap usage)", f"no country has a cap under {report.treated}")
                else:
                    stats = _mean_ci_rows(share).sort_values("mean", ascending=False).head(20).iloc[::-1]
                    fig, ax = plt.subplots(figsize=(6.5, 0.22 * len(stats) + 1.0))
                    y = np.arange(len(stats))
                    ax.barh(y, stats["mean"], color=COLORS["accent"], alpha=0.8)
                    ax.errorbar(stats["mean"], y, xerr=error_bars(stats["mean"], stats.low, stats.high),
                                fmt="none", ecolor="black", lw=1, capsize=2)
                    ax.set_yticks(y, stats.index)
                    ax.set_xlabel(f"Share of the cap released by end 2027 that was used\n"
                                  f"({treated}; %, mean over runs and 95% BCa CI)")
                    save(fig, "fig5_cap_usage", "Cap usage by country, end 2027")
        else:
            report.skip("fig5 (cap usage)", "cap_used and cap_remaining are not recorded")
    return made


def write_us_side(us, out, prov, report, name="us_side",
                  caption="Effect on US vendor revenue and on where Tier 2 demand goes", what="US side"):
    if us.empty:
        return
    pair = f"{scenario_label(report.treated)} minus {scenario_label(report.control)}"
    us.to_csv(out / f"{name}.csv", index=False)
    rows = [[r.outcome, r.unit, f"{r.n:d}", _num(r.mean), _ci(r.low, r.high), _num(r.treated_mean),
             _num(r.control_mean)] for r in us.itertuples()]
    (out / f"{name}.tex").write_text(latex_table(
        rows, ["Outcome", "Unit", "Pairs", "Mean effect", "95% CI", scenario_label(report.treated),
               scenario_label(report.control)],
        f"{caption} ({pair}, paired runs); 95% BCa bootstrap intervals", label=f"tab:{name}"))
    prov.add(out / f"{name}.csv", what)
    prov.add(out / f"{name}.tex", what)


def write_tables(table, countries, sens, ds, out, prov, report):
    pair = f"{scenario_label(report.treated)} minus {scenario_label(report.control)}"
    table.to_csv(out / "claim.csv", index=False)
    rows = [[r.outcome, f"{r.n:d}", _num(r.mean_pp), _ci(r.mean_low_pp, r.mean_high_pp), _num(r.median_pp),
             _ci(r.median_low_pp, r.median_high_pp), _num(r.p_gt_1pp), _num(r.p_gt_5pp)] for r in table.itertuples()]
    (out / "claim.tex").write_text(latex_table(
        rows, ["Outcome", "Pairs", "Mean (pp)", "95% CI", "Median (pp)", "95% CI", "P(> 1 pp)", "P(> 5 pp)"],
        f"Effect on the Chinese share of Tier 2 compute ({pair}, paired runs); 95% BCa bootstrap intervals",
        label="tab:claim"))
    prov.add(out / "claim.csv", "claim test")
    prov.add(out / "claim.tex", "claim test")
    if not countries.empty:
        countries.to_csv(out / "countries.csv", index=False)
        rows = [[r.country, f"{r.year:d}", _num(r.mean_pp), _ci(r.low_pp, r.high_pp), _num(r.p_gt_1pp)]
                for r in countries.itertuples()]
        (out / "countries.tex").write_text(latex_table(
            rows, ["Country", "Year", "Mean effect (pp)", "95% CI", "P(> 1 pp)"],
            f"Effect on the Chinese share of new compute in the countries Microsoft named ({pair})",
            label="tab:countries"))
        prov.add(out / "countries.csv", "per-country effects")
        prov.add(out / "countries.tex", "per-country effects")
    stable, method, col, low, high = sens
    if len(stable):
        stable.to_csv(out / "sensitivity.csv")
        rows = [[parameter_label(ds, p), _num(r[col]), _ci(r[low], r[high])] for p, r in stable.iterrows()]
        (out / "sensitivity.tex").write_text(latex_table(
            rows, ["Parameter", method, "95% CI"],
            f"Sensitivity of the effect on the Chinese share of Tier 2 new compute in 2030 ({pair})",
            label="tab:sensitivity"))
        prov.add(out / "sensitivity.csv", method)
        prov.add(out / "sensitivity.tex", method)


def run(args):
    src = Path(args.sweep)
    try:
        ds = open_results(src)
    except (OSError, ValueError) as e:
        raise BadInput(str(e)) from None
    report = Report(args.treated, args.control)
    scen = sorted(set(np.unique(ds.scenario.values))) if "scenario" in ds else []
    missing = [s for s in (report.treated, report.control) if s not in scen]
    if missing:
        raise BadInput(f"{src}: no runs of scenario {', '.join(map(repr, missing))}; this sweep pairs "
                       f"{', '.join(map(repr, [s for s in scen if s])) or 'no scenarios'} (pair_with)")
    if report.treated == report.control:
        raise BadInput("--treated and --control name the same scenario")
    if HEADLINE not in ds:
        raise BadInput(f"{src}: no summary {HEADLINE!r}; the paper pipeline needs a sweep of the diffusion model")
    out = Path(args.out) if args.out else src.parent / "paper"
    out.mkdir(parents=True, exist_ok=True)
    frame = runs_frame(ds)
    dropped = int(ds.sizes["run"] - len(frame))
    if dropped:
        report.skip(f"{dropped} runs", "not done (failed or pending; run_status != 1)")
    params = parameter_names(ds)
    prov = Provenance(ds, src)

    table = claim_table(frame, report)
    us = us_side_table(frame, report)
    to_china = us_side_table(frame, report, claim.LEAKAGE_OUTCOMES, "leakage outcome")
    tip_rows = []
    for year in (2027, 2030):
        key = f"tipped_t2_{year}"
        if key in frame:
            pairs = claim.paired(frame, key, report.treated, report.control)
            t = claim.tipping(pairs["treated"], pairs["control"])
            tip_rows.append({"year": year, **{k: v for k, v in t.items() if k != "distribution"}})
        else:
            report.skip(f"tipping in {year}", f"{key} is not recorded")
    pd.DataFrame(tip_rows).to_csv(out / "tipping.csv", index=False)
    prov.add(out / "tipping.csv", "tipping")
    countries = country_effects(ds, frame, report)

    lines = []
    sens = (pd.DataFrame(), "", "", "", "")
    if params:
        joined = paired_with_parameters(frame, params, report)
        x = joined[params].rename(columns=lambda p: ds[p].attrs.get("config_path", p))
        large = joined["diff"].to_numpy() > args.threshold_pp / 100
        rule = f"effect > {args.threshold_pp:g} pp"
        if large.sum() < 5:
            large = joined["diff"].to_numpy() >= np.quantile(joined["diff"], 0.9)
            rule = "effect in the top decile of runs"
        box, _ = discovery.prim(x, large, min_density=0.8)
        lines += [f"Scenario discovery ({rule}; {int(large.sum())} of {len(large)} paired runs):",
                  "PRIM box: " + box.describe(), "", "Shallow tree (leaves by share of such runs):"]
        lines += [f"  {d:5.2f} of {s:5.1%} of runs: {r}" for r, s, d in discovery.tree_rules(x, large)]
        try:
            sens = sensitivity_table(ds, frame, params, report)
        except ValueError as e:
            report.skip("sensitivity (fig4)", str(e))
    else:
        report.skip("scenario discovery, sensitivity (fig4)", "the sweep varies no parameter")
    (out / "discovery.txt").write_text("\n".join(lines) + "\n")
    prov.add(out / "discovery.txt", "scenario discovery")
    write_tables(table, countries, sens, ds, out, prov, report)
    write_us_side(us, out, prov, report)
    write_us_side(to_china, out, prov, report, "to_china",
                  "Effect on US compute reaching China through Tier 2 (chips re-exported, US cloud rented)",
                  "compute reaching China")

    made = figures(ds, frame, countries, sens, out, prov, report)
    (out / "skipped.txt").write_text("".join(f"{s}\n" for s in report.skipped) or "nothing\n")
    prov.add(out / "skipped.txt", "what was left out, and why")
    (out / "provenance.json").write_text(json.dumps(prov.files, indent=1))

    treated_runs = frame[frame.scenario == report.treated]
    points, reps = treated_runs.point.nunique(), treated_runs.replicate.nunique()
    pairs = int(claim.paired(frame, HEADLINE, report.treated, report.control).shape[0])
    print(f"Claim test: effect of {scenario_label(report.treated)} ({report.treated}) against "
          f"{scenario_label(report.control)} ({report.control}), paired runs: {pairs} pairs "
          f"({points} design points x {reps} replicates), design {ds.attrs.get('design_kind', '?')}")
    print(f"{'outcome':52} {'mean (pp)':>10} {'95% CI (BCa)':>18} {'P(>1pp)':>8} {'P(>5pp)':>8}")
    for _, r in table.iterrows():
        print(f"{r.outcome:52} {r.mean_pp:10.3f} [{r.mean_low_pp:7.3f}, {r.mean_high_pp:7.3f}] "
              f"{r.p_gt_1pp:8.2f} {r.p_gt_5pp:8.2f}")
    for r in us.itertuples():
        print(f"{r.outcome:52} {r.mean:+10.3f} [{r.low:+8.3f}, {r.high:+8.3f}] {r.unit}")
    for r in tip_rows:
        print(f"P(any Tier 2 country tips) {r['year']}: {report.treated} {r['p_any_treated']:.2f}, "
              f"{report.control} {r['p_any_control']:.2f}")
    if lines:
        print(lines[0])
        print("  " + lines[1])
    for s in report.skipped:
        print(f"skipped: {s}")
    print(f"tables, figures ({len(made)}) and provenance in {out}/")
    return table


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("sweep", help="sweep result file whose pair_with scenarios include --treated and --control")
    ap.add_argument("--out", default=None, help="output folder (default: paper/ next to the sweep)")
    ap.add_argument("--treated", default=TREATED, help=f"scenario with the policy (default {TREATED})")
    ap.add_argument("--control", default=CONTROL, help=f"counterfactual scenario (default {CONTROL})")
    ap.add_argument("--threshold-pp", type=float, default=1.0,
                    help="effect size (pp) that counts as 'large' for scenario discovery")
    args = ap.parse_args(argv)
    try:
        return run(args)
    except BadInput as e:
        print(f"tiersim.paper: error: {e}", file=sys.stderr)
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
