"""Results from different inputs are never mixed. A sweep's hash covers the content of every
file its runs read: the data files its parameters name (here the country table) byte for
byte, the sweep file, the run config and its `base:` chain by what they say (a comment
changes nothing). Edit one of them between a crash and `--resume`, or between two `--shard`
runs, and `--resume` / `merge` refuse with exit 2, one line naming the file that changed,
and touch nothing; restore it and they succeed."""
import os
import signal
import subprocess

import pytest

from conftest import snapshot
from tiersim_fixtures import REPO

RUN = """\
base: mid.yaml
calendar: {months: 6}
params:
  scale: {buyers_total: 2000}
  data: {countries: data/countries.csv}
"""
MID = f"base: {REPO}/configs/scenarios/diffusion_rule.yaml\n"
SWEEP = """\
config: run.yaml
seed: 5
replicates: {replicates}
design: {{kind: grid}}
parameters:
  params.demand.usa_share: {{values: [0.3, 0.4]}}
"""


def change_table(text):
    # Aruba's population, one person more: a legal table with other numbers.
    assert ",107359," in text
    return text.replace(",107359,", ",107360,", 1)


# Which input is edited -> (file, edit).
EDITS = {
    "data table": ("data/countries.csv", change_table),
    "run config": ("run.yaml", lambda text: text.replace("buyers_total: 2000", "buyers_total: 2100")),
    "base config": ("mid.yaml", lambda text: text + "params: {demand: {growth_first: 2.3}}\n"),
    "sweep file": ("sweep.yaml", lambda text: text.replace("seed: 5", "seed: 6")),
}
COMMENTS = {name: (path, lambda text: text + "# a comment\n") for name, (path, _) in EDITS.items() if name != "data table"}


def prepare(tmp_path, replicates=2):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "countries.csv").write_bytes((REPO / "configs" / "data" / "countries.csv").read_bytes())
    (tmp_path / "run.yaml").write_text(RUN)
    (tmp_path / "mid.yaml").write_text(MID)
    (tmp_path / "sweep.yaml").write_text(SWEEP.format(replicates=replicates))


def edit(tmp_path, what):
    name, change = EDITS[what]
    path = tmp_path / name
    original = path.read_text()
    path.write_text(change(original))
    return lambda: path.write_text(original)


def check_refused(proc, changed, before, tmp_path):
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("tiersim: error: "), proc.stderr
    assert f"input file '{tmp_path.resolve() / changed}'" in lines[0] and "different sweep" in lines[0], lines[0]
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("what", EDITS)
def test_resume_of_a_finished_sweep_refuses_changed_inputs(tiersim, tmp_path, what):
    prepare(tmp_path)
    tiersim("-q", "sweep", "sweep.yaml", "-o", "s.h5", check=0)
    restore = edit(tmp_path, what)
    before = snapshot(tmp_path)
    check_refused(tiersim("-q", "sweep", "sweep.yaml", "-o", "s.h5", "--resume"), EDITS[what][0], before, tmp_path)
    restore()
    tiersim("-q", "sweep", "sweep.yaml", "-o", "s.h5", "--resume", check=0)


@pytest.mark.parametrize("what", COMMENTS)
def test_a_comment_in_a_config_changes_nothing(tiersim, tmp_path, what):
    prepare(tmp_path)
    tiersim("-q", "sweep", "sweep.yaml", "-o", "s.h5", check=0)
    name, change = COMMENTS[what]
    (tmp_path / name).write_text(change((tmp_path / name).read_text()))
    assert tiersim("sweep", "sweep.yaml", "-o", "s.h5", "--resume", check=0).stdout.strip().endswith("nothing to do")


@pytest.mark.parametrize("what", ["data table", "base config"])
def test_resume_of_an_interrupted_sweep_refuses_changed_inputs(tiersim_bin, tiersim, tmp_path, what):
    """A sweep killed once its `.incomplete` exists (if it finished first, its `<out>`
    stands for it: the check is the same), an input edited, then --resume."""
    prepare(tmp_path, replicates=20)
    proc = subprocess.Popen([tiersim_bin, "-q", "-j", "1", "sweep", "sweep.yaml", "-o", "k.h5"], cwd=tmp_path,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while not (tmp_path / "k.h5.incomplete").exists() and proc.poll() is None:
        pass
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    assert (tmp_path / "k.h5.incomplete").exists() or (tmp_path / "k.h5").exists()
    (tmp_path / "k.h5.lock").unlink(missing_ok=True)  # the killed process's; any next session removes it
    restore = edit(tmp_path, what)
    before = snapshot(tmp_path)
    check_refused(tiersim("-q", "sweep", "sweep.yaml", "-o", "k.h5", "--resume"), EDITS[what][0], before, tmp_path)
    restore()
    tiersim("-q", "sweep", "sweep.yaml", "-o", "k.h5", "--resume", check=0)
    tiersim("-q", "sweep", "sweep.yaml", "-o", "ref.h5", check=0)
    assert tiersim("digest", "k.h5").stdout.split()[0] == tiersim("digest", "ref.h5").stdout.split()[0]


@pytest.mark.parametrize("what", EDITS)
def test_merge_refuses_shards_of_different_inputs(tiersim, tmp_path, what):
    prepare(tmp_path)
    tiersim("-q", "sweep", "sweep.yaml", "-o", "a.h5", "--shard", "0/2", check=0)
    restore = edit(tmp_path, what)
    tiersim("-q", "sweep", "sweep.yaml", "-o", "b.h5", "--shard", "1/2", check=0)
    before = snapshot(tmp_path)
    check_refused(tiersim("-q", "merge", "m.h5", "a.h5", "b.h5"), EDITS[what][0], before, tmp_path)
    # Shard b was computed from the edited input; with the original restored it is b that
    # no longer matches, and the two shards still do not merge.
    restore()
    assert tiersim("-q", "merge", "m.h5", "a.h5", "b.h5").returncode == 2
    tiersim("-q", "sweep", "sweep.yaml", "-o", "b.h5", "--shard", "1/2", "--overwrite", check=0)
    tiersim("-q", "merge", "m.h5", "a.h5", "b.h5", check=0)


def test_the_inputs_are_listed_in_the_file(tiersim, tmp_path):
    import h5py

    prepare(tmp_path)
    tiersim("-q", "sweep", "sweep.yaml", "-o", "s.h5", check=0)
    with h5py.File(tmp_path / "s.h5", "r") as f:
        listed = [line.decode() if isinstance(line, bytes) else line for line in f.attrs["input_files"]]
    paths = {line.split("  ", 1)[1] for line in listed}
    for name in ("sweep.yaml", "run.yaml", "mid.yaml", "data/countries.csv"):
        assert os.fspath(tmp_path.resolve() / name) in paths, listed
    assert os.fspath(REPO / "configs" / "scenarios" / "diffusion_rule.yaml") in paths, listed
