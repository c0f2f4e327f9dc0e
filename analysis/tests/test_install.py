"""The documented install (README.md, "Python") works offline from Debian's interpreter: a
clean venv with --system-site-packages, `pip install --no-index --no-build-isolation
--no-deps -e`, every declared dependency importable, and a registered Jupyter kernel that
imports tiersim. The package is installed from a copy, so the source tree stays untouched."""
import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ANALYSIS = Path(__file__).resolve().parents[1]
DEBIAN_PYTHON = "/usr/bin/python3"


def run(cmd, env, cwd):
    proc = subprocess.run(list(map(str, cmd)), env=env, cwd=cwd, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, f"{' '.join(map(str, cmd))}:\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


@pytest.fixture(scope="module")
def venv(tmp_path_factory):
    if not Path(DEBIAN_PYTHON).exists():
        pytest.skip("no Debian /usr/bin/python3")
    tmp = tmp_path_factory.mktemp("install")
    shutil.copytree(ANALYSIS, tmp / "analysis", ignore=shutil.ignore_patterns("tests", "__pycache__", "*.egg-info"))
    # Offline, and nothing from the user's own configuration.
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp / "home"),
           "PIP_NO_INDEX": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_CONFIG_FILE": os.devnull,
           "JUPYTER_DATA_DIR": str(tmp / "jupyter"), "PYTHONDONTWRITEBYTECODE": "1"}
    run([DEBIAN_PYTHON, "-m", "venv", "--system-site-packages", ".venv"], env, tmp)
    run([tmp / ".venv/bin/pip", "install", "--no-index", "--no-build-isolation", "--no-deps", "-e", "analysis"],
        env, tmp)
    return {"dir": tmp, "python": tmp / ".venv/bin/python", "env": env}


def test_tiersim_imports_from_the_venv_with_every_dependency(venv):
    python, env, tmp = venv["python"], venv["env"], venv["dir"]
    version = (ANALYSIS / "tiersim" / "VERSION").read_text().strip()
    out = run([python, "-c", "import importlib.metadata as m, tiersim; "
               "print(tiersim.__file__); print(tiersim.__version__); print(m.version('tiersim'))"], env, tmp / "home")
    path, module_version, dist_version = out.split()
    assert Path(path).is_relative_to(tmp / "analysis")  # editable: the copy, not the source tree
    assert module_version == dist_version == version
    deps = tomllib.loads((ANALYSIS / "pyproject.toml").read_text())["project"]["dependencies"]
    assert {"numpy", "pandas", "xarray", "netCDF4", "h5py", "scipy", "matplotlib"} <= set(deps)
    # Distribution and import names agree for all of them.
    run([python, "-c", f"import {', '.join(deps)}"], env, tmp / "home")
    # Every module of the package imports (the dependencies are complete).
    names = sorted(p.stem for p in (ANALYSIS / "tiersim").glob("*.py") if p.stem not in ("__init__", "__main__"))
    run([python, "-c", "import importlib; [importlib.import_module('tiersim.' + n) for n in " + repr(names) + "]"],
        env, tmp / "home")


def test_the_registered_kernel_imports_tiersim(venv):
    nbclient = pytest.importorskip("nbclient")
    nbformat = pytest.importorskip("nbformat")
    python, env, tmp = venv["python"], venv["env"], venv["dir"]
    run([python, "-m", "ipykernel", "install", "--user", "--name", "tiersim", "--display-name", "Python (tiersim)"],
        env, tmp)
    spec = json.loads((tmp / "jupyter" / "kernels" / "tiersim" / "kernel.json").read_text())
    assert spec["argv"][0] == str(python)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import sys, tiersim\nprint(tiersim.__file__)")])
    old = dict(os.environ)
    try:
        # The kernel is found where `ipykernel install --user` put it.
        os.environ.update(JUPYTER_PATH=env["JUPYTER_DATA_DIR"], JUPYTER_DATA_DIR=env["JUPYTER_DATA_DIR"],
                          PYDEVD_DISABLE_FILE_VALIDATION="1")
        os.environ.pop("PYTHONPATH", None)
        nbclient.NotebookClient(nb, kernel_name="tiersim", timeout=120,
                                resources={"metadata": {"path": str(tmp / "home")}}).execute()
    finally:
        os.environ.clear()
        os.environ.update(old)
    printed = nb.cells[0].outputs[0]["text"].strip()
    assert Path(printed).is_relative_to(tmp / "analysis"), printed
