"""Plot one variable of a tiersim result file over time, one line per group of runs.

    PYTHONPATH=analysis /usr/bin/python3 -m tiersim.quickplot FILE VARIABLE [--sel dim=value ...]
        [--by RUN_COORDINATE] [--scenario NAME] [-o figure.png]

Example: the Chinese share of Tier 2 new compute by export share, rule scenario only:
    ... -m tiersim.quickplot results/my.h5 cn_share_new_tier --sel tier=2 \\
        --by params.china.export_share --scenario diffusion_rule -o export_share.png
Lines are the median over the runs of each group (all runs if --by is not given), with the
5-95% band when a group has several runs.
"""
from __future__ import annotations

import argparse
import sys

import numpy as np

from .io import open as open_results
from .io import parameter_variable


class BadInput(Exception):
    """A mistake on the command line: one line on stderr, exit code 2."""


def _select(var, sel):
    """`var` with each `dim=value` of --sel applied; numeric coordinates (tier) take numbers."""
    for s in sel:
        dim, eq, value = s.partition("=")
        if not eq or dim not in var.dims:
            raise BadInput(f"--sel {s}: expected DIM=VALUE with DIM one of {', '.join(var.dims)}")
        coord = var[dim]
        try:
            key = np.array(value).astype(coord.dtype).item() if coord.dtype.kind in "iuf" else value
            var = var.sel({dim: key})
        except (KeyError, ValueError):
            shown = ", ".join(map(str, coord.values[:12])) + (", ..." if coord.size > 12 else "")
            raise BadInput(f"--sel {s}: {dim} has no {value!r} (it has {shown})") from None
    return var


def _groups(ds, var, by, bins):
    """{label: runs} for --by: a run coordinate, or a swept parameter by its dotted path."""
    if by is None:
        return {"all runs": var.run.values}
    if by in ds.attrs.get("design_parameters", []):
        by = parameter_variable(ds, by)
    if by not in ds or ds[by].dims != ("run",):
        names = [n for n in ds.variables if ds[n].dims == ("run",) and n != "run"]
        raise BadInput(f"--by {by}: not a variable over run; choose one of {', '.join(sorted(names))}")
    key = ds[by].sel(run=var.run).values
    if np.issubdtype(key.dtype, np.number) and len(np.unique(key)) > bins:
        edges = np.quantile(key, np.linspace(0, 1, bins + 1))
        idx = np.clip(np.searchsorted(edges, key, side="right") - 1, 0, bins - 1)
        return {f"{by} in [{edges[i]:.3g}, {edges[i + 1]:.3g}]": var.run.values[idx == i] for i in range(bins)}
    return {f"{by} = {k}": var.run.values[key == k] for k in np.unique(key)}


def plot(args):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    try:
        ds = open_results(args.file)
    except (OSError, ValueError) as e:
        raise BadInput(str(e)) from None
    if args.variable not in ds:
        raise BadInput(f"{args.file}: no variable {args.variable!r}; variables: {', '.join(sorted(ds.data_vars))}")
    var = _select(ds[args.variable], args.sel)
    if args.scenario:
        scenarios = sorted(set(ds.scenario.values.tolist()) - {""})
        if args.scenario not in scenarios:
            raise BadInput(f"--scenario {args.scenario}: not in this file (it has {', '.join(scenarios) or 'none'})")
        var = var.isel(run=np.flatnonzero(ds.scenario.sel(run=var.run).values == args.scenario))
    time_dims = [d for d in var.dims if d.startswith("time")]
    left = [d for d in var.dims if d not in ("run", *time_dims)]
    if len(time_dims) != 1 or left:
        raise BadInput(f"{args.variable}: select all dimensions but run and time with --sel (left: {', '.join(left)})")
    tdim = time_dims[0]
    groups = _groups(ds, var, args.by, args.bins)
    fig, ax = plt.subplots(figsize=(6.5, 3.6))
    for label, runs in groups.items():
        v = var.sel(run=runs)
        med = v.median("run")
        line, = ax.plot(v[tdim].values, med, lw=2, label=f"{label} ({len(runs)} runs)")
        if len(runs) > 2:
            q = v.quantile([0.05, 0.95], dim="run")
            ax.fill_between(v[tdim].values, q.isel(quantile=0), q.isel(quantile=1), color=line.get_color(), alpha=0.15)
    units = var.attrs.get("tiersim_units", var.attrs.get("units", ""))
    ax.set_ylabel(f"{args.variable}" + (f" [{units}]" if units else ""))
    ax.legend(frameon=False, fontsize=8)
    fig.savefig(args.output, dpi=150, bbox_inches="tight")
    print(f"wrote {args.output}")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("file")
    ap.add_argument("variable")
    ap.add_argument("--sel", action="append", default=[], help="dim=value for a dimension other than run and time")
    ap.add_argument("--by", help="run coordinate or swept parameter to group by (e.g. scenario, params.q)")
    ap.add_argument("--scenario", help="only the runs of this scenario")
    ap.add_argument("--bins", type=int, default=4, help="groups for a numeric --by (quantile bins)")
    ap.add_argument("-o", "--output", default="quickplot.png")
    args = ap.parse_args(argv)
    try:
        plot(args)
    except BadInput as e:
        print(f"tiersim.quickplot: error: {e}", file=sys.stderr)
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
