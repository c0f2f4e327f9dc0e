"""Global sensitivity analysis: Sobol indices (Saltelli scheme) and Morris elementary effects.

Both estimators take plain arrays, so they work on any model output; `tiersim.sweeps`
reads the `sobol` and `morris` sweep designs from a result file into these arrays.

References: Saltelli et al. (2010), Comput. Phys. Commun. 181, 259-270 (first-order
estimator, their eq. (b) of table 2); Jansen (1999) total-effect estimator; Morris (1991),
Technometrics 33, 161-174; Campolongo, Cariboni & Saltelli (2007) mu*.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class SobolResult:
    names: list[str]
    first: np.ndarray          # S_i
    total: np.ndarray          # ST_i
    first_ci: np.ndarray       # (k, 2) bootstrap percentile interval
    total_ci: np.ndarray       # (k, 2)
    n: int                     # base sample size N

    def table(self):
        import pandas as pd

        return pd.DataFrame({
            "S1": self.first, "S1_low": self.first_ci[:, 0], "S1_high": self.first_ci[:, 1],
            "ST": self.total, "ST_low": self.total_ci[:, 0], "ST_high": self.total_ci[:, 1],
        }, index=pd.Index(self.names, name="parameter"))


def _sobol_point(ya, yb, yab):
    var = np.var(np.concatenate([ya, yb]), ddof=1)
    if var == 0:
        k = yab.shape[0]
        return np.zeros(k), np.zeros(k)
    first = np.mean(yb[None, :] * (yab - ya[None, :]), axis=1) / var
    total = 0.5 * np.mean((ya[None, :] - yab) ** 2, axis=1) / var
    return first, total


def sobol_indices(ya, yb, yab, names=None, n_boot=1000, level=0.95, seed=0) -> SobolResult:
    """First-order and total Sobol indices from the Saltelli design.

    ya, yb: model outputs on the base matrices A and B (shape N); yab: outputs on AB_i
    (A with column i taken from B), shape (k, N). Confidence intervals by bootstrap over
    the N rows (the same resampled rows for A, B and every AB_i).
    """
    ya = np.asarray(ya, float)
    yb = np.asarray(yb, float)
    yab = np.asarray(yab, float)
    if yab.ndim != 2 or yab.shape[1] != ya.size or yb.size != ya.size:
        raise ValueError(f"shapes do not fit the Saltelli design: A {ya.shape}, B {yb.shape}, AB {yab.shape}")
    k, n = yab.shape
    first, total = _sobol_point(ya, yb, yab)
    rng = np.random.default_rng(seed)
    boot_f = np.empty((n_boot, k))
    boot_t = np.empty((n_boot, k))
    for b in range(n_boot):
        idx = rng.integers(0, n, n)
        boot_f[b], boot_t[b] = _sobol_point(ya[idx], yb[idx], yab[:, idx])
    q = [(1 - level) / 2 * 100, (1 + level) / 2 * 100]
    return SobolResult(names=list(names) if names is not None else [f"x{i + 1}" for i in range(k)],
                       first=first, total=total,
                       first_ci=np.percentile(boot_f, q, axis=0).T, total_ci=np.percentile(boot_t, q, axis=0).T,
                       n=n)


def saltelli_matrices(n, k, seed=0):
    """A, B and AB_i on the unit hypercube (pseudo-random), for testing estimators on
    analytic functions without running a sweep. Returns (A, B, AB) with AB of shape (k, n, k)."""
    rng = np.random.default_rng(seed)
    a = rng.random((n, k))
    b = rng.random((n, k))
    ab = np.repeat(a[None, :, :], k, axis=0)
    for i in range(k):
        ab[i, :, i] = b[:, i]
    return a, b, ab


def ishigami(x, a=7.0, b=0.1):
    """The Ishigami function on x in [-pi, pi]^3 (rows of x)."""
    x = np.asarray(x, float)
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def ishigami_indices(a=7.0, b=0.1):
    """Analytic first-order and total indices of the Ishigami function."""
    v1 = 0.5 * (1 + b * np.pi ** 4 / 5) ** 2
    v2 = a ** 2 / 8
    v13 = b ** 2 * np.pi ** 8 * (1 / 18 - 1 / 50)
    var = v1 + v2 + v13
    first = np.array([v1, v2, 0.0]) / var
    total = np.array([v1 + v13, v2, v13]) / var
    return first, total


@dataclass
class MorrisResult:
    names: list[str]
    mu: np.ndarray        # mean elementary effect
    mu_star: np.ndarray   # mean absolute elementary effect
    sigma: np.ndarray     # standard deviation of the elementary effects
    mu_star_ci: np.ndarray
    trajectories: int

    def table(self):
        import pandas as pd

        return pd.DataFrame({"mu": self.mu, "mu_star": self.mu_star, "mu_star_low": self.mu_star_ci[:, 0],
                             "mu_star_high": self.mu_star_ci[:, 1], "sigma": self.sigma},
                            index=pd.Index(self.names, name="parameter")).sort_values("mu_star", ascending=False)


def morris_effects(x, y, trajectories, names=None, n_boot=1000, level=0.95, seed=0) -> MorrisResult:
    """Elementary effects from Morris trajectories.

    x: design points on the unit hypercube, shape (r * (k + 1), k), trajectory by trajectory;
    consecutive points of a trajectory differ in exactly one coordinate. y: outputs (same
    order). Effects are per unit of the unit-cube coordinate (scale by the parameter's range
    for natural units).
    """
    x = np.asarray(x, float)
    y = np.asarray(y, float)
    r = int(trajectories)
    k = x.shape[1]
    if x.shape[0] != r * (k + 1) or y.size != x.shape[0]:
        raise ValueError(f"a Morris design of {r} trajectories over {k} parameters has {r * (k + 1)} points, "
                         f"got x {x.shape}, y {y.shape}")
    effects = np.full((r, k), np.nan)
    for t in range(r):
        xs = x[t * (k + 1):(t + 1) * (k + 1)]
        ys = y[t * (k + 1):(t + 1) * (k + 1)]
        for j in range(k):
            dx = xs[j + 1] - xs[j]
            moved = np.flatnonzero(np.abs(dx) > 1e-12)
            if moved.size != 1:
                raise ValueError(f"trajectory {t}, step {j}: points differ in {moved.size} coordinates, expected 1")
            i = moved[0]
            effects[t, i] = (ys[j + 1] - ys[j]) / dx[i]
    mu = effects.mean(axis=0)
    mu_star = np.abs(effects).mean(axis=0)
    sigma = effects.std(axis=0, ddof=1) if r > 1 else np.zeros(k)
    rng = np.random.default_rng(seed)
    boot = np.array([np.abs(effects[rng.integers(0, r, r)]).mean(axis=0) for _ in range(n_boot)])
    q = [(1 - level) / 2 * 100, (1 + level) / 2 * 100]
    return MorrisResult(names=list(names) if names is not None else [f"x{i + 1}" for i in range(k)],
                        mu=mu, mu_star=mu_star, sigma=sigma, mu_star_ci=np.percentile(boot, q, axis=0).T,
                        trajectories=r)
