"""Output that cannot be written: an unwritable place, and a full disk (simulated with
RLIMIT_FSIZE, `ulimit -f`, on the child process; with SIGXFSZ ignored, writes past the
limit fail with EFBIG as they would with ENOSPC on a full disk).

Each must end with a non-zero exit code, one clear line on stderr naming the file, and
nothing at the final path that looks complete: no `<out>` at all (run, merge, and a sweep
that never finished), no staging files, and an `<out>.incomplete` only if it is a valid,
resumable sweep file (no `complete` attribute)."""
import os
import resource
import signal
import subprocess

import h5py
import pytest

from conftest import snapshot
from tiersim_fixtures import REPO

SMALL = ["--set", "params.scale.buyers_total=2000", "--set", "calendar.months=6"]
BASS = """\
model: bass
seed: 3
calendar: {start: 2025-01, months: 12}
params: {markets: 2, agents_per_market: 2000}
record:
  - {variable: adoption_share, level: world}
  - {variable: adopters}
"""
SWEEP = """\
config: base.yaml
seed: 2
parameters:
  params.q: {values: [0.1, 0.2, 0.3, 0.4]}
replicates: 5
"""


def limited(max_bytes):
    """preexec_fn: the child may write files of at most `max_bytes` bytes, and a write past
    that fails (EFBIG) instead of killing it with SIGXFSZ."""

    def apply():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (max_bytes, max_bytes))

    return apply


