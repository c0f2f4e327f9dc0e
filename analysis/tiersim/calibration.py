"""Method-of-simulated-moments calibration of the country-stance parameters (h, J)
against the Huawei 5G record (MODEL s.6 and s.10; docs/validation.md).

    PYTHONPATH=analysis /usr/bin/python3 -m tiersim.calibration --tiersim build/release/tiersim

Moments: among countries whose 5G decision is known (configs/data/countries.csv,
`huawei_5g`), the share that excluded or restricted Huawei, for Tier 1, Tier 2, US allies
and non-allies. Simulated by the `stance` model (the diffusion model's stance process
alone) from an all-open start over 24 quarters, averaged over replicates, with common
random numbers (one seed for every parameter value). Three parameters, four moments:
  h      base utility of restrict and of exclude (open = 0)
  ally   added utility of restrict and exclude for US allies
  tier1  added utility of exclude for Tier 1 partners
beta = 1 (scale normalisation); update probability 0.25 per quarter. The peer effect J is
held fixed: with these cross-sectional moments it acts almost like a shift of h (J weights
the open share of mostly-open blocs), so h and J are not separately identified; the
profile of the objective over J documents this (`stance_msm_j_profile.csv`).

Standard errors: sandwich formula with the numerical Jacobian of the moments, the data
moments' binomial variance and the simulation variance (/ replicates). Identification
check: simulate at known parameters with another seed, re-estimate, compare.
"""
from __future__ import annotations

import argparse
import csv
import subprocess
import tempfile
from pathlib import Path

import h5py
import numpy as np
from scipy.optimize import minimize

REPO = Path(__file__).resolve().parents[2]
CONFIG = REPO / "configs" / "reference" / "stance.yaml"
COUNTRIES = REPO / "configs" / "data" / "countries.csv"
MOMENTS = ["exrs_tier1_known", "exrs_tier2_known", "exrs_ally_known", "exrs_nonally_known"]
PARAMETERS = {  # name -> config keys it sets
    "h": ["params.stance.h_restrict", "params.stance.h_exclude"],
    "ally": ["params.stance.h_ally_restrict", "params.stance.h_ally_exclude"],
    "tier1": ["params.stance.h_tier1_exclude"],
}
START = np.array([-1.0, 1.0, 1.0])
J_DEFAULT = 1.5  # the model's default peer effect (assumption; not identified here)


def data_moments(path=COUNTRIES):
    """Exclude-or-restrict shares of the 5G record and their binomial variances."""
    groups = {m: [] for m in MOMENTS}
    china = {"CHN", "HKG", "MAC"}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            if not row["huawei_5g"] or row["iso3"] in china:
                continue
            x = row["huawei_5g"] in ("EX", "RS")
            if row["tier_2025"] in ("1", "2"):
                groups[f"exrs_tier{row['tier_2025']}_known"].append(x)
            groups["exrs_ally_known" if row["us_ally"] == "1" else "exrs_nonally_known"].append(x)
    n = np.array([len(groups[m]) for m in MOMENTS], float)
    m = np.array([np.mean(groups[m]) for m in MOMENTS])
    return m, m * (1 - m) / n, n


class Simulator:
    def __init__(self, tiersim, seed=5, replicates=200, j_peer=J_DEFAULT):
        self.tiersim = str(tiersim)
        self.j_peer = j_peer
        self.seed = seed
        self.replicates = replicates
        self.tmp = Path(tempfile.mkdtemp(prefix="tiersim-msm-"))
        self.calls = 0

    def __call__(self, theta, seed=None):
        """Simulated moments and their across-replicate sd at parameters theta."""
        args = [self.tiersim, "run", "-q", str(CONFIG), "-o", str(self.tmp / "m.h5"), "--overwrite",
                "--seed", str(self.seed if seed is None else seed),
                "--set", f"params.replicates={self.replicates}", "--set", f"params.stance.j_peer={self.j_peer!r}"]
        for value, keys in zip(theta, PARAMETERS.values()):
            for key in keys:
                args += ["--set", f"{key}={float(value)!r}"]
        subprocess.run(args, check=True, capture_output=True, text=True)
        self.calls += 1
        with h5py.File(self.tmp / "m.h5", "r") as f:
            return (np.array([f[m][0] for m in MOMENTS]), np.array([f[m + "_sd"][0] for m in MOMENTS]))


