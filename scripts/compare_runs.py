"""Print the per-run summaries of two tiersim result files side by side.

    compare_runs.py A.h5 B.h5 [--names A B]

Used by ./run.sh for the paired comparison diffusion_rule vs no_controls (same seed).
"""
import argparse
import sys

import h5py
import numpy as np

ROWS = [
    ("cn_share_new_t2_2025", "Chinese share of Tier 2 new compute, 2025", "pct"),
    ("cn_share_new_t2_2027", "Chinese share of Tier 2 new compute, 2027", "pct"),
    ("cn_share_new_t2_2030", "Chinese share of Tier 2 new compute, 2030", "pct"),
    ("cn_share_installed_t2_2027", "Chinese share of Tier 2 installed compute, end 2027", "pct"),
    ("cn_share_installed_t2_2030", "Chinese share of Tier 2 installed compute, end 2030", "pct"),
    ("tipped_t2_2030", "Tier 2 countries > 50% Chinese (new compute, 2030)", "count"),
    ("cn_exports_t2_2025", "Chinese compute served to Tier 2 in 2025 (H100e)", "num"),
    ("unmet_t2", "Tier 2 demand unmet, 2025-2030 (H100e)", "num"),
    ("us_vendor_revenue_t2", "US vendor revenue from Tier 2 (USD bn)", "bn"),
]


def read(path):
    with h5py.File(path, "r") as f:
        if f.attrs.get("tiersim_format") not in (b"tiersim-output", "tiersim-output"):
            sys.exit(f"{path}: not a tiersim result file")
        return {name: float(f[name][0]) for name, _, _ in ROWS if name in f}, f.attrs["seed"]


def fmt(value, kind):
    if np.isnan(value):
        return "n/a"
    if kind == "pct":
        return f"{100 * value:.3f}%"
    if kind == "count":
        return f"{value:.0f}"
    if kind == "bn":
        return f"{value / 1e9:.1f}"
    return f"{value:,.0f}"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("a")
    ap.add_argument("b")
    ap.add_argument("--names", nargs=2, default=None)
    args = ap.parse_args()
    (ra, seed_a), (rb, seed_b) = read(args.a), read(args.b)
    na, nb = args.names or (args.a, args.b)
    width = max(len(label) for _, label, _ in ROWS)
    print(f"paired comparison, seed {seed_a}" + ("" if seed_a == seed_b else f" / {seed_b} (NOT paired)"))
    print(f"{'':{width}}  {na:>14}  {nb:>14}  {'difference':>12}")
    for name, label, kind in ROWS:
        if name not in ra or name not in rb:
            continue
        diff = ra[name] - rb[name]
        d = f"{100 * diff:+.3f} pp" if kind == "pct" else ("" if np.isnan(diff) else f"{diff:+,.0f}" if kind != "bn" else f"{diff / 1e9:+.1f}")
        print(f"{label:{width}}  {fmt(ra[name], kind):>14}  {fmt(rb[name], kind):>14}  {d:>12}")


if __name__ == "__main__":
    main()
