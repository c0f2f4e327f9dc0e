"""`cmake --install` and the CMake package: install the build (TIERSIM_BUILD_DIR, set by
CTest) into a temporary prefix, build the project in this folder against it with
find_package(tiersim), run it, and compare its numbers with the installed executable's."""
import os
import subprocess
from pathlib import Path

import h5py
import pytest

HERE = Path(__file__).resolve().parent
VERSION = (HERE.parents[1] / "analysis" / "tiersim" / "VERSION").read_text().strip()

CONFIG = """model: bass
seed: 11
calendar: {start: 2025-01, months: 12}
params: {markets: 2, agents_per_market: 2000, p: 0.03, q: 0.38}
record:
  - {variable: adoption_share, level: world}
  - {variable: new_adopters, level: world}
"""


def run(cmd, **kwargs):
    proc = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=600, **kwargs)
    assert proc.returncode == 0, f"{cmd}\n{proc.stdout}\n{proc.stderr}"
    return proc


@pytest.fixture(scope="module")
def prefix(tmp_path_factory):
    build = os.environ.get("TIERSIM_BUILD_DIR")
    if not build:
        pytest.skip("TIERSIM_BUILD_DIR is not set (the build to install); run through ctest")
    prefix = tmp_path_factory.mktemp("prefix")
    run([os.environ.get("CMAKE_COMMAND", "cmake"), "--install", build, "--prefix", prefix])
    return prefix


def test_install_puts_the_executable_headers_and_package_in_the_prefix(prefix):
    assert (prefix / "bin" / "tiersim").is_file()
    assert (prefix / "include" / "tiersim" / "sim" / "engine" / "simulation.hpp").is_file()
    assert (prefix / "include" / "tiersim" / "models" / "register.hpp").is_file()
    assert not list((prefix / "include").rglob("*.cpp"))
    configs = list(prefix.rglob("tiersimConfig.cmake"))
    assert len(configs) == 1
    assert (configs[0].parent / "tiersimTargets.cmake").is_file()
    assert f'PACKAGE_VERSION "{VERSION}"' in (configs[0].parent / "tiersimConfigVersion.cmake").read_text()
    proc = run([prefix / "bin" / "tiersim", "--version"])
    assert VERSION in proc.stdout


def test_a_project_built_with_find_package_runs_a_model_like_the_executable(prefix, tmp_path):
    env = dict(os.environ)
    cmake = env.get("CMAKE_COMMAND", "cmake")
    configure = [cmake, "-S", HERE, "-B", tmp_path / "build", f"-DCMAKE_PREFIX_PATH={prefix}",
                 "-DCMAKE_BUILD_TYPE=Release"]
    if env.get("CMAKE_CXX_COMPILER"):
        configure.append(f"-DCMAKE_CXX_COMPILER={env['CMAKE_CXX_COMPILER']}")
    if env.get("CMAKE_C_COMPILER"):
        configure.append(f"-DCMAKE_C_COMPILER={env['CMAKE_C_COMPILER']}")
    proc = run(configure)
    assert "tiersim" not in proc.stderr, proc.stderr  # no warnings about the package
    run([cmake, "--build", tmp_path / "build", "-j", "2"])
    (tmp_path / "bass.yaml").write_text(CONFIG)
    out = run([tmp_path / "build" / "run_model", tmp_path / "bass.yaml"]).stdout.splitlines()
    assert out[0] == "model bass months 12"
    values = dict((name, float(v)) for name, v in (line.split() for line in out[1:]))
    assert set(values) == {"adoption_share_world", "new_adopters_world"}
    assert 0.0 < values["adoption_share_world"] < 1.0

    run([prefix / "bin" / "tiersim", "-q", "run", "bass.yaml", "-o", "bass.h5"], cwd=tmp_path)
    with h5py.File(tmp_path / "bass.h5", "r") as f:
        for name, value in values.items():
            assert f[name][...].reshape(-1)[-1] == value, name

    # A bad config is reported through the library's InputError, naming the key.
    (tmp_path / "bad.yaml").write_text(CONFIG.replace("p: 0.03", "pp: 0.03"))
    proc = subprocess.run([tmp_path / "build" / "run_model", tmp_path / "bad.yaml"], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 2 and "pp" in proc.stderr
