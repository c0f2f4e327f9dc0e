"""Helpers of the robustness tests (docs/robustness.md). They drive the tiersim executable
through the fixtures of tests/conftest.py, always in a temporary directory."""
from pathlib import Path

HERE = Path(__file__).resolve().parent
BAD = HERE / "bad_input"


def snapshot(directory):
    """Every file under `directory` with its bytes (to show that nothing was written)."""
    return {p.relative_to(directory): p.read_bytes() for p in sorted(Path(directory).rglob("*")) if p.is_file()}
