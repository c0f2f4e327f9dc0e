"""The sweep's own --seed and --set, configs named without a path, a file given to the
wrong subcommand, and JSON from `params` and `info` (docs/cli.md)."""
import json

import h5py
import pytest

BASE = """\
model: bass
seed: 3
calendar: {start: 2025-01, months: 12}
params: {markets: 2, agents_per_market: 200}
record:
  - {variable: adoption_share, level: world}
"""
SWEEP = """\
config: base.yaml
seed: 4
parameters:
  params.q: {values: [0.2, 0.4]}
replicates: 2
"""


@pytest.fixture
def files(tmp_path):
    (tmp_path / "base.yaml").write_text(BASE)
    (tmp_path / "sweep.yaml").write_text(SWEEP)
    return tmp_path


def digest(tiersim, path):
    return tiersim("digest", path, check=0).stdout.split()[0]


def one_error(proc, *parts):
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("tiersim: error: "), proc.stderr
    for part in parts:
        assert part in lines[0], (part, lines[0])
    return lines[0]


# ---- sweep --seed and --set -------------------------------------------------------------

def test_sweep_seed_and_set_act_as_if_the_sweep_file_said_them(tiersim, files):
    tiersim("-q", "sweep", "sweep.yaml", "-o", "plain.h5", check=0)
    tiersim("-q", "sweep", "sweep.yaml", "--seed", "11", "--set", "params.p=0.05", "-o", "cli.h5", check=0)
    (files / "edited.yaml").write_text(SWEEP.replace("seed: 4", "seed: 11") + "set: {params.p: 0.05}\n")
    tiersim("-q", "sweep", "edited.yaml", "-o", "edited.h5", check=0)
    assert digest(tiersim, "cli.h5") == digest(tiersim, "edited.h5") != digest(tiersim, "plain.h5")
    # Recorded in the file's provenance: the sweep as run, and the command.
    with h5py.File(files / "cli.h5", "r") as f:
        sweep_yaml = f.attrs["sweep_yaml"].decode()
        assert "seed: 11" in sweep_yaml and "params.p: 0.05" in sweep_yaml
        assert "--seed 11 --set params.p=0.05" in f.attrs["command"].decode()
        config = f.attrs["config_yaml"].decode()
        assert "p: 0.05" in config


def test_sweep_set_comes_after_the_sweep_files_set(tiersim, files):
    (files / "with_set.yaml").write_text(SWEEP + "set: {params.p: 0.01}\n")
    tiersim("-q", "sweep", "with_set.yaml", "--set", "params.p=0.05", "-o", "a.h5", check=0)
    (files / "later.yaml").write_text(SWEEP + "set: {params.p: 0.05}\n")
    tiersim("-q", "sweep", "later.yaml", "-o", "b.h5", check=0)
    assert digest(tiersim, "a.h5") == digest(tiersim, "b.h5")


def test_a_sweep_is_continued_only_with_the_same_seed_and_set(tiersim, files):
    tiersim("-q", "sweep", "sweep.yaml", "--seed", "11", "--set", "params.p=0.05", "-o", "s.h5", check=0)
    one_error(tiersim("sweep", "sweep.yaml", "-o", "s.h5", "--resume"), "different sweep")
    proc = tiersim("sweep", "sweep.yaml", "--seed", "11", "--set", "params.p=0.05", "-o", "s.h5", "--resume", check=0)
    assert "already complete" in proc.stdout


def test_the_resume_command_a_sweep_prints_repeats_its_seed_and_set(tiersim, files):
    """A stopped sweep prints the command that continues it; without --seed and --set that
    command would be refused as another sweep."""
    (files / "stops.yaml").write_text("config: base.yaml\nparameters:\n  params.markets: {values: [2, 3]}\n"
                                      "on_failure: stop\n")
    (files / "base.yaml").write_text(BASE.replace(", level: world", ""))  # markets change the shape
    proc = tiersim("sweep", "stops.yaml", "--seed", "8", "--set", "params.q=0.3", "-o", "s.h5")
    assert proc.returncode == 1, proc.stderr
    assert "sweep stops.yaml --seed 8 --set params.q=0.3 -o s.h5 --resume" in proc.stderr, proc.stderr


@pytest.mark.parametrize("args, parts", [
    (["--seed", "-1"], ["--seed", "not a whole number"]),
    (["--seed", "99999999999999999999"], ["--seed 99999999999999999999: out of range"]),
    (["--set", "params.qq=1"], ["<command line> --set params.qq=1", "unknown key 'params.qq'"]),
    (["--set", "params.q"], ["--set params.q", "expected KEY=VALUE"]),
    (["--set", "params.q=[1,"], ["--set params.q=[1,", "invalid YAML"]),
])
def test_bad_sweep_seed_and_set_are_refused_and_write_nothing(tiersim, files, args, parts):
    before = sorted(p.name for p in files.iterdir())
    one_error(tiersim("sweep", "sweep.yaml", *args, "-o", "s.h5"), *parts)
    one_error(tiersim("sweep", "sweep.yaml", *args, "--dry-run"), *parts)
    assert sorted(p.name for p in files.iterdir()) == before


# ---- the wrong subcommand ---------------------------------------------------------------

def test_a_sweep_file_given_to_run_says_to_use_sweep(tiersim, files):
    (files / "designed.yaml").write_text(SWEEP + "design: {kind: grid}\n")
    for command in ("run", "validate"):
        one_error(tiersim(command, "sweep.yaml"), "sweep.yaml:3:1: key 'parameters'",
                  "this is a sweep file: use `tiersim sweep sweep.yaml`")
        one_error(tiersim(command, "designed.yaml"), "this is a sweep file: use `tiersim sweep designed.yaml`")
    assert not (files / "results").exists()


