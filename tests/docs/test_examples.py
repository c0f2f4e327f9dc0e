"""The notebooks in examples/ run top to bottom without an error (nbclient, Debian's
python3-nbclient and python3-ipykernel), each in a temporary directory with the built
tiersim and the analysis package from this tree."""
import os
import shutil
from pathlib import Path

import pytest

nbclient = pytest.importorskip("nbclient")
nbformat = pytest.importorskip("nbformat")

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((REPO / "examples").glob("*.ipynb"))


def test_there_are_the_two_examples():
    assert [p.name for p in NOTEBOOKS] == ["claim_test.ipynb", "explore_run.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs(path, tmp_path, monkeypatch):
    binary = os.environ.get("TIERSIM_BIN")
    if not binary:
        pytest.skip("TIERSIM_BIN is not set; run through ctest")
    work = tmp_path / "examples"
    work.mkdir()
    shutil.copy(path, work)
    # The kernel inherits these: the executable, the repository's configs, the package.
    monkeypatch.setenv("TIERSIM_BIN", binary)
    monkeypatch.setenv("TIERSIM_REPO", str(REPO))
    monkeypatch.setenv("PYTHONPATH", str(REPO / "analysis"))
    monkeypatch.setenv("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    nb = nbformat.read(work / path.name, as_version=4)
    assert nb.metadata.kernelspec.name == "tiersim"  # the kernel README.md registers
    # Here the kernel is this interpreter's own ipykernel ("python3").
    nbclient.NotebookClient(nb, kernel_name="python3", timeout=300,
                            resources={"metadata": {"path": str(work)}}).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors
    assert all(c.get("outputs") for c in nb.cells if c.cell_type == "code")  # every cell shows something
    assert (work / "results").is_dir()
