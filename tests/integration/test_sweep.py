"""`tiersim sweep` and `tiersim merge` end to end: the run plan in the file, determinism,
refusals, failures, shards, MPI. Crash and interrupt tests are in test_sweep_resume.py."""
import os
import shutil
import signal
import subprocess
import time

import h5py
import numpy as np
import pytest

BASE = """\
model: bass
seed: 3
calendar: {start: 2025-01, months: 24}
params: {markets: 2, agents_per_market: 2000}
record:
  - {variable: adoption_share, level: world}
  - {variable: adopters}
"""

GRID = """\
config: base.yaml
set: {params.p: 0.02}
seed: 5
parameters:
  params.q: {values: [0.3, 0.4, 0.5]}
  params.initial_share: {values: [0, 0.1]}
replicates: 2
pair_with:
  - {name: low, set: {params.p: 0.01}}
  - {name: high}
"""


def write(tmp_path, sweep_text, name="sweep.yaml"):
    (tmp_path / "base.yaml").write_text(BASE)
    (tmp_path / name).write_text(sweep_text)
    return tmp_path / name


def digest(tiersim, path):
    return tiersim("digest", path, check=0).stdout.split()[0]


def statuses(path):
    with h5py.File(path, "r") as f:
        return f["run_status"][()].tolist()


