"""Fixtures for every pytest suite under tests/ (defined in tests/support/tiersim_fixtures.py)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "support"))

from tiersim_fixtures import tiersim, tiersim_bin  # noqa: E402,F401  (pytest finds fixtures by name here)
