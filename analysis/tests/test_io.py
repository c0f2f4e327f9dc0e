"""tiersim.open and plain xarray on files written by the tiersim executable."""
import shutil

import numpy as np
import pytest

xr = pytest.importorskip("xarray")
pytest.importorskip("netCDF4")

import tiersim  # noqa: E402  (conftest puts analysis/ on sys.path)


def test_xarray_reads_a_run_file(files):
    with xr.open_dataset(files["run"], engine="netcdf4") as ds:
        assert dict(ds.sizes) == {"run": 1, "time": 12, "market": 2}
        assert ds["time"].dtype == np.dtype("datetime64[ns]")
        assert str(ds["time"].values[0])[:10] == "2025-01-01"
        assert list(ds["market"].values) == ["m1", "m2"]
        assert ds["adopters"].dims == ("run", "time", "market")
        # CF units (UDUNITS: agents are counted, dimensionless); the model's unit beside them.
        assert ds["adopters"].attrs["units"] == "1" and ds["adopters"].attrs["tiersim_units"] == "agents"
        # The run plan has one entry in a single-run file.
        assert ds["point"].values.tolist() == [0] and ds["replicate"].values.tolist() == [0]
        assert ds["run_status"].values.tolist() == [1]
        assert ds.attrs["complete"] == 1


def test_xarray_reads_a_sweep_file(files):
    with xr.open_dataset(files["sweep"], engine="netcdf4") as ds:
        assert ds.sizes["run"] == 16
        # CF `coordinates` attributes: plain xarray keeps the run plan with every output.
        for name in ("params_q", "params_p", "point", "replicate", "scenario", "seed"):
            assert ds[name].dims == ("run",) and name in ds.coords
        assert ds["params_q"].dtype == np.float64
        assert ds["params_q"].attrs["config_path"] == "params.q"
        assert ds.attrs["design_kind"] == "grid"
        assert list(ds.attrs["design_parameters"]) == ["params.q", "params.p"]
        assert list(ds.attrs["design_variables"]) == ["params_q", "params_p"]
        assert len(ds.attrs["sweep_hash"]) == 64
        means = ds["final_adoption_share"].groupby("params_q").mean()
        assert means.sizes["params_q"] == 2
        assert (ds["run_status"] == 1).all()


def test_tiersim_open_makes_the_run_plan_coordinates(files):
    with tiersim.open(files["sweep"]) as ds:
        for name in ("params_q", "params_p", "point", "replicate", "scenario", "seed"):
            assert name in ds.coords
        assert ds.attrs["design_parameters"] == ["params.q", "params.p"]
        assert tiersim.parameter_variable(ds, "params.q") == "params_q" == tiersim.parameter_variable(ds, "params_q")
        with pytest.raises(KeyError, match="not a swept parameter.*swept: params.q, params.p"):
            tiersim.parameter_variable(ds, "params.r")
        share = ds["final_adoption_share"]
        by_q = share.groupby("params_q").mean()
        assert list(by_q["params_q"].values) == [0.3, 0.6]
        # More imitation, faster adoption (same seeds for both q: common random numbers).
        assert by_q.values[1] > by_q.values[0]
        rule = ds.sel(run=(ds.scenario == "rule").values)
        assert rule.sizes["run"] == 8 and set(rule.scenario.values) == {"rule"}
        # Paired scenarios share the seed of their (point, replicate).
        base = ds.sel(run=(ds.scenario == "baseline").values)
        np.testing.assert_array_equal(base.seed.values, rule.seed.values)
        np.testing.assert_array_equal(base["params_q"].values, rule["params_q"].values)
        # Selecting runs keeps the plan attached to every variable.
        one = ds["adoption_share_world"].sel(run=5)
        assert float(one["params_q"]) == float(ds["params_q"][5])


def test_attributes_are_str(files, tmp_path):
    with tiersim.open(files["run"]) as ds:
        assert isinstance(ds.attrs["config_yaml"], str)
        assert 'model: "bass"' in ds.attrs["config_yaml"]
        assert isinstance(ds["adopters"].attrs["tiersim_units"], str)
    # Byte strings written by other tools (h5py writes numpy bytes as fixed-length strings).
    h5py = pytest.importorskip("h5py")
    copy = tmp_path / "bytes.h5"
    shutil.copy(files["run"], copy)
    with h5py.File(copy, "r+") as f:
        f.attrs["note"] = np.bytes_(b"written by h5py")
        f.attrs["names"] = np.array([b"a", b"b"])
    with tiersim.open(copy) as ds:
        assert ds.attrs["note"] == "written by h5py"
        assert ds.attrs["names"] == ["a", "b"]


def test_refuses_an_unknown_major_version(files, tmp_path):
    h5py = pytest.importorskip("h5py")
    future = tmp_path / "future.h5"
    shutil.copy(files["run"], future)
    with h5py.File(future, "r+") as f:
        f.attrs["format_version"] = np.bytes_(b"3.0")
    with pytest.raises(ValueError, match=r"format 3\.0.*supports 2\.x"):
        tiersim.open(future)
    # A newer minor version of the same major is fine.
    minor = tmp_path / "minor.h5"
    shutil.copy(files["run"], minor)
    with h5py.File(minor, "r+") as f:
        f.attrs["format_version"] = np.bytes_(b"2.7")
    with tiersim.open(minor) as ds:
        assert ds.sizes["run"] == 1


def test_refuses_files_that_are_not_tiersim_results(tmp_path):
    h5py = pytest.importorskip("h5py")
    foreign = tmp_path / "foreign.h5"
    with h5py.File(foreign, "w") as f:
        f["x"] = [1, 2, 3]
    with pytest.raises(ValueError, match="not a tiersim result file"):
        tiersim.open(foreign)
    junk = tmp_path / "junk.h5"
    junk.write_bytes(b"not hdf5 at all")
    with pytest.raises(ValueError, match="not an HDF5 file"):
        tiersim.open(junk)
