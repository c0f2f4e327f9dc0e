"""Equilibria against the network elasticity (configs/sweeps/bifurcation_reduced.yaml):

    PYTHONPATH=analysis /usr/bin/python3 scripts/bifurcation.py RESULTS.h5 [--out DIR]

For each value of `params.choice.gamma_net` and each start (the share of other countries'
installed base on the Chinese stack in January 2025), the Chinese share of Tier 2 new
compute in 2030 and of Tier 2 installed compute at the end of 2030: mean and 95% interval
(normal, over the replicates), in percent. Where the two starts' 2030 intervals of new
compute do not overlap, the start decides where the world ends up (two equilibria reached
by 2030, or one not yet reached); where they overlap, it does not. With --out, also writes
bifurcation.csv and the figure bifurcation.png/.pdf (new-compute share against gamma_net,
one line per start, 95% intervals as error bars).
"""
import argparse
import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "analysis"))

import pandas as pd  # noqa: E402

import tiersim  # noqa: E402

GAMMA = "params_choice_gamma_net"
START = "params_initial_cn_stack_share_other"
MEASURES = [("cn_share_new_t2_2030", "new compute 2030"), ("cn_share_installed_t2_2030", "installed end 2030")]


def table(runs: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for (gamma, start), g in runs.groupby([GAMMA, START]):
        row = {"gamma_net": gamma, "start": start, "replicates": len(g)}
        for measure, _ in MEASURES:
            v = 100 * g[measure].to_numpy(float)
            half = 1.96 * v.std(ddof=1) / math.sqrt(len(v)) if len(v) > 1 else float("nan")
            row[f"{measure}_pct"] = v.mean()
            row[f"{measure}_low"] = v.mean() - half
            row[f"{measure}_high"] = v.mean() + half
        rows.append(row)
    out = pd.DataFrame(rows).sort_values(["gamma_net", "start"]).reset_index(drop=True)
    return out


def apart(out: pd.DataFrame, measure="cn_share_new_t2_2030") -> pd.Series:
    """Per gamma_net: True where the lowest and the highest start's intervals do not overlap."""
    flags = {}
    for gamma, g in out.groupby("gamma_net"):
        lo, hi = g.iloc[0], g.iloc[-1]
        flags[gamma] = lo[f"{measure}_high"] < hi[f"{measure}_low"] or hi[f"{measure}_high"] < lo[f"{measure}_low"]
    return pd.Series(flags)


def figure(out: pd.DataFrame, path: Path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    for start, g in out.groupby("start"):
        y = g["cn_share_new_t2_2030_pct"]
        err = [y - g["cn_share_new_t2_2030_low"], g["cn_share_new_t2_2030_high"] - y]
        ax.errorbar(g["gamma_net"], y, yerr=err, marker="o", capsize=3,
                    label=f"start: {100 * start:g}% of installed base Chinese")
    ax.set_xlabel("network elasticity gamma_net (utils per log H100e)")
    ax.set_ylabel("Chinese share of Tier 2 new compute, 2030 (%)")
    ax.set_title("Equilibria against the network elasticity (no rule)")
    ax.legend(frameon=False)
    fig.tight_layout()
    for suffix in (".png", ".pdf"):
        fig.savefig(path.with_suffix(suffix), dpi=150)
    plt.close(fig)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("results")
    ap.add_argument("--out", type=Path, help="folder for bifurcation.csv and the figure")
    args = ap.parse_args(argv)
    runs = tiersim.runs_frame(tiersim.open(args.results))
    missing = [c for c in (GAMMA, START) + tuple(m for m, _ in MEASURES) if c not in runs.columns]
    if missing:
        sys.exit(f"{args.results}: not a bifurcation sweep (missing {', '.join(missing)})")
    out = table(runs)
    flags = apart(out)
    print(f"{'gamma_net':>9} {'start':>6} " + " ".join(f"{label:>28}" for _, label in MEASURES) + "  starts apart")
    for _, r in out.iterrows():
        cells = [f"{r[f'{m}_pct']:7.2f}% [{r[f'{m}_low']:.2f}, {r[f'{m}_high']:.2f}]" for m, _ in MEASURES]
        print(f"{r.gamma_net:9g} {r.start:6g} " + " ".join(f"{c:>28}" for c in cells) +
              f"  {'yes' if flags[r.gamma_net] else 'no'}")
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        out.to_csv(args.out / "bifurcation.csv", index=False)
        figure(out, args.out / "bifurcation")
    return out


if __name__ == "__main__":
    main()
