"""TIERSIM_WITH_MPI=AUTO, what the `release` preset (./run.sh) uses: MPI when CMake finds it,
and a build without MPI, not a failed configure, when it does not. Configures only (no
build) into temporary folders; a machine without MPI is imitated with
CMAKE_DISABLE_FIND_PACKAGE_MPI."""
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CMAKE = os.environ.get("CMAKE_COMMAND") or shutil.which("cmake")


def configure(build, *args):
    if not CMAKE:
        pytest.skip("cmake is not on PATH")
    return subprocess.run([CMAKE, "--preset", "release", "-B", str(build), *args], cwd=REPO, capture_output=True,
                          text=True, timeout=600)


def mpi_line(proc):
    found = re.findall(r"^-- tiersim: MPI (.*)$", proc.stdout, re.M)
    assert len(found) == 1, proc.stdout + proc.stderr
    return found[0]


def test_release_uses_mpi_when_cmake_finds_it(tmp_path):
    if shutil.which("mpicxx") is None:
        pytest.skip("no MPI here (Debian: libopenmpi-dev)")
    proc = configure(tmp_path / "b")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert mpi_line(proc).startswith("on")


def test_release_without_mpi_configures_without_it(tmp_path):
    proc = configure(tmp_path / "b", "-DCMAKE_DISABLE_FIND_PACKAGE_MPI=ON")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert mpi_line(proc).startswith("off")
    # ON means required: the same machine fails to configure, naming MPI.
    proc = configure(tmp_path / "c", "-DCMAKE_DISABLE_FIND_PACKAGE_MPI=ON", "-DTIERSIM_WITH_MPI=ON")
    assert proc.returncode != 0
    assert "MPI" in proc.stderr
