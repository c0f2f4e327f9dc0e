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

import numpy as np

from .io import open as open_results
from .io import parameter_variable


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("file")
    ap.add_argument("variable")
    ap.add_argument("--sel", action="append", default=[], help="dim=value for a dimension other than run and time")
    ap.add_argument("--by", help="run coordinate to group by (e.g. scenario or a swept parameter)")
    ap.add_argument("--scenario", help="only the runs of this scenario")
    ap.add_argument("--bins", type=int, default=4, help="groups for a numeric --by (quantile bins)")
    ap.add_argument("-o", "--output", default="quickplot.png")
    args = ap.parse_args(argv)

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ds = open_results(args.file)
    if args.variable not in ds:
        raise SystemExit(f"{args.file}: no variable {args.variable!r}; variables: {', '.join(sorted(ds.data_vars))}")
    var = ds[args.variable]
    for s in args.sel:
        dim, _, value = s.partition("=")
        if dim not in var.dims:
            raise SystemExit(f"--sel {s}: {args.variable} has dims {var.dims}")
        # Numeric coordinates (tier) want a number, labels (country) the text.
        coord = var[dim]
        var = var.sel({dim: np.array(value).astype(coord.dtype).item() if coord.dtype.kind in "iuf" else value})
    if args.scenario:
        var = var.isel(run=np.flatnonzero(ds.scenario.values == args.scenario))
    time_dims = [d for d in var.dims if d.startswith("time")]
    left = [d for d in var.dims if d not in ("run", *time_dims)]
    if len(time_dims) != 1 or left:
        raise SystemExit(f"{args.variable}: select all dimensions but run and time with --sel (left: {left})")
    tdim = time_dims[0]
    groups = {"all runs": var.run.values}
    if args.by:
        if args.by in ds.attrs.get("design_parameters", []):
            args.by = parameter_variable(ds, args.by)
        key = ds[args.by].sel(run=var.run).values
        if np.issubdtype(key.dtype, np.number) and len(np.unique(key)) > args.bins:
            edges = np.quantile(key, np.linspace(0, 1, args.bins + 1))
            idx = np.clip(np.searchsorted(edges, key, side="right") - 1, 0, args.bins - 1)
            groups = {f"{args.by} in [{edges[i]:.3g}, {edges[i + 1]:.3g}]": var.run.values[idx == i]
                      for i in range(args.bins)}
        else:
            groups = {f"{args.by} = {k}": var.run.values[key == k] for k in np.unique(key)}
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


if __name__ == "__main__":
    main()
