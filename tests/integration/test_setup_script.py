"""scripts/setup.sh installs what each command needs: `run` (./run.sh) only what building and
running takes, `test` (./test.sh) also the test tools; `all` (the default) everything. Read
from the script's own lists and its --print mode; apt is never run."""
import re
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SETUP = REPO / "scripts" / "setup.sh"

#: Needed only by the tests, the code-shape check or the robustness jobs, never by ./run.sh.
TEST_ONLY = {"catch2", "python3-pytest", "libopenmpi-dev", "openmpi-bin", "python3-ipykernel", "python3-nbclient",
             "python3-nbformat", "udunits-bin", "clang", "libclang-rt-14-dev", "clang-tidy", "clang-format"}
#: What ./run.sh cannot do without: build the Release binary and run the analysis.
RUN_NEEDS = {"cmake", "ninja-build", "g++", "libeigen3-dev", "libtbb-dev", "libyaml-cpp-dev", "libhdf5-dev",
             "librandom123-dev", "libcli11-dev", "python3-numpy", "python3-pandas", "python3-xarray", "python3-h5py",
             "python3-netcdf4", "python3-scipy", "python3-matplotlib"}


def printed(*args):
    proc = subprocess.run(["bash", SETUP, "--print", *args], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.split()


def script_lists():
    """name -> packages of every `NAME_packages=( ... )` array in the script, comments dropped."""
    text = SETUP.read_text()
    lists = {}
    for m in re.finditer(r"^(\w+)_packages=\((.*?)^\)", text, re.S | re.M):
        words = []
        for line in m.group(2).splitlines():
            words += line.split("#", 1)[0].split()
        lists[m.group(1)] = words
    return lists


@pytest.mark.parametrize("command", ["run", "test"])
def test_each_command_installs_a_subset_of_all(command):
    assert set(printed(command)) <= set(printed("all"))


def test_all_is_the_default_and_holds_every_package_the_script_names():
    lists = script_lists()
    assert set(lists) == {"run", "test"}
    everything = printed("all")
    assert len(everything) == len(set(everything))
    assert set(everything) == set(lists["run"]) | set(lists["test"])
    assert printed() == everything


def test_run_installs_what_run_sh_needs_and_no_test_tool():
    run = set(printed("run"))
    assert run == set(script_lists()["run"])
    assert RUN_NEEDS <= run
    assert not run & TEST_ONLY, sorted(run & TEST_ONLY)
    assert TEST_ONLY <= set(printed("test"))


def test_the_scripts_ask_for_their_own_command():
    assert re.search(r"^scripts/setup\.sh run$", (REPO / "run.sh").read_text(), re.M)
    assert re.search(r"^scripts/setup\.sh test$", (REPO / "test.sh").read_text(), re.M)


def test_an_unknown_command_is_refused():
    proc = subprocess.run(["bash", SETUP, "--print", "tests"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert "unknown command 'tests'" in proc.stderr
