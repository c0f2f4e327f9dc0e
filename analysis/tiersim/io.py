"""Open tiersim result files as xarray Datasets.

A tiersim file is a CF-1.8 netCDF-4 file (HDF5 underneath) with a root attribute
``tiersim_format = "tiersim-output"`` and ``format_version = "MAJOR.MINOR"``. A reader
accepts any minor version of the major version it knows and refuses the others: a major
bump means the layout changed in a way old readers would misread (docs/output-format.md).

Swept parameters are variables with CF-safe names (``params_china_export_share``) whose
``config_path`` attribute is the dotted key of the sweep file (``params.china.export_share``);
``parameter_variable`` maps one to the other.
"""
from __future__ import annotations

import builtins
import os
import warnings
from typing import Iterable

import numpy as np
import xarray as xr

#: The major format version this reader understands.
FORMAT_MAJOR = 2

#: Per-run variables that describe the plan rather than results; coordinates along ``run``
#: (together with one variable per swept parameter, root attribute ``design_variables``).
RUN_PLAN_VARIABLES = ("seed", "point", "replicate", "scenario", "trajectory")

_HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"


def _text(value):
    """Attribute value with byte strings decoded to str (also inside arrays and lists)."""
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, np.ndarray) and value.dtype.kind in "SO":
        return [_text(v) for v in value.tolist()]
    if isinstance(value, (list, tuple)):
        return [_text(v) for v in value]
    return value


def _decode_attrs(attrs: dict) -> dict:
    return {key: _text(value) for key, value in attrs.items()}


def _check_header(path: str):
    """Raise ValueError unless ``path`` is a tiersim file of a supported major version.
    Returns its root attributes and the status of every run (``run_status``; None if absent)."""
    if not os.path.exists(path):
        raise FileNotFoundError(path)
    with builtins.open(path, "rb") as f:
        # The HDF5 signature is at offset 0 for every file tiersim writes.
        if f.read(8) != _HDF5_SIGNATURE:
            raise ValueError(f"{path}: not an HDF5 file, so not a tiersim result file")
    import netCDF4  # local: only needed here and for xarray's netcdf4 engine

    try:
        with netCDF4.Dataset(path, "r") as nc:
            attrs = {name: _text(nc.getncattr(name)) for name in nc.ncattrs()}
            status = None
            if "run_status" in nc.variables:
                nc.variables["run_status"].set_auto_mask(False)
                status = np.asarray(nc.variables["run_status"][:])
    except OSError as e:
        raise ValueError(f"{path}: cannot be read as netCDF-4/HDF5 ({e})") from e
    if attrs.get("tiersim_format") != "tiersim-output":
        raise ValueError(f"{path}: not a tiersim result file (no root attribute tiersim_format = 'tiersim-output')")
    version = str(attrs.get("format_version", ""))
    try:
        major = int(version.split(".")[0])
    except ValueError:
        raise ValueError(f"{path}: tiersim file with an unreadable format_version {version!r}") from None
    if major != FORMAT_MAJOR:
        raise ValueError(
            f"{path}: tiersim file format {version}, but this reader supports {FORMAT_MAJOR}.x only; "
            f"use a tiersim package that matches the file's major version")
    return attrs, status


def _partial(path: str, attrs: dict, status) -> str | None:
    """Why ``path`` does not hold final results (with how many runs are done), or None."""
    total = 0 if status is None else int(status.size)
    done = 0 if status is None else int(np.count_nonzero(status == 1))
    failed = 0 if status is None else int(np.count_nonzero(status == 2))
    pending = total - done - failed
    counts = f"{done} of {total} runs done, {failed} failed, {pending} pending"
    if attrs.get("complete") != 1:
        return (f"{path}: not a finished result ({counts}): the sweep was interrupted or is still running; "
                f"finish it with `tiersim sweep SWEEP -o OUT --resume`")
    if pending:
        shard = attrs.get("shard")
        what = f"shard {shard} of a sweep" if shard else "a file with runs that never ran"
        return f"{path}: {what} ({counts}); merge the shards with `tiersim merge OUT SHARD...`"
    return None


def _as_list(value) -> list:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def parameter_variables(ds: xr.Dataset) -> list[str]:
    """Variable names of the swept parameters, in design order (``params_q``, ...)."""
    return _as_list(ds.attrs.get("design_variables"))


def parameter_variable(ds: xr.Dataset, name: str) -> str:
    """The variable of a swept parameter given its dotted config path or its variable name
    (``"params.q"`` or ``"params_q"`` -> ``"params_q"``); KeyError naming the swept ones."""
    variables = parameter_variables(ds)
    paths = _as_list(ds.attrs.get("design_parameters"))
    if name in variables:
        return name
    if name in paths:
        return variables[paths.index(name)]
    swept = ", ".join(paths) if paths else "none"
    raise KeyError(f"{name!r} is not a swept parameter of this file (swept: {swept})")


def run_plan_variables(ds: xr.Dataset) -> list[str]:
    """Names of the run-plan variables present in ``ds``: seed, point, replicate, scenario,
    trajectory and every swept parameter (root attribute ``design_variables``)."""
    names: Iterable[str] = list(RUN_PLAN_VARIABLES) + parameter_variables(ds)
    return [n for n in names if n in ds.variables and ds[n].dims == ("run",)]


def open(path, allow_partial: bool = False, **kwargs) -> xr.Dataset:  # noqa: A001 - reads like open()
    """Open a tiersim result file (single run or sweep) as an ``xarray.Dataset``.

    Checks the format first and raises ``ValueError`` for files that are not tiersim
    results or have an unknown major format version. Raises ``ValueError`` too, saying how
    many runs are done, for a file that does not hold final results: an interrupted or
    running sweep (``OUT.incomplete``, no ``complete`` attribute) or a shard (runs of the
    other shards pending); ``allow_partial=True`` opens it anyway, with a warning, and the
    runs not done have ``run_status`` 0 and fill values. Byte-string attributes are decoded
    to ``str``; ``design_parameters`` and ``design_variables`` are always lists; run-plan
    variables are coordinates along ``run`` (the file's CF ``coordinates`` attributes say
    so), so ``ds.groupby("params_q")`` and ``ds.sel(run=ds.scenario == "rule")`` work on
    every variable. Extra keyword arguments go to ``xarray.open_dataset``.
    """
    path = os.fspath(path)
    attrs, status = _check_header(path)
    why = _partial(path, attrs, status)
    if why and not allow_partial:
        raise ValueError(f"{why}. To read the runs done so far, pass allow_partial=True")
    if why:
        warnings.warn(f"{why}; reading it as asked (allow_partial=True)", stacklevel=2)
    kwargs.setdefault("engine", "netcdf4")
    ds = xr.open_dataset(path, **kwargs)
    ds.attrs = _decode_attrs(ds.attrs)
    for key in ("design_parameters", "design_variables"):
        if key in ds.attrs:
            ds.attrs[key] = _as_list(ds.attrs[key])
    for name in ds.variables:
        ds[name].attrs = _decode_attrs(ds[name].attrs)
    plan = run_plan_variables(ds)
    ds = ds.set_coords(plan)
    # Every variable over run alone in memory (one number or text per run): a condition on
    # the plan can then select runs, ds.sel(run=ds.scenario == "rule"), which netCDF4
    # cannot do on lazily read conditions or text variables (run_error).
    for name in list(ds.variables):
        if ds[name].dims == ("run",):
            ds[name].load()
    return ds
