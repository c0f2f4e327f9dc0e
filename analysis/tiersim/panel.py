"""Method-of-simulated-moments fit of the country-stance process to the *panel* of Huawei 5G
decision dates (docs/validation.md, "Stances as a dynamic political economy").

    PYTHONPATH=analysis /usr/bin/python3 -m tiersim.panel --tiersim build/release/tiersim

Data: configs/data/five_g_decisions.csv (cal. s6b; coding in five_g_decisions.SOURCES.md),
the year each country with a coded 5G status first excluded or restricted Huawei; adopters
are never restricted by the end of 2024 (right-censored). Groups: three disjoint groups of
the countries with a known decision (China aside): Tier 1 partners (16), other US allies
(13), other non-allies (13). The four overlapping groups of the cross-section calibration
(tiersim.calibration) count every country twice and every Tier 1 partner is an ally; the
partition keeps the groups' sampling errors independent and gives each of h, ally and
tier1 one group.

Moments (21): for each group and each year end 2019..2024, the share that had excluded or
restricted by then (18: the timing of first decisions), simulated as the share that has
held exclude or restrict at any time since the start; and for each group the share holding
exclude or restrict at the end of 2024 (3: the status in 2024), simulated as such. No
decision in the record was reversed by 2024, so in the data the last two coincide; in the
model they differ by the countries that restricted and reverted, which is what state
dependence governs.

Simulated by the `stance` model (configs/reference/stance_panel.yaml): 2019-01..2024-12,
quarterly revisions, the four countries that excluded before 2019 start excluded and every
other country open; state dependence `h_stay` on (behaviour adaptive; no AI market). US
pressure is not dated: the campaign against Huawei predates the window, so within it it is
part of the base utilities (assumption; a sensitivity dates a step of guidance_shift 0.5
from 2020-01). Parameters (utils): h (restrict and exclude, open = 0), ally, tier1
(exclude), h_stay, and the peer effect J; beta 1 and update probability 0.25 per quarter
fixed (assumptions; h_stay is estimated given them: a sensitivity refits at 0.125 and 0.5).
Another sensitivity replaces the three 2024 status moments by the shares that restricted
and reverted to open by 2024 (0 in the record), weighting the absence of reversals more.

Weighting: inverse binomial variance of each data moment (diagonal; floored at a share of
0.5/n). Common random numbers (one seed for every parameter value), 200 replicate
histories. Optimiser: Nelder-Mead, restarted once from its optimum; h_stay and J enter as
absolute values (both >= 0).
Standard errors: sandwich formula with the numerical Jacobian; the middle matrix is the
data moments' panel covariance (cumulative shares of the same countries: cov(F_t, F_s) =
F_t (1 - F_s) / n for t <= s; the 2024 status is the 2024 cumulative share) plus the
simulation variance / replicates. Over-identification: the weighted distance against its
simulated asymptotic distribution (the weights are not the optimal ones, so it is not
chi-square).

Criteria fixed before the fit was run:
  held-out: fit (h, ally, tier1, h_stay) at J 1.5 on the year ends 2019-2021 only (first
  decisions 2019-21 and the status at the end of 2021: 12 moments), predict the increase of
  each group's share that had excluded or restricted from the end of 2021 to the end of
  2024 (the first decisions of 2022-24). Pass if sum_g (predicted - observed)^2 / var_g
  <= 7.81, the 95% point of chi-square with 3 degrees of freedom; var_g = binomial variance
  of the predicted increment over the group size (floored as the weights) plus the
  simulation variance.
  J: identified on the panel if the 95% interval of the J-free estimate (+-1.96 s.e.) is
  narrower than 1.5 utils (half the range 0-3 the sensitivity analysis spans). Reported
  with it: the over-identification p-value at each point of the profile over J (the J
  values the panel does not reject at 5%).
"""
from __future__ import annotations

import argparse
import csv
import re
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import h5py
import numpy as np
from scipy.optimize import minimize
from scipy.stats import chi2

