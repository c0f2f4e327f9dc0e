"""Sensitivity indices straight from a `sobol` or `morris` sweep file.

    import tiersim, tiersim.sweeps
    ds = tiersim.open("results/sobol.h5")
    tiersim.sweeps.sobol(ds, "cn_share_new_t2_2030").table()
    tiersim.sweeps.morris(ds, "cn_share_new_t2_2030").table()

The outcome is a per-run variable (a summary), averaged over replicates of a design point;
with `scenario` given, only that scenario's runs. Row order of the designs:
docs/output-format.md ("Design row order").
"""
from __future__ import annotations

import numpy as np

from . import sensitivity
from .io import parameter_variables as _parameters


def _paths(ds):
    """The swept parameters' dotted config paths, which name them in the index tables."""
    return list(ds.attrs.get("design_parameters", []))


def point_values(ds, outcome, scenario=None):
    """Outcome per design point (mean over replicates) and the points' parameter values."""
    if outcome not in ds:
        raise KeyError(f"{outcome!r} is not a variable of this file")
    sel = ds
    if scenario is not None:
        sel = ds.isel(run=np.flatnonzero(ds.scenario.values == scenario))
        if sel.sizes["run"] == 0:
            raise ValueError(f"no runs of scenario {scenario!r}")
    done = sel.run_status.values == 1
    if not done.all():
        raise ValueError(f"{int((~done).sum())} runs are not done; finish the sweep (--resume) first")
    columns = [outcome, "point", *_parameters(ds)]
    # Only these columns: the run plan's other coordinates (scenario, seed) come along otherwise.
    frame = sel[columns].to_dataframe()[columns].groupby("point").mean()
    return frame[outcome].to_numpy(), frame[_parameters(ds)]


def sobol(ds, outcome, scenario=None, **kwargs) -> sensitivity.SobolResult:
    if ds.attrs.get("design_kind") != "sobol":
        raise ValueError(f"design is {ds.attrs.get('design_kind')!r}, not 'sobol'")
    y, x = point_values(ds, outcome, scenario)
    k = x.shape[1]
    if y.size % (k + 2):
        raise ValueError(f"{y.size} points is not a multiple of k + 2 = {k + 2}")
    rows = y.reshape(-1, k + 2)  # per base sample: A, AB_1..AB_k, B
    return sensitivity.sobol_indices(rows[:, 0], rows[:, -1], rows[:, 1:-1].T, names=_paths(ds), **kwargs)


def morris(ds, outcome, scenario=None, **kwargs) -> sensitivity.MorrisResult:
    if ds.attrs.get("design_kind") != "morris":
        raise ValueError(f"design is {ds.attrs.get('design_kind')!r}, not 'morris'")
    y, x = point_values(ds, outcome, scenario)
    values = x.to_numpy(float)
    lo, hi = values.min(axis=0), values.max(axis=0)
    unit = (values - lo) / np.where(hi > lo, hi - lo, 1.0)
    k = values.shape[1]
    return sensitivity.morris_effects(unit, y, trajectories=y.size // (k + 1), names=_paths(ds), **kwargs)
