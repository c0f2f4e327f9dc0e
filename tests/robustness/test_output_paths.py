"""Output paths are checked before the first run, and an output never replaces an input.

- `-o` naming an input of the command (the config, a `base:` of it, the data table it names,
  the sweep file, a shard given to merge), even with --overwrite: exit 2, one line, the input
  unchanged, nothing created. So for the files written beside it (`OUT.incomplete`, ...).
- `-o ''` is refused, not taken for the default path.
- `sweep -o` naming a directory or a path in a missing directory fails before anything runs:
  no `.incomplete` appears.
- `merge` takes the output lock of every writer: with `OUT.lock` held, it is refused."""
import fcntl

import pytest

from conftest import snapshot
from tiersim_fixtures import REPO

RUN = """\
base: mid.yaml
calendar: {months: 6}
params:
  scale: {buyers_total: 2000}
  data: {countries: countries.csv}
"""
MID = f"base: {REPO}/configs/scenarios/diffusion_rule.yaml\n"
SWEEP = """\
config: run.yaml
seed: 5
design: {kind: grid}
parameters:
  params.demand.usa_share: {values: [0.3, 0.4]}
"""


@pytest.fixture
def inputs(tmp_path):
    (tmp_path / "countries.csv").write_bytes((REPO / "configs" / "data" / "countries.csv").read_bytes())
    (tmp_path / "run.yaml").write_text(RUN)
    (tmp_path / "mid.yaml").write_text(MID)
    (tmp_path / "sweep.yaml").write_text(SWEEP)
    return tmp_path


def refused(proc, *parts):
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("tiersim: error: "), proc.stderr
    for part in parts:
        assert part in lines[0], (part, lines[0])


@pytest.mark.parametrize("target", ["run.yaml", "mid.yaml", "countries.csv", "sweep.yaml"])
@pytest.mark.parametrize("command", ["run", "sweep"])
def test_an_output_never_replaces_an_input(tiersim, inputs, command, target):
    if command == "run" and target == "sweep.yaml":
        pytest.skip("the sweep file is not an input of `run`")
    source = "run.yaml" if command == "run" else "sweep.yaml"
    before = snapshot(inputs)
    for extra in ([], ["--overwrite"]):
        refused(tiersim("-q", command, source, "-o", target, *extra), "input", target)
        assert snapshot(inputs) == before, extra


def test_a_file_written_beside_the_output_never_replaces_an_input(tiersim, inputs):
    (inputs / "r.h5.incomplete").write_text(RUN)  # the run config, under an unlucky name
    (inputs / "sweep.yaml").write_text(SWEEP.replace("config: run.yaml", "config: r.h5.incomplete"))
    before = snapshot(inputs)
    refused(tiersim("-q", "sweep", "sweep.yaml", "-o", "r.h5", "--overwrite"), "input", "r.h5.incomplete")
    assert snapshot(inputs) == before


def test_merge_never_replaces_a_shard(tiersim, inputs):
    tiersim("-q", "sweep", "sweep.yaml", "-o", "a.h5", "--shard", "0/2", check=0)
    tiersim("-q", "sweep", "sweep.yaml", "-o", "b.h5", "--shard", "1/2", check=0)
    before = snapshot(inputs)
    refused(tiersim("-q", "merge", "a.h5", "a.h5", "b.h5", "--overwrite"), "input", "a.h5")
    assert snapshot(inputs) == before


@pytest.mark.parametrize("args", [["run", "run.yaml", "-o", ""], ["sweep", "sweep.yaml", "-o", ""],
                                  ["merge", "", "a.h5"], ["run", "run.yaml", "--output", ""]])
def test_an_empty_output_path_is_refused(tiersim, inputs, args):
    before = snapshot(inputs)
    refused(tiersim("-q", *args), "empty path")
    assert snapshot(inputs) == before and not (inputs / "results").exists()


@pytest.mark.parametrize("extra", [[], ["--overwrite"], ["--resume"]])
def test_a_sweep_output_that_cannot_be_written_fails_before_any_run(tiersim, inputs, extra):
    (inputs / "dir.h5").mkdir()
    (inputs / "dir.h5" / "keep").write_text("x")
    before = snapshot(inputs)
    for out, part in (("dir.h5", "directory"), ("missing/s.h5", "does not exist")):
        refused(tiersim("-q", "sweep", "sweep.yaml", "-o", out, *extra), out, part)
        assert snapshot(inputs) == before, (out, extra)
    assert not list(inputs.glob("**/*.incomplete"))


def test_merge_takes_the_output_lock(tiersim, inputs):
    tiersim("-q", "sweep", "sweep.yaml", "-o", "a.h5", "--shard", "0/2", check=0)
    tiersim("-q", "sweep", "sweep.yaml", "-o", "b.h5", "--shard", "1/2", check=0)
    with open(inputs / "m.h5.lock", "w") as held:  # as a running writer of m.h5 holds it
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        refused(tiersim("-q", "merge", "m.h5", "a.h5", "b.h5"), "another tiersim process", "m.h5.lock")
        assert not (inputs / "m.h5").exists() and not (inputs / "m.h5.partial").exists()
    tiersim("-q", "merge", "m.h5", "a.h5", "b.h5", check=0)
    assert not (inputs / "m.h5.lock").exists()