REPO = Path(__file__).resolve().parents[2]
CONFIG = REPO / "configs" / "reference" / "stance_panel.yaml"
COUNTRIES = REPO / "configs" / "data" / "countries.csv"
DECISIONS = REPO / "configs" / "data" / "five_g_decisions.csv"
CHINA = {"CHN", "HKG", "MAC"}
GROUPS = ["tier1", "ally_not_tier1", "nonally_not_tier1"]  # the stance model's panel_group
YEARS = list(range(2019, 2025))
START_YEAR = 2019
NAMES = ["h", "ally", "tier1", "h_stay", "J"]
KEYS = {  # parameter -> config keys it sets
    "h": ["params.stance.h_restrict", "params.stance.h_exclude"],
    "ally": ["params.stance.h_ally_restrict", "params.stance.h_ally_exclude"],
    "tier1": ["params.stance.h_tier1_exclude"],
    "h_stay": ["params.stance.h_stay"],
    "J": ["params.stance.j_peer"],
}
NONNEGATIVE = {"h_stay", "J"}
# The optimiser's start: the cross-section estimates with h_stay 2, the model's defaults
# before this fit (the defaults are now the panel estimates; params/stance.hpp).
START = {"h": -1.08, "ally": 0.64, "tier1": 2.22, "h_stay": 2.0, "J": 1.5}
J_GRID = [0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0]
FIT_YEARS = [2019, 2020, 2021]  # the held-out check's fitting window
HELD_OUT_CRITICAL = float(chi2.ppf(0.95, 3))  # 7.81


# ---------------------------------------------------------------------------------- data
def load_decisions(path=DECISIONS):
    """iso3 -> (status, first year of exclusion or restriction or None)."""
    with open(path, newline="") as f:
        return {r["iso3"]: (r["status"], int(r["decision_year"]) if r["decision_year"] else None)
                for r in csv.DictReader(f)}


def panel_groups(path=COUNTRIES):
    """Group -> ISO3 codes of the countries with a known 5G status (China aside), as the
    stance model forms them: Tier 1; other US allies; other non-allies."""
    groups = {g: [] for g in GROUPS}
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            if not r["huawei_5g"] or r["iso3"] in CHINA:
                continue
            g = "tier1" if r["tier_2025"] == "1" else ("ally_not_tier1" if r["us_ally"] == "1" else "nonally_not_tier1")
            groups[g].append(r["iso3"])
    return groups


def decided_before(year=START_YEAR, decisions=None):
    """Countries whose first exclusion or restriction came before `year` (they start excluded)."""
    decisions = load_decisions() if decisions is None else decisions
    return sorted(c for c, (_, y) in decisions.items() if y is not None and y < year)


def data_panel(years=YEARS):
    """Shares (groups x years) that had excluded or restricted by each year end, group sizes,
    and the panel covariance of the stacked shares (group-major)."""
    decisions = load_decisions()
    groups = panel_groups()
    shares = np.array([[np.mean([decisions[c][1] is not None and decisions[c][1] <= y for c in groups[g]])
                        for y in years] for g in GROUPS])
    n = np.array([len(groups[g]) for g in GROUPS], float)
    return shares, n, panel_covariance(shares, n)


def panel_covariance(shares, n):
    """cov(F_t, F_s) = F_min (1 - F_max) / n within a group (cumulative indicators of the
    same countries); zero across groups (disjoint countries)."""
    g, t = shares.shape
    cov = np.zeros((g * t, g * t))
    for k in range(g):
        f = shares[k]
        block = np.minimum.outer(f, f) * (1 - np.maximum.outer(f, f)) / n[k]
        cov[k * t:(k + 1) * t, k * t:(k + 1) * t] = block
    return cov


def binomial_variance(p, n):
    """p (1 - p) / n, floored at a share of 0.5 / n so no moment gets infinite weight."""
    p0 = 0.5 / n
    return np.maximum(p * (1 - p), p0 * (1 - p0)) / n


