"""Tidy pandas tables from tiersim results, for users who prefer pandas to xarray.

    runs = tiersim.runs_frame(ds)              # one row per run: plan, parameters, summaries
    long = tiersim.to_frame(ds, "cn_share_new_tier")   # long format: run, time, tier, value
"""
from __future__ import annotations

import pandas as pd

from .io import run_plan_variables


def runs_frame(ds, done_only=True) -> pd.DataFrame:
    """One row per run: run plan (seed, point, replicate, scenario), swept parameters and
    every per-run summary variable. With done_only, failed and pending runs are left out."""
    cols = {}
    for name, var in ds.variables.items():
        if var.dims == ("run",) and name != "run":
            cols[name] = var.values
    frame = pd.DataFrame(cols, index=pd.Index(ds.run.values, name="run"))
    if done_only and "run_status" in frame:
        frame = frame[frame.run_status == 1]
    return frame


def to_frame(ds, variable, with_plan=True) -> pd.DataFrame:
    """A variable in long (tidy) format: one row per cell, one column per dimension plus
    `value`; with_plan adds the run-plan columns (scenario, point, parameters...)."""
    if variable not in ds:
        raise KeyError(f"{variable!r} is not a variable of this file")
    var = ds[variable]
    frame = var.reset_coords(drop=True).to_dataframe(name="value").reset_index()
    if with_plan and "run" in var.dims:
        plan = [v for v in run_plan_variables(ds) if v in ds and ds[v].dims == ("run",)]
        extra = ds[plan].to_dataframe()[plan] if plan else None
        if extra is not None:
            frame = frame.merge(extra, left_on="run", right_index=True, how="left")
    # The model's unit says what is counted (H100e/month); CF's `units` only the dimension.
    units = var.attrs.get("tiersim_units") or var.attrs.get("units")
    if units:
        frame.attrs["units"] = units
    return frame
