"""Fixtures of the integration tests (tiersim_bin and tiersim come from tests/conftest.py)."""
import pytest


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
