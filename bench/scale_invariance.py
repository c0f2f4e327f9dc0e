"""Scale invariance at sizes CI cannot afford (docs/validation.md, "Scale"):

    /usr/bin/python3 bench/scale_invariance.py [--tiersim build/release/tiersim] [--agents 10000,100000,1000000]
        [--replicates 20] [--set KEY=VALUE ...]

Runs the sweep of tests/statistical/test_scale_invariance.py (the same parameter point,
paired diffusion_rule / no_controls, 36 months, 1e5 consignees) at each agent count and prints
Tier 2 cap use by Dec 2027 and the effect on the Chinese share of Tier 2 new compute 2027
(mean and standard error over the replicates), and whether each agent count agrees with
the largest within 2 standard errors. 1e6 agents x 20 replicates x 2 arms take about 5
minutes on 2 cores with a Release build.
"""
import argparse
import math
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "tests" / "support"), str(REPO / "tests" / "statistical")]

import test_scale_invariance as scale  # noqa: E402  (the test's sweep, point and statistics)
from tiersim import claim  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tiersim", default=str(REPO / "build" / "release" / "tiersim"))
    ap.add_argument("--agents", default="10000,100000,1000000")
    ap.add_argument("--replicates", type=int, default=20)
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                    help="a further parameter for every run (e.g. projects.behaviour=adaptive)")
    args = ap.parse_args()
    agents = tuple(int(a) for a in args.agents.split(","))
    if not Path(args.tiersim).exists():
        sys.exit(f"bench/scale_invariance.py: no binary at {args.tiersim}; build it with "
                 "cmake --preset release && cmake --build --preset release")
    scale.REPLICATES = args.replicates
    extra = {"params.scale.consignees_total": 100000}
    for item in args.set:
        key, sep, value = item.partition("=")
        if not sep or not key:
            sys.exit(f"bench/scale_invariance.py: --set {item!r}: expected KEY=VALUE")
        extra[key if key.startswith(("params.", "calendar.")) else "params." + key] = value
    with tempfile.TemporaryDirectory() as tmp:
        start = time.monotonic()
        runs = scale.sweep(str(Path(args.tiersim).resolve()), Path(tmp), "scale", extra, agents)
        seconds = time.monotonic() - start
    cap = scale.by_scale(runs[runs["scenario"] == "diffusion_rule"], "cap_used_t2")
    effect = claim.paired(runs, "cn_share_new_t2_2027", "diffusion_rule", "no_controls")
    effect = scale.by_scale(effect.join(runs.groupby(["point", "replicate"])["params_scale_buyers_total"].first()),
                            "diff")
    largest = agents[-1]
    print(f"{len(runs)} runs in {seconds:.0f} s ({args.tiersim})")
    print(f"{'agents':>9} {'cap use Dec 2027 (H100e)':>28} {'effect 2027 (pp)':>20}  within 2 SE of {largest}")
    for n in agents:
        agree = []
        for stats in (cap, effect):
            (m1, s1), (m2, s2) = stats[n], stats[largest]
            agree.append(abs(m1 - m2) <= 2 * math.hypot(s1, s2))
        print(f"{n:>9} {cap[n][0]:>16,.0f} ± {cap[n][1]:>9,.0f} {100 * effect[n][0]:>10.2f} ± {100 * effect[n][1]:.2f}"
              f"  cap {'yes' if agree[0] else 'NO'}, effect {'yes' if agree[1] else 'NO'}")


if __name__ == "__main__":
    main()