def estimate(sim, target, weights, start=START, seed=None):
    def q(theta):
        m, _ = sim(theta, seed)
        d = m - target
        return float(d @ (weights * d))

    res = minimize(q, start, method="Nelder-Mead",
                   options={"xatol": 0.02, "fatol": 1e-4, "maxfev": 400, "initial_simplex": start + np.vstack(
                       [np.zeros(len(start)), np.eye(len(start)) * 0.8])})
    return res.x, res.fun


def standard_errors(sim, theta, data_var, step=0.25):
    m0, sd = sim(theta)
    jac = np.empty((len(MOMENTS), len(theta)))
    for j in range(len(theta)):
        e = np.zeros(len(theta))
        e[j] = step
        jac[:, j] = (sim(theta + e)[0] - sim(theta - e)[0]) / (2 * step)
    w = np.diag(1 / data_var)
    omega = np.diag(data_var + sd ** 2 / sim.replicates)
    bread = np.linalg.pinv(jac.T @ w @ jac)
    cov = bread @ jac.T @ w @ omega @ w @ jac @ bread
    return np.sqrt(np.clip(np.diag(cov), 0, None)), jac


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tiersim", default=str(REPO / "build" / "release" / "tiersim"))
    ap.add_argument("--out", default=str(REPO / "results" / "validation"))
    ap.add_argument("--replicates", type=int, default=200)
    args = ap.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    target, data_var, n = data_moments()
    weights = 1 / data_var
    sim = Simulator(args.tiersim, replicates=args.replicates)
    theta, qmin = estimate(sim, target, weights)
    se, jac = standard_errors(sim, theta, data_var)
    fitted, _ = sim(theta)
    # Identification: moments simulated at the estimate with another seed are the
    # "data"; re-estimating from the default start must recover the estimate.
    synthetic, _ = sim(theta, seed=sim.seed + 1000)
    recovered, _ = estimate(sim, synthetic, weights)
    names = list(PARAMETERS)
    # Profile over J: the best fit of (h, ally, tier1) at each J.
    profile = []
    for j in (0.0, 0.75, 1.5, 2.25, 3.0):
        sj = Simulator(args.tiersim, replicates=args.replicates, j_peer=j)
        th_j, q_j = estimate(sj, target, weights)
        profile.append((j, q_j, *th_j))
    with open(out / "stance_msm_j_profile.csv", "w") as f:
        f.write("J,objective," + ",".join(names) + "\n")
        for row in profile:
            f.write(",".join(f"{v:.4f}" for v in row) + "\n")
    with open(out / "stance_msm_parameters.csv", "w") as f:
        f.write("parameter,estimate,se,recovered,start\n")
        for i, name in enumerate(names):
            f.write(f"{name},{theta[i]:.4f},{se[i]:.4f},{recovered[i]:.4f},{START[i]:.4f}\n")
    with open(out / "stance_msm_moments.csv", "w") as f:
        f.write("moment,countries,target,fitted\n")
        for i, m in enumerate(MOMENTS):
            f.write(f"{m},{int(n[i])},{target[i]:.4f},{fitted[i]:.4f}\n")
    print(f"objective at the estimate: {qmin:.4g} ({sim.calls} simulations; rank of the Jacobian "
          f"{np.linalg.matrix_rank(jac, tol=1e-3)} of {len(names)})")
    print(f"{'parameter':10} {'estimate':>9} {'se':>7} {'recovered':>10}")
    for i, name in enumerate(names):
        print(f"{name:10} {theta[i]:9.3f} {se[i]:7.3f} {recovered[i]:10.3f}")
    print(f"{'moment':20} {'n':>3} {'target':>7} {'fitted':>7}")
    for i, m in enumerate(MOMENTS):
        print(f"{m:20} {int(n[i]):3d} {target[i]:7.3f} {fitted[i]:7.3f}")
    print("profile over J (J, objective, h, ally, tier1):")
    for row in profile:
        print("  " + "  ".join(f"{v:7.3f}" for v in row))
    return theta, se, recovered


if __name__ == "__main__":
    main()