def test_a_run_config_given_to_sweep_says_to_use_run(tiersim, files):
    for extra in ([], ["--dry-run"]):
        one_error(tiersim("sweep", "base.yaml", *extra), "base.yaml:1:1: key 'model'",
                  "this is a run config, not a sweep file: use `tiersim run base.yaml`")
    assert not (files / "results").exists()


def test_a_file_of_neither_kind_keeps_its_own_error(tiersim, files):
    (files / "odd.yaml").write_text("colour: blue\n")
    one_error(tiersim("run", "odd.yaml"), "unknown key 'colour'")
    one_error(tiersim("sweep", "odd.yaml"), "unknown key 'colour'")


# ---- names without a path ---------------------------------------------------------------

def test_a_scenario_and_a_sweep_are_found_by_name(tiersim, files):
    """From a directory without configs/, names are looked up in the source tree."""
    proc = tiersim("validate", "diffusion_rule", "--set", "params.scale.buyers_total=2000", check=0)
    assert "diffusion_rule: valid (model diffusion" in proc.stdout
    proc = tiersim("sweep", "knockouts_reduced", "--dry-run", check=0)
    assert "knockouts_reduced: valid:" in proc.stdout


def test_a_name_is_looked_up_in_the_current_directory_first(tiersim, files):
    scenarios = files / "configs" / "scenarios"
    scenarios.mkdir(parents=True)
    (scenarios / "diffusion_rule.yaml").write_text(BASE)  # a bass config of the same name
    tiersim("-q", "run", "diffusion_rule", check=0)
    with h5py.File(files / "results" / "diffusion_rule.h5", "r") as f:
        assert f.attrs["model"].decode() == "bass"
    # A file of that name in the current directory comes before both.
    (files / "diffusion_rule").write_text(BASE.replace("seed: 3", "seed: 5"))
    tiersim("-q", "run", "diffusion_rule", "-o", "here.h5", check=0)
    with h5py.File(files / "here.h5", "r") as f:
        assert f.attrs["seed"] == 5


def test_an_unknown_name_lists_the_available_ones(tiersim, files):
    line = one_error(tiersim("run", "diffusion_rul"), "diffusion_rul: no such file, and no scenario of that name",
                     "did you mean 'diffusion_rule'?", "available scenarios: ", "no_controls")
    assert "configs/scenarios/diffusion_rul.yaml" in line
    one_error(tiersim("sweep", "headlin"), "no sweep of that name", "did you mean 'headline'?", "knockouts")
    # A path is taken as a path: no lookup.
    one_error(tiersim("run", "diffusion_rule.yaml"), "diffusion_rule.yaml: file not found")
    assert not (files / "results").exists()


# ---- JSON ---------------------------------------------------------------------------------

def test_params_json_has_every_row_of_the_table(tiersim):
    data = json.loads(tiersim("params", "diffusion", "--json", check=0).stdout)
    table = tiersim("params", "diffusion", check=0).stdout
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    assert data["model"] == "diffusion" and len(data["parameters"]) == len(rows) > 100
    by_path = {p["path"]: p for p in data["parameters"]}
    buyers = by_path["params.scale.buyers_total"]
    assert buyers["kind"] == "integer" and f"| `params.scale.buyers_total` | integer | {buyers['default']} |" in table
    assert set(buyers) == {"path", "type", "kind", "default", "unit", "range", "source", "doc"}


def test_info_json_describes_a_sweep_file(tiersim, files):
    tiersim("-q", "sweep", "sweep.yaml", "--seed", "11", "-o", "s.h5", check=0)
    data = json.loads(tiersim("info", "s.h5", "--json", "--config", check=0).stdout)
    assert data["file"] == "s.h5" and data["complete"] is True
    assert data["provenance"]["model"] == "bass" and data["provenance"]["seed"] == 11
    assert data["design"]["kind"] == "grid" and data["design"]["parameters"] == ["params.q"]
    assert data["design"]["shard"] is None and "seed: 11" in data["design"]["sweep_yaml"]
    assert data["runs"] == {"total": 4, "done": 4, "failed": 0, "pending": 0, "errors": []}
    assert data["dimensions"]["run"] == 4
    names = {v["name"]: v for v in data["variables"]}
    assert names["adoption_share_world"]["dimensions"] == ["run", "time"]
    assert data["config"].startswith("model: \"bass\"\n")
    text = tiersim("info", "s.h5", check=0).stdout
    assert all(v in text for v in names)


def test_info_json_of_a_run_file_and_its_failed_runs(tiersim, files):
    tiersim("-q", "run", "base.yaml", "-o", "r.h5", check=0)
    data = json.loads(tiersim("info", "r.h5", "--json", check=0).stdout)
    assert data["design"] is None and data["runs"]["done"] == 1 and "config" not in data
    (files / "base.yaml").write_text(BASE.replace(", level: world", ""))
    (files / "fails.yaml").write_text("config: base.yaml\nparameters:\n  params.markets: {values: [2, 3]}\n")
    tiersim("-q", "sweep", "fails.yaml", "-o", "f.h5", check=1)
    data = json.loads(tiersim("info", "f.h5", "--json", check=0).stdout)
    assert data["runs"]["failed"] == 1 and data["runs"]["errors"][0]["run"] == 1
    assert "does not fit" in data["runs"]["errors"][0]["message"]