def test_sweep_writes_the_run_plan_and_the_results(tiersim, tmp_path):
    write(tmp_path, GRID)
    proc = tiersim("sweep", "sweep.yaml", "-o", "g.h5", check=0)
    assert "24 runs (6 points x 2 replicates x 2 scenarios)" in proc.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["base.yaml", "g.h5", "sweep.yaml"]
    with h5py.File(tmp_path / "g.h5", "r") as f:
        assert f.attrs["complete"] == 1
        assert f.attrs["design_kind"] == b"grid"
        assert [n.decode() if isinstance(n, bytes) else n for n in f.attrs["design_parameters"]] == [
            "params.q", "params.initial_share"]
        assert f.attrs["design_samples"] == 6 and f.attrs["morris_levels"] == 0
        assert len(f.attrs["sweep_hash"]) == 64
        assert b"kind: grid" in f.attrs["sweep_yaml"]
        runs = np.arange(24)
        # Point-major, then replicate, then scenario.
        np.testing.assert_array_equal(f["point"][()], runs // 4)
        np.testing.assert_array_equal(f["replicate"][()], (runs // 2) % 2)
        assert [s.decode() for s in f["scenario"][()]] == ["low", "high"] * 12
        np.testing.assert_array_equal(f["params_q"][()], np.repeat([0.3, 0.3, 0.4, 0.4, 0.5, 0.5], 4))
        np.testing.assert_array_equal(f["params_initial_share"][()], np.tile(np.repeat([0.0, 0.1], 4), 3))
        seeds = f["seed"][()]
        np.testing.assert_array_equal(seeds[0::2], seeds[1::2])  # common random numbers
        assert len(set(seeds.tolist())) == 12
        assert (f["run_status"][()] == 1).all()
        share = f["final_adoption_share"][()]
        assert np.isfinite(share).all()
        # Paired runs differ only by the scenario's p: higher p, more adoption.
        assert (share[1::2] > share[0::2]).mean() > 0.9
        assert f["adopters"].shape == (24, 24, 2)


def test_dry_run_validates_and_writes_nothing(tiersim, tmp_path):
    write(tmp_path, GRID)
    proc = tiersim("sweep", "sweep.yaml", "--dry-run", check=0)
    assert "valid: 24 runs (6 points x 2 replicates x 2 scenarios), design grid" in proc.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["base.yaml", "sweep.yaml"]


def test_thread_count_does_not_change_a_sweep(tiersim, tmp_path):
    write(tmp_path, GRID)
    tiersim("-q", "--threads", 1, "sweep", "sweep.yaml", "-o", "a.h5", check=0)
    tiersim("-q", "sweep", "sweep.yaml", "-o", "b.h5", "--threads", 2, check=0)
    assert digest(tiersim, tmp_path / "a.h5") == digest(tiersim, tmp_path / "b.h5")


def test_sampled_designs(tiersim, tmp_path):
    write(tmp_path, """\
config: base.yaml
design: {kind: morris, samples: 3, levels: 4}
parameters:
  params.q: {min: 0.2, max: 0.8}
  params.p: {min: 0.005, max: 0.05, scale: log}
""", "morris.yaml")
    tiersim("-q", "sweep", "morris.yaml", "-o", "m.h5", check=0)
    with h5py.File(tmp_path / "m.h5", "r") as f:
        assert f.attrs["morris_levels"] == 4 and f.attrs["design_samples"] == 3
        np.testing.assert_array_equal(f["trajectory"][()], np.repeat([0, 1, 2], 3))
        q, p = f["params_q"][()], f["params_p"][()]
        assert f["params_p"].attrs["design_scale"] == b"log"
        # Each step of a trajectory moves one parameter.
        for t in range(3):
            rows = slice(3 * t, 3 * t + 3)
            moved = (np.diff(q[rows]) != 0).astype(int) + (np.diff(p[rows]) != 0).astype(int)
            assert moved.tolist() == [1, 1]
    write(tmp_path, """\
config: base.yaml
design: {kind: sobol, samples: 4}
parameters:
  params.q: {min: 0.2, max: 0.8}
  params.p: {min: 0.005, max: 0.05}
""", "sobol.yaml")
    tiersim("-q", "sweep", "sobol.yaml", "-o", "s.h5", check=0)
    with h5py.File(tmp_path / "s.h5", "r") as f:
        q = f["params_q"][()]
        assert q.shape == (4 * 4,)
        # Rows per sample: A, AB_q (q from B), AB_p (q from A), B.
        assert all(q[4 * j + 2] == q[4 * j] and q[4 * j + 1] == q[4 * j + 3] for j in range(4))


def test_existing_outputs_are_refused_unless_resume_or_overwrite(tiersim, tmp_path):
    write(tmp_path, GRID)
    out = tmp_path / "g.h5"
    out.write_bytes(b"precious")
    proc = tiersim("sweep", "sweep.yaml", "-o", out)
    assert proc.returncode == 2 and "already exists" in proc.stderr and "--resume" in proc.stderr
    assert out.read_bytes() == b"precious"
    tiersim("-q", "sweep", "sweep.yaml", "-o", out, "--overwrite", check=0)
    assert statuses(out) == [1] * 24
    before = out.read_bytes()
    proc = tiersim("sweep", "sweep.yaml", "-o", out, "--resume", check=0)
    assert "already complete" in proc.stdout
    assert out.read_bytes() == before


def test_resume_refuses_a_changed_sweep(tiersim, tmp_path):
    write(tmp_path, GRID)
    tiersim("-q", "sweep", "sweep.yaml", "-o", "g.h5", check=0)
    before = (tmp_path / "g.h5").read_bytes()
    write(tmp_path, GRID.replace("0.5]", "0.55]"))
    proc = tiersim("sweep", "sweep.yaml", "-o", "g.h5", "--resume")
    assert proc.returncode == 2 and "different sweep" in proc.stderr
    assert (tmp_path / "g.h5").read_bytes() == before


def test_resume_refuses_foreign_and_truncated_files_and_leaves_them_alone(tiersim, tmp_path):
    write(tmp_path, GRID)
    tiersim("-q", "sweep", "sweep.yaml", "-o", "good.h5", check=0)
    incomplete = tmp_path / "g.h5.incomplete"
    with h5py.File(tmp_path / "foreign.h5", "w") as f:
        f["x"] = [1, 2, 3]
    good = (tmp_path / "good.h5").read_bytes()
    cases = {
        "not HDF5": b"definitely not hdf5" * 10,
        "foreign HDF5": (tmp_path / "foreign.h5").read_bytes(),
        "truncated": good[: len(good) // 2],
    }
    for what, content in cases.items():
        incomplete.write_bytes(content)
        proc = tiersim("sweep", "sweep.yaml", "-o", "g.h5", "--resume")
        assert proc.returncode == 2, (what, proc.stderr)
        assert "g.h5.incomplete" in proc.stderr, what
        assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
        assert incomplete.read_bytes() == content, what
        assert not (tmp_path / "g.h5").exists()
        assert not (tmp_path / "g.h5.lock").exists()


def test_a_second_process_on_the_same_output_is_refused(tiersim_bin, tiersim, tmp_path):
    write(tmp_path, GRID.replace("replicates: 2", "replicates: 40"))
    first = subprocess.Popen([tiersim_bin, "-q", "-j", "1", "sweep", "sweep.yaml", "-o", "g.h5"], cwd=tmp_path,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(1000):
            if (tmp_path / "g.h5.incomplete").exists() or first.poll() is not None:
                break
            time.sleep(0.01)
        assert first.poll() is None, "the first sweep finished too early for this test"
        proc = tiersim("sweep", "sweep.yaml", "-o", "g.h5", "--resume")
        assert proc.returncode == 2
        assert "another tiersim process" in proc.stderr and "g.h5.lock" in proc.stderr
        first.send_signal(signal.SIGINT)
    finally:
        first.wait(timeout=300)
    assert first.returncode == 130, first.stderr
    # The first process's work is intact and the lock is gone with it.
    assert not (tmp_path / "g.h5.lock").exists()
    assert "pending (of 480)" in tiersim("info", "g.h5.incomplete", check=0).stdout


FAILING = """\
config: base.yaml
seed: 2
{policy}
parameters:
  # The file's dimensions come from run 0 (2 markets, recorded natively); a run with 3
  # markets cannot fit and fails, the others go on.
  params.markets: {{values: [2, 3, 2, 2]}}
"""


def test_a_failing_run_is_recorded_and_the_others_complete(tiersim, tmp_path):
    write(tmp_path, FAILING.format(policy=""))
    proc = tiersim("sweep", "sweep.yaml", "-o", "f.h5")
    assert proc.returncode == 1
    assert "1 of 4 runs failed" in proc.stderr and "run_error" in proc.stderr and "--resume" in proc.stderr
    assert "run 1: " in proc.stderr and "dimension 'market' has 3 entries" in proc.stderr
    with h5py.File(tmp_path / "f.h5", "r") as f:
        assert f.attrs["complete"] == 1
        assert f["run_status"][()].tolist() == [1, 2, 1, 1]
        errors = [e.decode() for e in f["run_error"][()]]
        assert "market" in errors[1] and errors[0] == errors[2] == ""
        assert np.isnan(f["final_adoption_share"][1]) and np.isfinite(f["final_adoption_share"][[0, 2, 3]]).all()
    info = tiersim("info", "f.h5", check=0).stdout
    assert "3 done, 1 failed, 0 pending" in info and "run 1 failed:" in info
    # --resume re-runs only the failed run (which fails again) and keeps the rest.
    proc = tiersim("sweep", "sweep.yaml", "-o", "f.h5", "--resume")
    assert proc.returncode == 1 and "3 of 4 runs already done" in proc.stdout
    assert statuses(tmp_path / "f.h5") == [1, 2, 1, 1]
    assert not (tmp_path / "f.h5.incomplete").exists()


def test_on_failure_stop_starts_no_new_runs(tiersim, tmp_path):
    write(tmp_path, FAILING.format(policy="on_failure: stop"))
    proc = tiersim("-j", 1, "sweep", "sweep.yaml", "-o", "f.h5")
    assert proc.returncode == 1 and "on_failure: stop" in proc.stderr and "--resume" in proc.stderr
    assert not (tmp_path / "f.h5").exists()
    assert statuses(tmp_path / "f.h5.incomplete") == [1, 2, 0, 0]


def test_bad_sweep_file_names_its_location(tiersim, tmp_path):
    write(tmp_path, "config: base.yaml\nparameters:\n  params.qq: {values: [1]}\n")
    proc = tiersim("sweep", "sweep.yaml", "-o", "x.h5")
    assert proc.returncode == 2
    assert "sweep.yaml:3:3: key 'parameters.params.qq'" in proc.stderr and "did you mean 'params.q'" in proc.stderr
    assert not (tmp_path / "x.h5.incomplete").exists()


def test_shards_and_merge_give_the_file_of_one_process(tiersim, tmp_path):
    write(tmp_path, GRID)
    tiersim("-q", "sweep", "sweep.yaml", "-o", "one.h5", check=0)
    for n in (2, 3):
        shards = [f"s{i}of{n}.h5" for i in range(n)]
        for i, name in enumerate(shards):
            tiersim("-q", "sweep", "sweep.yaml", "-o", name, "--shard", f"{i}/{n}", check=0)
        with h5py.File(tmp_path / shards[-1], "r") as f:
            assert f.attrs["shard"] == f"{n - 1}/{n}".encode()
            status = f["run_status"][()]
            assert (status[np.arange(24) % n == n - 1] == 1).all() and (status[np.arange(24) % n != n - 1] == 0).all()
        proc = tiersim("merge", f"merged{n}.h5", *reversed(shards), check=0)
        assert "24 runs" in proc.stdout
        assert digest(tiersim, tmp_path / f"merged{n}.h5") == digest(tiersim, tmp_path / "one.h5")
        with h5py.File(tmp_path / f"merged{n}.h5", "r") as f:
            assert "shard" not in f.attrs and f.attrs["complete"] == 1

    # Shards that do not cover the plan exactly once, or come from different sweeps.
    proc = tiersim("merge", "bad.h5", "s0of3.h5", "s1of3.h5")
    assert proc.returncode == 2 and "2/3" in proc.stderr and "missing" in proc.stderr
    proc = tiersim("merge", "bad.h5", "s0of3.h5", "s0of3.h5", "s1of3.h5")
    assert proc.returncode == 2 and "given twice" in proc.stderr
    proc = tiersim("merge", "bad.h5", "s0of2.h5", "s1of3.h5", "s2of3.h5")
    assert proc.returncode == 2 and "one of 2 shards" in proc.stderr
    write(tmp_path, GRID.replace("seed: 5", "seed: 6"), "other.yaml")
    tiersim("-q", "sweep", "other.yaml", "-o", "o1of2.h5", "--shard", "1/2", check=0)
    proc = tiersim("merge", "bad.h5", "s0of2.h5", "o1of2.h5")
    assert proc.returncode == 2 and "different sweep" in proc.stderr
    proc = tiersim("merge", "bad.h5", "one.h5")
    assert proc.returncode == 2 and "not a shard file" in proc.stderr
    shutil.copy(tmp_path / "s1of2.h5", tmp_path / "v2.h5")
    with h5py.File(tmp_path / "v2.h5", "a") as f:
        f.attrs["format_version"] = "3.0"
    proc = tiersim("merge", "bad.h5", "s0of2.h5", "v2.h5")
    assert proc.returncode == 2 and "format_version 3.0 is not supported" in proc.stderr
    assert not (tmp_path / "bad.h5").exists()
    proc = tiersim("sweep", "sweep.yaml", "-o", "x.h5", "--shard", "2/2")
    assert proc.returncode == 2 and "0 <= i < N" in proc.stderr


def test_mpirun_gives_the_file_of_one_process(tiersim_bin, tiersim, tmp_path):
    mpirun = shutil.which("mpirun")
    if mpirun is None:
        pytest.skip("mpirun is not installed (Debian: openmpi-bin)")
    write(tmp_path, GRID)
    tiersim("-q", "sweep", "sweep.yaml", "-o", "one.h5", check=0)
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_rmaps_base_oversubscribe="1", OMPI_MCA_btl_vader_single_copy_mechanism="none",
               OMPI_MCA_btl="self,vader")
    cmd = [mpirun, "--allow-run-as-root", "--oversubscribe", "-np", "2", tiersim_bin, "-q", "-j", "1", "sweep",
           "sweep.yaml", "-o", "mpi.h5"]
    proc = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    if "[mpi]" not in tiersim("--version", check=0).stdout:
        # A build without MPI refuses: each process would run the whole sweep.
        assert proc.returncode != 0 and "built without MPI" in proc.stderr and "TIERSIM_WITH_MPI=ON" in proc.stderr
        assert not (tmp_path / "mpi.h5").exists()
        return
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert digest(tiersim, tmp_path / "mpi.h5") == digest(tiersim, tmp_path / "one.h5")
    with h5py.File(tmp_path / "mpi.h5", "r") as f:
        assert f.attrs["processes"] == 2  # rank 0 wrote the file and rank 1 computed