# ------------------------------------------------------------------------------- moments
class Moments:
    """The moment vector for the year ends `years`: the shares that had excluded or
    restricted by each year end (groups x years, group-major), then each group's share
    holding exclude or restrict at the last year end."""

    def __init__(self, years=YEARS, reverted=False):
        """`reverted`: the last three moments are instead the share that restricted and
        reverted to open by the last year end (holding minus ever: minus that share; 0 in the
        data, and the objective squares it)."""
        self.years = list(years)
        self.idx = [YEARS.index(y) for y in self.years]
        self.last = YEARS.index(self.years[-1])
        g, t = len(GROUPS), len(YEARS)
        # Selection from the stacked (ever, holding) shares, each groups x YEARS group-major.
        rows = [k * t + i for k in range(g) for i in self.idx]
        self.select = np.zeros((len(rows) + g, 2 * g * t))
        self.select[np.arange(len(rows)), rows] = 1.0
        for k in range(g):
            self.select[len(rows) + k, g * t + k * t + self.last] = 1.0
            if reverted:
                self.select[len(rows) + k, k * t + self.last] = -1.0
        last = "restricted and reverted" if reverted else "holds a restriction"
        self.labels = ([(grp, y, "had restricted") for grp in GROUPS for y in self.years]
                       + [(grp, self.years[-1], last) for grp in GROUPS])

    def __len__(self):
        return self.select.shape[0]

    def data(self):
        """Data moments, their binomial variances (floored) and their covariance."""
        shares, n, cov = data_panel()
        f = shares.reshape(-1)
        both = np.concatenate([f, f])  # no reversal: holding = had restricted
        sizes = np.tile(np.repeat(n, len(YEARS)), 2)
        big = np.block([[cov, cov], [cov, cov]])
        target = self.select @ both
        sizes = np.abs(self.select) @ sizes / np.abs(self.select).sum(axis=1)
        return target, binomial_variance(target, sizes), self.select @ big @ self.select.T

    def simulated(self, out):
        """(moments, sd over replicates) from a Simulator output."""
        holding, holding_sd, ever, ever_sd = out
        sd = np.sqrt(np.abs(self.select) @ np.concatenate([ever_sd, holding_sd]) ** 2)  # reverted: an upper bound
        return self.select @ np.concatenate([ever, holding]), sd


# ---------------------------------------------------------------------------- simulation
class Simulator:
    """Simulated panel shares at the year ends 2019..2024 (groups x years, group-major)."""

    def __init__(self, tiersim, seed=5, replicates=200, extra=()):
        self.tiersim = str(tiersim)
        self.seed = seed
        self.replicates = replicates
        self.extra = list(extra)  # further --set overrides (sensitivity checks)
        self.tmp = Path(tempfile.mkdtemp(prefix="tiersim-panel-"))
        self.calls = 0
        self.cache = {}

    def __call__(self, params, seed=None):
        """(share holding exclude or restrict, its sd over replicates, share that ever did,
        its sd); params: dict over NAMES."""
        seed = self.seed if seed is None else seed
        key = (seed, tuple(round(float(params[k]), 10) for k in NAMES))
        if key in self.cache:
            return self.cache[key]
        args = [self.tiersim, "run", "-q", str(CONFIG), "-o", str(self.tmp / "m.h5"), "--overwrite",
                "--seed", str(seed), "--set", f"params.replicates={self.replicates}"]
        for name in NAMES:
            value = abs(params[name]) if name in NONNEGATIVE else params[name]
            for k in KEYS[name]:
                args += ["--set", f"{k}={float(value)!r}"]
        for s in self.extra:
            args += ["--set", s]
        subprocess.run(args, check=True, capture_output=True, text=True)
        self.calls += 1
        with h5py.File(self.tmp / "m.h5", "r") as f:
            days = f["time_12m"][:]
            years = list((np.datetime64("1970-01-01") + days.astype("timedelta64[D]")).astype("datetime64[Y]")
                         .astype(int) + 1970)
            idx = [years.index(y) for y in YEARS]
            out = tuple(np.asarray(f[v][0][idx]).T.reshape(-1)
                        for v in ("exrs_panel", "exrs_panel_sd", "ever_exrs_panel", "ever_exrs_panel_sd"))
        self.cache[key] = out
        return out


def as_params(x, free, fixed):
    p = dict(fixed)
    p.update(zip(free, x))
    for k in NONNEGATIVE:
        p[k] = abs(p[k])
    return p


def fit(sim, spec, target, var, free, fixed, seed=None):
    """Nelder-Mead on the weighted distance; start at `fixed`'s values of the free
    parameters. Returns (parameters, objective)."""
    w = 1 / var

    def q(x):
        d = spec.simulated(sim(as_params(x, free, fixed), seed))[0] - target
        return float(d @ (w * d))

    x = np.array([fixed[k] for k in free], float)
    best = None
    for size in (0.8, 0.3):  # a restart from the first optimum, with a smaller simplex
        simplex = x + np.vstack([np.zeros(len(x)), np.eye(len(x)) * size])
        res = minimize(q, x, method="Nelder-Mead",
                       options={"xatol": 0.02, "fatol": 1e-4, "maxfev": 800, "initial_simplex": simplex})
        if best is None or res.fun < best.fun:
            best = res
        x = best.x
    return as_params(best.x, free, fixed), float(best.fun)


