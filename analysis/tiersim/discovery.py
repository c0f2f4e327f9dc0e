"""Scenario discovery: where in the space of uncertain parameters is the effect large?

PRIM (Friedman & Fisher 1999), as used in robust decision making (Lempert, Bryant &
Bankes 2008; Kwakkel's EMA Workbench): peel small slices off a box of the input space to
concentrate the cases of interest, then report the peeling trajectory (coverage vs
density) and the chosen box with its restricted dimensions.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd


@dataclass
class Box:
    limits: pd.DataFrame          # columns: low, high; one row per parameter
    coverage: float               # share of all cases of interest inside the box
    density: float                # share of the box's points that are cases of interest
    support: float                # share of all points inside the box
    restricted: list[str] = field(default_factory=list)

    def describe(self):
        parts = [f"{p} in [{self.limits.loc[p, 'low']:.3g}, {self.limits.loc[p, 'high']:.3g}]" for p in self.restricted]
        return (" and ".join(parts) or "(whole space)") + (
            f"  (coverage {self.coverage:.2f}, density {self.density:.2f}, support {self.support:.2f})")


def prim(x: pd.DataFrame, y, peel_alpha=0.05, min_support=0.05, min_density=None) -> tuple[Box, pd.DataFrame]:
    """Find a box of `x` (one column per uncertain parameter) where `y` (bool) is dense.

    Peels, at each iteration, the slice (lowest or highest `peel_alpha` quantile of one
    parameter) whose removal raises the density of y most, until the box holds less than
    `min_support` of the points. Returns the box chosen on the trajectory (the last one with
    density >= min_density if given, else the one maximising density * coverage) and the
    trajectory itself.
    """
    y = np.asarray(y, bool)
    if len(x) != y.size:
        raise ValueError(f"x has {len(x)} rows, y has {y.size}")
    if not y.any():
        raise ValueError("no case of interest: nothing to discover")
    values = x.to_numpy(float)
    inside = np.ones(len(x), bool)
    low = values.min(axis=0).copy()
    high = values.max(axis=0).copy()
    total_interest = y.sum()
    rows = []

    def record():
        n_in = inside.sum()
        rows.append({"coverage": y[inside].sum() / total_interest, "density": y[inside].mean(),
                     "support": n_in / len(x), "low": low.copy(), "high": high.copy()})

    record()
    while inside.sum() / len(x) > min_support:
        best = None
        for j in range(values.shape[1]):
            col = values[inside, j]
            for side in ("low", "high"):
                cut = np.quantile(col, peel_alpha if side == "low" else 1 - peel_alpha)
                keep = inside & ((values[:, j] >= cut) if side == "low" else (values[:, j] <= cut))
                removed = inside.sum() - keep.sum()
                if removed == 0 or keep.sum() == 0:
                    continue
                density = y[keep].mean()
                if best is None or density > best[0]:
                    best = (density, j, side, cut, keep)
        if best is None:
            break
        _, j, side, cut, keep = best
        inside = keep
        if side == "low":
            low[j] = cut
        else:
            high[j] = cut
        record()
    traj = pd.DataFrame(rows)
    if min_density is not None and (traj.density >= min_density).any():
        pick = traj.index[traj.density >= min_density][0]
    else:
        pick = int(np.argmax(traj.density * traj.coverage))
    chosen = traj.loc[pick]
    full_low, full_high = values.min(axis=0), values.max(axis=0)
    limits = pd.DataFrame({"low": chosen["low"], "high": chosen["high"]}, index=x.columns)
    restricted = [c for j, c in enumerate(x.columns)
                  if chosen["low"][j] > full_low[j] or chosen["high"][j] < full_high[j]]
    box = Box(limits=limits, coverage=float(chosen.coverage), density=float(chosen.density),
              support=float(chosen.support), restricted=restricted)
    return box, traj[["coverage", "density", "support"]]


def tree_rules(x: pd.DataFrame, y, max_depth=2, min_leaf=0.05):
    """A shallow classification tree (Gini splits, numpy only) as readable rules.

    Returns a list of (rule text, share of points, share of y within) for the leaves,
    sorted by the share of y. A complement to PRIM when the region is not a single box.
    """
    y = np.asarray(y, bool)
    values = x.to_numpy(float)
    n_min = max(1, int(min_leaf * len(x)))
    leaves = []

    def gini(m):
        p = y[m].mean() if m.any() else 0.0
        return 2 * p * (1 - p)

    def grow(mask, depth, conds):
        if depth == max_depth or mask.sum() < 2 * n_min or y[mask].all() or not y[mask].any():
            leaves.append((" and ".join(conds) or "(all)", mask.mean(), y[mask].mean()))
            return
        best = None
        for j in range(values.shape[1]):
            col = values[mask, j]
            for cut in np.unique(np.quantile(col, np.linspace(0.05, 0.95, 19))):
                left = mask & (values[:, j] <= cut)
                right = mask & (values[:, j] > cut)
                if left.sum() < n_min or right.sum() < n_min:
                    continue
                score = (left.sum() * gini(left) + right.sum() * gini(right)) / mask.sum()
                if best is None or score < best[0]:
                    best = (score, j, cut, left, right)
        if best is None or best[0] >= gini(mask):
            leaves.append((" and ".join(conds) or "(all)", mask.mean(), y[mask].mean()))
            return
        _, j, cut, left, right = best
        name = x.columns[j]
        grow(left, depth + 1, conds + [f"{name} <= {cut:.3g}"])
        grow(right, depth + 1, conds + [f"{name} > {cut:.3g}"])

    grow(np.ones(len(x), bool), 0, [])
    return sorted(leaves, key=lambda leaf: -leaf[2])
