"""The residue of a temporary rule (configs/sweeps/hysteresis_reduced.yaml):

    PYTHONPATH=analysis /usr/bin/python3 scripts/hysteresis.py RESULTS.h5

For each parameter point, the paired effect (same seed, minus `no_controls`) of the rule
lifted after 2027 (`rule_2025_27`) and of the rule kept (`diffusion_rule`) on the Chinese
share of Tier 2 new compute in 2027 and 2030 and of Tier 2 installed compute at the end of
2030: mean and 95% interval (normal, over the replicates), in percentage points. The
residue is the lifted rule's 2030 effect.
"""
import argparse
import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "analysis"))

import tiersim  # noqa: E402
from tiersim import claim  # noqa: E402

MEASURES = [("cn_share_new_t2_2027", "new compute 2027"), ("cn_share_new_t2_2030", "new compute 2030"),
            ("cn_share_installed_t2_2030", "installed end 2030")]
ARMS = ["rule_2025_27", "diffusion_rule"]
AXES = ["params_china_chips_limit_scale", "params_china_chips_export_weight"]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("results")
    args = ap.parse_args()
    runs = tiersim.runs_frame(tiersim.open(args.results))
    missing = [c for c in AXES if c not in runs.columns] + [a for a in ARMS + ["no_controls"]
                                                             if a not in set(runs["scenario"])]
    if missing:
        sys.exit(f"{args.results}: not a hysteresis sweep (missing {', '.join(missing)})")
    points = runs.groupby("point")[AXES].first()
    print(f"{'point':>24} {'arm':>15} " + " ".join(f"{label:>24}" for _, label in MEASURES))
    for point, axes in points.iterrows():
        name = f"limits x{axes.iloc[0]:g}, export {axes.iloc[1]:g}"
        for arm in ARMS:
            cells = []
            for measure, _ in MEASURES:
                d = claim.paired(runs[runs["point"] == point], measure, arm, "no_controls")["diff"].to_numpy() * 100
                half = 1.96 * d.std(ddof=1) / math.sqrt(len(d))
                cells.append(f"{d.mean():+7.2f} [{d.mean() - half:+.2f}, {d.mean() + half:+.2f}]")
            print(f"{name:>24} {arm:>15} " + " ".join(f"{c:>24}" for c in cells))


if __name__ == "__main__":
    main()