def sandwich(sim, spec, params, free, var, cov, step=0.25):
    """Standard errors of the free parameters, the Jacobian, and the moments' covariance
    around the fit (for the over-identification test)."""
    m0, sd = spec.simulated(sim(params))
    jac = np.empty((len(spec), len(free)))
    for j, name in enumerate(free):
        up, down = dict(params), dict(params)
        up[name] += step
        if name in NONNEGATIVE and params[name] < step:  # forward difference at the bound
            jac[:, j] = (spec.simulated(sim(up))[0] - m0) / step
        else:
            down[name] -= step
            jac[:, j] = (spec.simulated(sim(up))[0] - spec.simulated(sim(down))[0]) / (2 * step)
    w = np.diag(1 / var)
    omega = cov + np.diag(sd ** 2 / sim.replicates)
    bread = np.linalg.pinv(jac.T @ w @ jac)
    vcov = bread @ jac.T @ w @ omega @ w @ jac @ bread
    return np.sqrt(np.clip(np.diag(vcov), 0, None)), jac, omega


def overid_pvalue(q, jac, var, omega, draws=200_000, seed=1):
    """P(distance >= q) under the model: the residual g = (I - G (G'WG)^-1 G'W) e, e ~ N(0, omega)."""
    w = np.diag(1 / var)
    proj = np.eye(len(var)) - jac @ np.linalg.pinv(jac.T @ w @ jac) @ jac.T @ w
    s = proj @ omega @ proj.T
    vals, vecs = np.linalg.eigh((s + s.T) / 2)
    root = vecs * np.sqrt(np.clip(vals, 0, None))
    e = np.random.default_rng(seed).standard_normal((draws, len(var))) @ root.T
    return float(np.mean(np.einsum("ij,j,ij->i", e, 1 / var, e) >= q))


