"""One version number: `tiersim --version`, the Python package, result files and
CITATION.cff all report analysis/tiersim/VERSION (which CMake's project() reads)."""
import re
import subprocess
from pathlib import Path

import tiersim  # noqa: E402  (conftest puts analysis/ on sys.path)

REPO = Path(__file__).resolve().parents[2]
VERSION = (REPO / "analysis" / "tiersim" / "VERSION").read_text().strip()


def test_version_file_is_a_semantic_version():
    assert re.fullmatch(r"\d+\.\d+\.\d+", VERSION), VERSION


def test_executable_package_result_file_and_citation_agree(tiersim_bin, files):
    out = subprocess.run([tiersim_bin, "--version"], capture_output=True, text=True, check=True).stdout
    # "tiersim X.Y.Z (git SHA) [features]"
    assert out.split()[:2] == ["tiersim", VERSION], out
    assert tiersim.__version__ == VERSION
    with tiersim.open(files["run"]) as ds:
        assert ds.attrs["tiersim_version"] == VERSION
    citation = (REPO / "CITATION.cff").read_text()
    assert re.search(rf'^version: "{re.escape(VERSION)}"$', citation, re.M), "CITATION.cff version differs"
