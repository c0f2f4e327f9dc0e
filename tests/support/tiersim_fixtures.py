"""The tiersim executable for the pytest suites: `tiersim_bin`, its path (from $TIERSIM_BIN,
which CTest sets), and `tiersim`, which runs it in a temporary directory.

tests/conftest.py offers these fixtures to every suite under tests/; analysis/tests/conftest.py
imports them from here as well."""
import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def tiersim_bin():
    path = os.environ.get("TIERSIM_BIN")
    if not path or not Path(path).exists():
        pytest.skip("TIERSIM_BIN is not set (path of the tiersim executable); run through ctest")
    return path


@pytest.fixture
def tiersim(tiersim_bin, tmp_path):
    """Run tiersim in a temporary working directory; returns CompletedProcess. `check` is the
    exit code to expect; other keyword arguments go to subprocess.run."""

    def run(*args, check=None, **kwargs):
        proc = subprocess.run([tiersim_bin, *map(str, args)], cwd=tmp_path, capture_output=True, text=True,
                              timeout=600, **kwargs)
        if check is not None:
            assert proc.returncode == check, proc.stderr
        return proc

    return run