# ----------------------------------------------------------------------------------- run
FOUR = ["h", "ally", "tier1", "h_stay"]
THREE = ["h", "ally", "tier1"]
SENSITIVITY = {
    "update_0.125": ["params.stance.update_probability=0.125"],
    "update_0.5": ["params.stance.update_probability=0.5"],
    "guidance_2020": ["params.guidance=true", "params.guidance_from=2020-01", "params.stance.guidance_shift=0.5"],
}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tiersim", default=str(REPO / "build" / "release" / "tiersim"))
    ap.add_argument("--out", default=str(REPO / "results" / "validation"), help="CSV files")
    ap.add_argument("--figures", default=str(REPO / "docs" / "figures" / "validation"), help="the figure")
    ap.add_argument("--replicates", type=int, default=200)
    ap.add_argument("--jobs", type=int, default=2, help="fits run side by side")
    args = ap.parse_args(argv)
    t0 = time.time()
    out, figdir = Path(args.out), Path(args.figures)
    out.mkdir(parents=True, exist_ok=True)
    figdir.mkdir(parents=True, exist_ok=True)
    check_config_start()
    full, window = Moments(YEARS), Moments(FIT_YEARS)
    target, var, cov = full.data()
    w_target, w_var, _ = window.data()
    shares, n, _ = data_panel()

    def new_sim(extra=()):
        return Simulator(args.tiersim, replicates=args.replicates, extra=extra)

    memoryless = dict(START, h_stay=0.0)
    # Fits that do not depend on one another run side by side (one simulator each).
    jobs = {
        "panel": (new_sim(), full, FOUR, START),
        "memoryless": (new_sim(), full, THREE, memoryless),
        "heldout_fit": (new_sim(), window, FOUR, START),
        "heldout_memoryless": (new_sim(), window, THREE, memoryless),
    }
    jobs.update({k: (new_sim(extra), full, FOUR, START) for k, extra in SENSITIVITY.items()})
    jobs["reversals"] = (new_sim(), Moments(YEARS, reverted=True), FOUR, START)
    jobs.update({f"profile_J{j}": (new_sim(), full, FOUR, dict(START, J=j)) for j in J_GRID})

    def run_job(item):
        name, (sim, spec, free, fixed) = item
        t, v, _ = spec.data()
        return name, fit(sim, spec, t, v, free, fixed)

    with ThreadPoolExecutor(max_workers=args.jobs) as ex:
        results = dict(ex.map(run_job, jobs.items()))
    sims = {k: v[0] for k, v in jobs.items()}

    # Second stage, side by side: the J = 1.5 fit's standard errors and identification
    # check, the memoryless fit's standard errors, and the J-free fit.
    theta, qmin = results["panel"]
    theta_ml, q_ml = results["memoryless"]
    sim, sim_ml, sim_j = sims["panel"], sims["memoryless"], new_sim()
    synthetic = full.simulated(sim(theta, seed=sim.seed + 1000))[0]
    tasks = {
        "se": lambda: sandwich(sim, full, theta, FOUR, var, cov),
        "recovered": lambda: fit(new_sim(), full, synthetic, var, FOUR, START),
        "se_ml": lambda: sandwich(sim_ml, full, theta_ml, THREE, var, cov),
        "jfree": lambda: fit(sim_j, full, target, var, NAMES, theta),
    }
    for j in J_GRID:  # the over-identification test at each point of the profile
        tasks[f"se_J{j}"] = (lambda j=j: sandwich(sims[f"profile_J{j}"], full, results[f"profile_J{j}"][0], FOUR,
                                                  var, cov))
    with ThreadPoolExecutor(max_workers=args.jobs) as ex:
        futures = {k: ex.submit(f) for k, f in tasks.items()}
        second = {k: f.result() for k, f in futures.items()}
    se, jac, omega = second["se"]
    recovered = second["recovered"][0]
    se_ml, jac_ml, omega_ml = second["se_ml"]
    theta_j, q_j = second["jfree"]
    se_j, _, _ = sandwich(sim_j, full, theta_j, NAMES, var, cov)
    j_identified = bool(2 * 1.96 * se_j[NAMES.index("J")] < 1.5)
    pval = overid_pvalue(qmin, jac, var, omega)
    pval_ml = overid_pvalue(q_ml, jac_ml, var, omega_ml)
    profile_p = {j: overid_pvalue(results[f"profile_J{j}"][1], second[f"se_J{j}"][1], var, second[f"se_J{j}"][2])
                 for j in J_GRID}
    panel_out = sim(theta)
    ml_out = sim_ml(theta_ml)

    # Held-out: first decisions of 2022-24 predicted from the fit on 2019-2021.
    def heldout(name):
        p, q = results[name]
        holding, _, ever, ever_sd = sims[name](p)
        ever, ever_sd = ever.reshape(len(GROUPS), -1), ever_sd.reshape(len(GROUPS), -1)
        i21, i24 = YEARS.index(2021), YEARS.index(2024)
        pred = ever[:, i24] - ever[:, i21]
        obs = shares[:, i24] - shares[:, i21]
        v = (binomial_variance(np.clip(pred, 0, 1), n)
             + (ever_sd[:, i24] ** 2 + ever_sd[:, i21] ** 2) / sims[name].replicates)
        return {"params": p, "objective": q, "predicted": pred, "observed": obs,
                "distance": float(np.sum((pred - obs) ** 2 / v)), "ever": ever,
                "holding": holding.reshape(len(GROUPS), -1)}

    ho = {k: heldout(k) for k in ("heldout_fit", "heldout_memoryless")}
    calls = sum(s.calls for s in sims.values()) + sim_j.calls
    runtime = time.time() - t0
    v = dict(locals())
    write_outputs(out, figdir, v)
    report(v)
    return theta, se


def check_config_start():
    """The panel config's `decided_before_start` must be the data's pre-2019 deciders."""
    listed = re.search(r"decided_before_start:\s*\[([^\]]*)\]", CONFIG.read_text()).group(1)
    listed = sorted(x.strip() for x in listed.split(",") if x.strip())
    if listed != decided_before():
        raise SystemExit(f"{CONFIG}: decided_before_start {listed} differs from the data {decided_before()}")


def shares_of(out):
    """(holding, ever) as groups x YEARS arrays from a Simulator output."""
    return out[0].reshape(len(GROUPS), -1), out[2].reshape(len(GROUPS), -1)


