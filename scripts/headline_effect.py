"""The headline numbers of one or more binaries, side by side: what a change of the model
does to the answer (cited in the commit that makes the change).

    /usr/bin/python3 scripts/headline_effect.py --bin OLD --bin NEW [--sweep configs/sweeps/headline_reduced.yaml]

Runs the sweep with each binary and prints, per binary, the paired effect of the rule
(diffusion_rule minus no_controls, same seed and parameter draw) on the per-run summaries:
mean with a 95% bootstrap interval, and the means under each arm.
"""
import argparse
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "analysis"))

import subprocess  # noqa: E402

import numpy as np  # noqa: E402

from tiersim import claim  # noqa: E402
from tiersim.frames import runs_frame  # noqa: E402
from tiersim.io import open as open_results  # noqa: E402

ROWS = [
    ("cn_share_new_t2_2027", 100, "pp", "Chinese share of Tier 2 new compute 2027"),
    ("cn_share_new_t2_2030", 100, "pp", "Chinese share of Tier 2 new compute 2030"),
    ("cn_share_installed_t2_2030", 100, "pp", "Chinese share of Tier 2 installed compute end 2030"),
    ("tipped_t2_2030", 1, "countries", "Tier 2 countries tipped 2030"),
    ("unmet_t2", 1e-6, "M H100e", "Tier 2 demand unmet 2025-30"),
    ("us_vendor_revenue_t2", 1e-9, "USD bn", "US vendor revenue from Tier 2"),
    ("us_vendor_revenue", 1e-9, "USD bn", "US vendor revenue, all destinations"),
    ("us_vendor_revenue_to_2030", 1e-9, "USD bn", "US vendor revenue, all destinations, 2025-30"),
    ("t2_us_direct_to_2030", 1e-6, "M H100e", "Tier 2 demand served by US chips 2025-30"),
    ("t2_us_compliant_to_2030", 1e-6, "M H100e", "Tier 2 demand served by US compliant chips 2025-30"),
    ("t2_us_cloud_local_to_2030", 1e-6, "M H100e", "Tier 2 demand served by US cloud in country 2025-30"),
    ("t2_us_cloud_remote_to_2030", 1e-6, "M H100e", "Tier 2 demand served by US cloud remotely 2025-30"),
    ("t2_cn_to_2030", 1e-6, "M H100e", "Tier 2 demand served by Chinese chips or cloud 2025-30"),
    ("t2_unmet_to_2030", 1e-6, "M H100e", "Tier 2 demand unmet (abandoned + backlog) 2025-30"),
    ("cn_exports_t2_2025", 1, "H100e", "Chinese compute served to Tier 2 in 2025"),
    ("cn_via_t2_2027", 1e-6, "M H100e", "US compute reaching China through Tier 2 2025-27"),
    ("cn_via_t2_2030", 1e-6, "M H100e", "US compute reaching China through Tier 2 2025-30"),
]


def headline(binary, sweep, treated, control):
    with tempfile.TemporaryDirectory(prefix="tiersim-headline-") as tmp:
        out = Path(tmp) / "h.h5"
        proc = subprocess.run([binary, "sweep", "-q", str(sweep), "-o", str(out)], capture_output=True, text=True)
        if proc.returncode != 0:
            sys.exit(f"{binary}: sweep failed: {proc.stderr}")
        frame = runs_frame(open_results(out))
    rows = {}
    for key, scale, unit, label in ROWS:
        if key not in frame:
            continue
        pairs = claim.paired(frame, key, treated, control)
        d = pairs["diff"].to_numpy() * scale
        lo, hi = claim.bootstrap_ci(d)
        rows[key] = (label, unit, float(np.nanmean(d)), lo, hi, float(pairs["treated"].mean() * scale),
                     float(pairs["control"].mean() * scale))
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", action="append", required=True, help="tiersim binary (repeat to compare)")
    ap.add_argument("--sweep", default=str(REPO / "configs" / "sweeps" / "headline_reduced.yaml"))
    ap.add_argument("--treated", default="diffusion_rule")
    ap.add_argument("--control", default="no_controls")
    args = ap.parse_args()
    for binary in args.bin:
        print(f"== {binary}")
        for key, (label, unit, mean, lo, hi, t, c) in headline(binary, args.sweep, args.treated, args.control).items():
            print(f"  {label:<50} effect {mean:+10.3f} [{lo:+.3f}, {hi:+.3f}] {unit:<9} "
                  f"(rule {t:.3f}, no rule {c:.3f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