def run_limited(tiersim_bin, cwd, args, max_bytes):
    return subprocess.run([tiersim_bin, *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=600,
                          preexec_fn=limited(max_bytes))


def one_clear_line(proc, name):
    assert proc.returncode > 0, (proc.returncode, proc.stderr)  # an exit code, not a signal (crash)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("tiersim: "), lines[0]
    assert name in lines[0], (name, lines[0])
    return lines[0]


def diffusion_config(tmp_path):
    cfg = tmp_path / "rule.yaml"
    cfg.write_text(f"base: {REPO}/configs/scenarios/diffusion_rule.yaml\n")
    return cfg


# ---- unwritable places -------------------------------------------------------------------

def unwritable_outputs(tmp_path):
    """Output paths that fail even for root (permission bits do not stop root)."""
    paths = [
        "/proc/tiersim-robustness.h5",          # procfs: files cannot be created
        f"{REPO}/README.md/x.h5",                 # the parent is a regular file
        tmp_path / "missing" / "dir" / "x.h5",    # the parent does not exist
    ]
    if os.geteuid() != 0:
        locked = tmp_path / "locked"
        locked.mkdir()
        locked.chmod(0o555)
        paths.append(locked / "x.h5")
    return paths


def test_run_to_an_unwritable_place_fails_clearly(tiersim, tmp_path):
    cfg = diffusion_config(tmp_path)
    before = snapshot(tmp_path)
    for out in unwritable_outputs(tmp_path):
        proc = tiersim("run", cfg, *SMALL, "-o", out)
        one_clear_line(proc, str(out))
        assert not os.path.exists(f"{out}.partial")
    assert snapshot(tmp_path) == before


def test_sweep_to_an_unwritable_place_fails_clearly(tiersim, tmp_path):
    (tmp_path / "base.yaml").write_text(BASS)
    (tmp_path / "sweep.yaml").write_text(SWEEP)
    before = snapshot(tmp_path)
    for out in unwritable_outputs(tmp_path):
        proc = tiersim("sweep", "sweep.yaml", "-o", out)
        one_clear_line(proc, str(out))
        for suffix in ("", ".incomplete", ".incomplete.new", ".lock"):
            assert not os.path.exists(f"{out}{suffix}"), suffix
    assert snapshot(tmp_path) == before


# ---- a full disk --------------------------------------------------------------------------

def test_run_on_a_full_disk_fails_clearly_and_leaves_nothing(tiersim_bin, tiersim, tmp_path):
    cfg = diffusion_config(tmp_path)
    # Named like the output below: the command line is stored in the file, so its length counts.
    tiersim("-q", "run", cfg, *SMALL, "-o", "f.h5", check=0)
    size = (tmp_path / "f.h5").stat().st_size
    before = snapshot(tmp_path)
    # From "nothing can be written" to "all but the last bytes": the layout, the data, the
    # `complete` attribute and the final flush fail in turn.
    for limit in (0, 4096, 16384, size // 4, size // 2, size - 4096, size - 1):
        proc = run_limited(tiersim_bin, tmp_path, ["-q", "run", cfg, *SMALL, "-o", "r.h5"], limit)
        line = one_clear_line(proc, "r.h5")
        assert proc.returncode == 1, line
        assert "File too large" in line, line
        assert snapshot(tmp_path) == before, f"limit {limit}: files left behind"
    # With room, the same command succeeds.
    run_limited(tiersim_bin, tmp_path, ["-q", "run", cfg, *SMALL, "-o", "r.h5"], 4 * size).check_returncode()


def test_sweep_on_a_full_disk_fails_clearly_and_resumes(tiersim_bin, tiersim, tmp_path):
    (tmp_path / "base.yaml").write_text(BASS)
    (tmp_path / "sweep.yaml").write_text(SWEEP)
    tiersim("-q", "sweep", "sweep.yaml", "-o", "ref.h5", check=0)
    reference = tiersim("digest", "ref.h5", check=0).stdout.split()[0]
    size = (tmp_path / "ref.h5").stat().st_size
    # The in-progress file is uncompressed and allocated in full when it is created, so
    # below the final size the sweep fails while creating it, before any run.
    for limit in (0, 4096, 16384, size // 2, size - 1):
        for name in ("s.h5", "s.h5.incomplete", "s.h5.incomplete.new", "s.h5.lock"):
            (tmp_path / name).unlink(missing_ok=True)
        proc = run_limited(tiersim_bin, tmp_path, ["-q", "sweep", "sweep.yaml", "-o", "s.h5"], limit)
        one_clear_line(proc, "s.h5")
        assert "File too large" in proc.stderr
        assert not (tmp_path / "s.h5").exists(), f"limit {limit}: a final file was published"
        assert not (tmp_path / "s.h5.incomplete.new").exists(), f"limit {limit}: staging file left"
        assert not (tmp_path / "s.h5.lock").exists()
        incomplete = tmp_path / "s.h5.incomplete"
        if incomplete.exists():
            with h5py.File(incomplete, "r") as f:
                assert "complete" not in f.attrs
        # With room again, --resume finishes the sweep with the data of an uninterrupted one.
        tiersim("-q", "sweep", "sweep.yaml", "-o", "s.h5", "--resume", check=0)
        assert tiersim("digest", "s.h5", check=0).stdout.split()[0] == reference


def test_a_full_disk_during_compaction_names_the_output_and_says_how_to_resume(tiersim_bin, tiersim, tmp_path):
    """The in-progress file is larger than the result, so a limit on file size cannot let
    the runs through and stop the compaction. Instead the sweep is made to find all its
    runs done: the finished file without its `complete` mark serves as `<out>.incomplete`.
    `--resume` then only compacts, and the limit makes that fail."""
    (tmp_path / "base.yaml").write_text(BASS)
    (tmp_path / "sweep.yaml").write_text(SWEEP)
    tiersim("-q", "sweep", "sweep.yaml", "-o", "ref.h5", check=0)
    reference = tiersim("digest", "ref.h5", check=0).stdout.split()[0]
    size = (tmp_path / "ref.h5").stat().st_size
    # (At 0 bytes HDF5 cannot even open the in-progress file for update.)
    for limit in (4096, 16384, size // 2, size - 1):
        incomplete = tmp_path / "s.h5.incomplete"
        incomplete.write_bytes((tmp_path / "ref.h5").read_bytes())
        with h5py.File(incomplete, "r+") as f:
            del f.attrs["complete"]
        proc = run_limited(tiersim_bin, tmp_path, ["-q", "sweep", "sweep.yaml", "-o", "s.h5", "--resume"], limit)
        line = one_clear_line(proc, "cannot write 's.h5': ")
        assert proc.returncode == 1, line
        assert "File too large" in line and "kept in 's.h5.incomplete'" in line, line
        assert line.endswith("continue the sweep with: " + tiersim_bin + " sweep sweep.yaml -o s.h5 --resume"), line
        for name in ("s.h5", "s.h5.partial", "s.h5.lock"):
            assert not (tmp_path / name).exists(), f"limit {limit}: {name} left behind"
        # The command it names continues the sweep to the data of an uninterrupted one.
        tiersim("-q", "sweep", "sweep.yaml", "-o", "s.h5", "--resume", check=0)
        assert tiersim("digest", "s.h5", check=0).stdout.split()[0] == reference
        assert not incomplete.exists()
        (tmp_path / "s.h5").unlink()


def test_merge_on_a_full_disk_fails_clearly_and_leaves_nothing(tiersim_bin, tiersim, tmp_path):
    (tmp_path / "base.yaml").write_text(BASS)
    (tmp_path / "sweep.yaml").write_text(SWEEP)
    for i in range(2):
        tiersim("-q", "sweep", "sweep.yaml", "-o", f"part{i}.h5", "--shard", f"{i}/2", check=0)
    size = (tmp_path / "part0.h5").stat().st_size
    before = snapshot(tmp_path)
    for limit in (0, 4096, size // 2):
        proc = run_limited(tiersim_bin, tmp_path, ["-q", "merge", "m.h5", "part0.h5", "part1.h5"], limit)
        line = one_clear_line(proc, "m.h5")
        assert "File too large" in line, line
        assert snapshot(tmp_path) == before
