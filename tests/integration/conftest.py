"""Fixtures for tests that run the tiersim executable (path from $TIERSIM_BIN)."""
import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def tiersim_bin():
    path = os.environ.get("TIERSIM_BIN")
    if not path or not Path(path).exists():
        pytest.skip("TIERSIM_BIN is not set; run through ctest")
    return path


@pytest.fixture
def tiersim(tiersim_bin, tmp_path):
    """Run tiersim in a temporary working directory; returns CompletedProcess."""

    def run(*args, check=None):
        proc = subprocess.run([tiersim_bin, *map(str, args)], cwd=tmp_path, capture_output=True, text=True,
                              timeout=600)
        if check is not None:
            assert proc.returncode == check, proc.stderr
        return proc

    return run


@pytest.fixture
def small_bass(tmp_path):
    cfg = tmp_path / "small.yaml"
    cfg.write_text(
        "model: bass\n"
        "seed: 21\n"
        "calendar: {start: 2025-01, months: 24}\n"
        "params:\n"
        "  markets: 3\n"
        "  agents_per_market: 20000\n"
        "record:\n"
        "  - {variable: adoption_share, level: world}\n"
        "  - {variable: adopters}\n")
    return cfg