def write_outputs(out, figdir, v):
    with open(out / "stance_panel_parameters.csv", "w") as f:
        f.write("fit,parameter,estimate,se,recovered,start\n")
        for i, k in enumerate(FOUR):
            f.write(f"panel_J1.5,{k},{v['theta'][k]:.4f},{v['se'][i]:.4f},{v['recovered'][k]:.4f},{START[k]:.4f}\n")
        for i, k in enumerate(NAMES):
            f.write(f"panel_Jfree,{k},{v['theta_j'][k]:.4f},{v['se_j'][i]:.4f},,{v['theta'][k]:.4f}\n")
        for i, k in enumerate(THREE):
            f.write(f"memoryless_J1.5,{k},{v['theta_ml'][k]:.4f},{v['se_ml'][i]:.4f},,{START[k]:.4f}\n")
    with open(out / "stance_panel_fit.csv", "w") as f:
        f.write("fit,objective,moments,parameters,overid_pvalue\n")
        f.write(f"panel_J1.5,{v['qmin']:.4f},{len(v['full'])},4,{v['pval']:.4f}\n")
        f.write(f"panel_Jfree,{v['q_j']:.4f},{len(v['full'])},5,\n")
        f.write(f"memoryless_J1.5,{v['q_ml']:.4f},{len(v['full'])},3,{v['pval_ml']:.4f}\n")
    hold, ever = shares_of(v["panel_out"])
    hold_ml, ever_ml = shares_of(v["ml_out"])
    with open(out / "stance_panel_moments.csv", "w") as f:
        f.write("group,countries,year,observed,ever_fitted,holding_fitted,ever_memoryless,holding_memoryless\n")
        for g, grp in enumerate(GROUPS):
            for t, y in enumerate(YEARS):
                f.write(f"{grp},{int(v['n'][g])},{y},{v['shares'][g, t]:.4f},{ever[g, t]:.4f},{hold[g, t]:.4f},"
                        f"{ever_ml[g, t]:.4f},{hold_ml[g, t]:.4f}\n")
    with open(out / "stance_panel_j_profile.csv", "w") as f:
        f.write("J,objective,overid_pvalue," + ",".join(FOUR) + "\n")
        for j in J_GRID:
            p, q = v["results"][f"profile_J{j}"]
            f.write(f"{j:.2f},{q:.4f},{v['profile_p'][j]:.4f}," + ",".join(f"{p[k]:.4f}" for k in FOUR) + "\n")
    with open(out / "stance_panel_heldout.csv", "w") as f:
        f.write("fit,group,countries,predicted_increase_2021_2024,observed_increase_2021_2024,distance,criterion,"
                "pass," + ",".join(FOUR) + "\n")
        for name, r in v["ho"].items():
            for g, grp in enumerate(GROUPS):
                f.write(f"{name},{grp},{int(v['n'][g])},{r['predicted'][g]:.4f},{r['observed'][g]:.4f},"
                        f"{r['distance']:.3f},{HELD_OUT_CRITICAL:.3f},{int(r['distance'] <= HELD_OUT_CRITICAL)},"
                        + ",".join(f"{r['params'][k]:.4f}" for k in FOUR) + "\n")
    with open(out / "stance_panel_sensitivity.csv", "w") as f:
        f.write("variant,objective," + ",".join(FOUR) + "\n")
        for name in ["panel", *SENSITIVITY, "reversals"]:
            p, q = v["results"][name]
            f.write(f"{name},{q:.4f}," + ",".join(f"{p[k]:.4f}" for k in FOUR) + "\n")
    figure(figdir, v)


