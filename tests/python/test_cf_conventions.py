"""Result files follow CF-1.8 (docs/output-format.md, "CF conventions"), checked with
netCDF4 and Debian's `udunits2` tool (cfchecker and cf-units are not Debian packages):
names, units UDUNITS parses, `coordinates` linking the run plan to every output, typed
`flag_values`, global attributes, a numeric `tier` coordinate. Files: one diffusion run, a
small paired diffusion sweep (Latin hypercube over two parameters with units) and every
reference model, all tiny."""
import os
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

netCDF4 = pytest.importorskip("netCDF4")
xr = pytest.importorskip("xarray")

REPO = Path(__file__).resolve().parents[2]
CF_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
SMALL = ["--set", "params.scale.buyers_total=2000", "--set", "calendar.months=12"]

SWEEP = f"""\
seed: 3
design: {{kind: lhs, samples: 2}}
parameters:
  params.china.export_share: {{min: 0.01, max: 0.1}}
  params.demand.world_2025: {{min: 1.0e7, max: 1.2e7}}
replicates: 1
pair_with:
  - {{name: diffusion_rule, config: {REPO}/configs/scenarios/diffusion_rule.yaml}}
  - {{name: no_controls, config: {REPO}/configs/scenarios/no_controls.yaml}}
set:
  params.scale.buyers_total: 1000
  calendar.months: 12
"""


@pytest.fixture(scope="module")
def result_files(tmp_path_factory):
    binary = os.environ.get("TIERSIM_BIN")
    if not binary:
        pytest.skip("TIERSIM_BIN is not set; run through ctest")
    d = tmp_path_factory.mktemp("cf")
    (d / "sweep.yaml").write_text(SWEEP)
    runs = [["run", REPO / "configs/scenarios/diffusion_rule.yaml", *SMALL, "-o", "run.h5"],
            ["sweep", "sweep.yaml", "-o", "sweep.h5"]]
    for ref in sorted((REPO / "configs" / "reference").glob("*.yaml")):
        runs.append(["run", ref, "-o", f"{ref.stem}.h5"])
    for args in runs:
        subprocess.run([binary, "-q", *map(str, args)], cwd=d, check=True, capture_output=True, timeout=300)
    return {p.stem: p for p in d.glob("*.h5")}


def udunits_rejects(units):
    """The units `udunits2` does not parse."""
    tool = shutil.which("udunits2")
    assert tool, "udunits2 not found: install Debian's udunits-bin (scripts/setup.sh does)"
    bad = []
    for u in sorted(units):
        out = subprocess.run([tool, "-H", u, "-W", ""], capture_output=True, text=True, timeout=30)
        if out.returncode != 0 or "Don't recognize" in out.stdout + out.stderr:
            bad.append(u)
    return bad


def run_variables(nc):
    """Data variables over `run` that are not part of the run plan."""
    plan = set(nc.getncattr("design_variables")) if "design_variables" in nc.ncattrs() else set()
    plan |= {"seed", "point", "replicate", "scenario", "trajectory", "run"}
    return [v for v in nc.variables.values() if v.dimensions[:1] == ("run",) and v.name not in plan]


def test_names_units_and_global_attributes(result_files):
    units = set()
    for name, path in result_files.items():
        with netCDF4.Dataset(path) as nc:
            assert nc.getncattr("Conventions") == "CF-1.8"
            for attr in ("title", "history", "source", "references"):
                assert nc.getncattr(attr).strip(), (name, attr)
            assert nc.getncattr("source").startswith("tiersim ")
            for n in list(nc.variables) + list(nc.dimensions):
                assert CF_NAME.fullmatch(n), f"{name}: {n!r} is not a CF name"
            for v in nc.variables.values():
                for attr in v.ncattrs():
                    assert CF_NAME.fullmatch(attr) or attr == "_FillValue", (name, v.name, attr)
                if "units" in v.ncattrs():
                    units.add(v.getncattr("units"))
                    # The model's unit is kept beside the CF one.
                    assert "tiersim_units" in v.ncattrs() or v.name.startswith("time"), (name, v.name)
    assert {"1", "month-1", "days since 1970-01-01"} <= units
    assert udunits_rejects(units) == []
    # And the check can fail: the model's own spellings are not UDUNITS units.
    assert set(udunits_rejects({"H100e", "USD/month", "countries"})) == {"H100e", "USD/month", "countries"}


def test_run_plan_is_linked_to_every_output(result_files):
    with netCDF4.Dataset(result_files["sweep"]) as nc:
        params = list(nc.getncattr("design_variables"))
        assert params == ["params_china_export_share", "params_demand_world_2025"]
        assert list(nc.getncattr("design_parameters")) == ["params.china.export_share", "params.demand.world_2025"]
        for p, path in zip(params, nc.getncattr("design_parameters")):
            var = nc[p]
            assert var.getncattr("config_path") == path
            assert var.getncattr("long_name") and not var.getncattr("long_name").startswith("swept parameter")
        assert nc["params_demand_world_2025"].getncattr("units") == "year-1"
        assert nc["params_demand_world_2025"].getncattr("tiersim_units") == "H100e/year"
        outputs = run_variables(nc)
        assert {"cn_share_new_tier", "run_status", "cn_share_new_t2_2030"} <= {v.name for v in outputs}
        for v in outputs:
            coords = v.getncattr("coordinates").split()
            assert {"scenario", "point", "replicate", "seed", *params} <= set(coords), v.name
            assert all(c in nc.variables and nc[c].dimensions == ("run",) for c in coords)
    # Plain xarray follows `coordinates`: the plan stays with every output, and tier is a number.
    with xr.open_dataset(result_files["sweep"], engine="netcdf4") as ds:
        share = ds.cn_share_new_tier.sel(tier=2)
        assert {"scenario", "params_china_export_share"} <= set(share.coords)
        assert share.sel(run=share.scenario == "no_controls").sizes["run"] == 2
    with netCDF4.Dataset(result_files["run"]) as nc:
        assert nc["tier"].dtype == np.int64 and list(nc["tier"][:]) == [1, 2, 3]
        assert nc["country"].dtype == str


def test_run_status_flags_are_typed(result_files):
    for name in ("run", "sweep", "bass"):
        with netCDF4.Dataset(result_files[name]) as nc:
            status = nc["run_status"]
            flags = status.getncattr("flag_values")
            assert status.dtype == np.int8 and flags.dtype == np.int8, name
            assert flags.tolist() == [0, 1, 2]
            assert status.getncattr("flag_meanings").split() == ["pending", "done", "failed"]
