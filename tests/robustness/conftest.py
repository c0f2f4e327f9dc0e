"""Fixtures for the robustness tests (docs/robustness.md): they drive the tiersim executable
given by $TIERSIM_BIN, as tests/integration does, always in a temporary directory."""
import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
BAD = HERE / "bad_input"


@pytest.fixture(scope="session")
def tiersim_bin():
    path = os.environ.get("TIERSIM_BIN")
    if not path or not Path(path).exists():
        pytest.skip("TIERSIM_BIN is not set; run through ctest")
    return path


@pytest.fixture
def tiersim(tiersim_bin, tmp_path):
    """Run tiersim in a temporary working directory; returns CompletedProcess."""

    def run(*args, check=None, **kwargs):
        proc = subprocess.run([tiersim_bin, *map(str, args)], cwd=tmp_path, capture_output=True, text=True,
                              timeout=600, **kwargs)
        if check is not None:
            assert proc.returncode == check, proc.stderr
        return proc

    return run


def snapshot(directory):
    """Every file under `directory` with its bytes (to show that nothing was written)."""
    return {p.relative_to(directory): p.read_bytes() for p in sorted(Path(directory).rglob("*")) if p.is_file()}
