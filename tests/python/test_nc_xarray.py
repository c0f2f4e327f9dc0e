"""xarray (netCDF4 engine) reads NcFile output as a netCDF-4 dataset.

The file is written by the C++ helper tests/tools/make_sample_nc, located through the
environment variable TIERSIM_MAKE_SAMPLE_NC (set by the build's test wiring).
Needs xarray and netCDF4 (Debian: python3-xarray, python3-netcdf4).
"""
import os
import subprocess

import numpy as np
import pytest

xr = pytest.importorskip("xarray")
pytest.importorskip("netCDF4")

HELPER = os.environ.get("TIERSIM_MAKE_SAMPLE_NC")


@pytest.fixture(scope="module")
def sample_path(tmp_path_factory):
    if not HELPER:
        pytest.skip("TIERSIM_MAKE_SAMPLE_NC is not set (path of the make_sample_nc helper)")
    path = tmp_path_factory.mktemp("nc") / "sample.h5"
    subprocess.run([HELPER, str(path)], check=True)
    return path


def test_dims_and_coordinates(sample_path):
    with xr.open_dataset(sample_path, engine="netcdf4") as ds:
        assert dict(ds.sizes) == {"time": 3, "country": 4}
        assert set(ds.coords) == {"time", "country"}
        assert ds["time"].dtype == np.dtype("datetime64[ns]")
        expected = np.array(["2024-01-01", "2024-01-02", "2024-03-01"], dtype="datetime64[ns]")
        np.testing.assert_array_equal(ds["time"].values, expected)
        assert list(ds["country"].values) == ["USA", "CHN", "IND", "ARE"]
        assert ds["country"].attrs["long_name"] == "ISO3 code"
        assert ds["time"].encoding["units"] == "days since 1970-01-01"
        assert ds["time"].encoding["calendar"] == "proleptic_gregorian"


def test_variables_and_attributes(sample_path):
    with xr.open_dataset(sample_path, engine="netcdf4") as ds:
        demand = ds["demand"]
        assert demand.dims == ("time", "country")
        assert demand.dtype == np.float64
        assert demand.attrs["units"] == "chips"
        assert demand.attrs["long_name"] == "AI-chip demand"
        assert demand.attrs["scale"] == 0.5
        expected = np.array([[10 * t + c + 0.25 for c in range(4)] for t in range(3)])
        np.testing.assert_array_equal(demand.values, expected)
        assert demand.sel(country="IND", time="2024-03-01").item() == 22.25
        assert demand.encoding["zlib"] and demand.encoding["shuffle"]
        assert demand.encoding["chunksizes"] == (1, 4)
        assert np.isnan(demand.encoding["_FillValue"])
        assert ds.attrs["title"] == "tiersim sample"
        assert ds.attrs["seed"] == 42
        assert ds.attrs["tiersim_format"] == "tiersim-output"
        assert ds.attrs["complete"] == 1


def test_integer_variable(sample_path):
    # Integer variables carry no _FillValue, so xarray's default decoding keeps them
    # integers (with one, it would turn them into floats and show 0 as NaN).
    with xr.open_dataset(sample_path, engine="netcdf4") as ds:
        tier = ds["tier"]
        assert tier.dims == ("country",)
        assert tier.dtype == np.int8
        assert "_FillValue" not in tier.attrs and "_FillValue" not in tier.encoding
        np.testing.assert_array_equal(tier.values, np.array([1, 3, 2, 2], dtype=np.int8))


def test_netcdf4_library_view(sample_path):
    import netCDF4

    with netCDF4.Dataset(sample_path) as nc:
        assert nc.data_model == "NETCDF4"
        assert {name: len(dim) for name, dim in nc.dimensions.items()} == {"time": 3, "country": 4}
        assert nc["country"].dtype == str
        assert nc["demand"].dimensions == ("time", "country")