def figure(figdir, v):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    hold, ever = shares_of(v["panel_out"])
    hold_ml, ever_ml = shares_of(v["ml_out"])
    titles = {"tier1": "Tier 1 (16)", "ally_not_tier1": "other US allies (13)",
              "nonally_not_tier1": "other non-allies (13)"}
    fig, axes = plt.subplots(1, 4, figsize=(13, 3.4))
    for g, grp in enumerate(GROUPS):
        ax = axes[g]
        ax.step(YEARS, 100 * v["shares"][g], where="post", color="black", lw=0, marker="o", label="5G record")
        ax.plot(YEARS, 100 * ever[g], "-", color="#b2182b", label="fit: ever restricted")
        ax.plot(YEARS, 100 * hold[g], "--", color="#b2182b", label="fit: restricting now")
        ax.plot(YEARS, 100 * ever_ml[g], "-", color="#4393c3", label="memoryless: ever")
        ax.plot(YEARS, 100 * hold_ml[g], "--", color="#4393c3", label="memoryless: now")
        ho = v["ho"]["heldout_fit"]["ever"][g]
        ax.plot(YEARS[2:], 100 * ho[2:], ":", color="gray", lw=2, label="fit on 2019-21: ever")
        ax.set_title(titles[grp], fontsize=9)
        ax.set_ylim(0, 100)
        ax.set_xlabel("year end")
    axes[0].set_ylabel("excluded or restricted (%)")
    axes[0].legend(frameon=False, fontsize=7, loc="lower right")
    bx = axes[3]
    prof = np.array([[j, v["results"][f"profile_J{j}"][1], v["results"][f"profile_J{j}"][0]["h_stay"]]
                     for j in J_GRID])
    bx.plot(prof[:, 0], prof[:, 1], "o-", color="#b2182b", label="best objective at fixed J")
    bx.set_xlabel("peer effect J (utils)")
    bx.set_ylabel("weighted distance")
    cx = bx.twinx()
    cx.plot(prof[:, 0], prof[:, 2], "s--", color="#4393c3", label="h_stay at that fit")
    cx.set_ylabel("h_stay (utils)")
    lines = bx.get_lines() + cx.get_lines()
    bx.legend(lines, [ln.get_label() for ln in lines], frameon=False, fontsize=7, loc="upper center")
    bx.set_title("profile over J", fontsize=9)
    fig.tight_layout()
    fig.savefig(figdir / "fig_stance_panel.png", dpi=200, bbox_inches="tight")
    plt.close(fig)


def report(v):
    print(f"{v['calls']} simulations, {v['runtime']:.0f} s")
    print(f"panel fit at J 1.5: objective {v['qmin']:.3f} ({len(v['full'])} moments, 4 parameters; "
          f"over-identification p = {v['pval']:.3f}); memoryless: {v['q_ml']:.3f} (p = {v['pval_ml']:.3f})")
    print(f"{'parameter':10} {'estimate':>9} {'se':>7} {'recovered':>10} {'memoryless':>11} {'se':>7} "
          f"{'J free':>8} {'se':>7}")
    for i, k in enumerate(NAMES):
        est = f"{v['theta'][k]:9.3f} {v['se'][i]:7.3f} {v['recovered'][k]:10.3f}" if i < 4 else " " * 28
        ml = f"{v['theta_ml'][k]:11.3f} {v['se_ml'][i]:7.3f}" if i < 3 else " " * 19
        print(f"{k:10} {est} {ml} {v['theta_j'][k]:8.3f} {v['se_j'][i]:7.3f}")
    print(f"J free: objective {v['q_j']:.3f}; J identified (95% interval narrower than 1.5): {v['j_identified']}")
    hold, ever = shares_of(v["panel_out"])
    hold_ml, ever_ml = shares_of(v["ml_out"])
    print("group, year: observed; fit ever, now; memoryless ever, now")
    for g, grp in enumerate(GROUPS):
        for t, y in enumerate(YEARS):
            print(f"  {grp:18} {y} {v['shares'][g, t]:.3f}; {ever[g, t]:.3f} {hold[g, t]:.3f}; "
                  f"{ever_ml[g, t]:.3f} {hold_ml[g, t]:.3f}")
    print("profile over J (J, objective, over-identification p, h, ally, tier1, h_stay):")
    for j in J_GRID:
        p, q = v["results"][f"profile_J{j}"]
        print(f"  {j:4.2f} {q:8.3f} {v['profile_p'][j]:6.3f} " + " ".join(f"{p[k]:7.3f}" for k in FOUR))
    for name, r in v["ho"].items():
        verdict = "pass" if r["distance"] <= HELD_OUT_CRITICAL else "fail"
        print(f"held-out ({name}): predicted {np.round(r['predicted'], 3)}, observed {np.round(r['observed'], 3)}, "
              f"distance {r['distance']:.2f} (criterion <= {HELD_OUT_CRITICAL:.2f}: {verdict}); "
              + ", ".join(f"{k} {r['params'][k]:.2f}" for k in FOUR))
    print("sensitivity (variant, objective, h, ally, tier1, h_stay):")
    for name in ["panel", *SENSITIVITY, "reversals"]:
        p, q = v["results"][name]
        print(f"  {name:14} {q:8.3f} " + " ".join(f"{p[k]:7.3f}" for k in FOUR))


if __name__ == "__main__":
    main()
