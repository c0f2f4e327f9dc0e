"""Interrupted work, beyond tests/integration/test_sweep_resume.py (SIGKILL at fixed moments,
one SIGINT) and test_sweep.py (refused foreign/truncated `.incomplete`, a second process
with --resume):

- SIGKILL at random moments, and aimed at the compaction into `<out>`, then --resume: no
  run lost or duplicated (same `tiersim digest` as an uninterrupted sweep), and `<out>`
  never exists unless complete;
- a session that died between publishing `<out>` and deleting `.incomplete`;
- SIGTERM, a second SIGINT, SIGINT with several threads;
- `tiersim run` killed: no result file, and nothing left that blocks the next run;
- truncated, foreign or empty files given to --resume (as `<out>`), info, digest, merge;
- a second process on the same output with no flag, --overwrite or `run -o`: refused,
  and the first one's work completes untouched.

Random moments come from a seeded generator; the seed is in every assertion message
(set TIERSIM_ROBUSTNESS_SEED to replay one). Signals that must land while work remains
(SIGTERM, SIGINT, a killed `run`) are sent after the process reported progress (its log
line for the first finished run or month, TIERSIM_PROGRESS_INTERVAL=0), never after a fixed
time: on a loaded machine a sleep can outlast the whole sweep. scripts/interruption_under_load.sh
runs this file several times while a build loads the machine."""
import os
import random
import signal
import subprocess
import time

import h5py
import pytest

from conftest import snapshot
from tiersim_fixtures import REPO

# Cheap runs with large outputs, so that the compaction into `<out>` takes a measurable
# part of the sweep and kills can be aimed at it.
BASE = """\
model: bass
seed: 3
calendar: {start: 2025-01, months: 60}
params: {markets: 300, agents_per_market: 50}
record:
  - {variable: adopters}
  - {variable: adoption_share, level: world}
"""
SWEEP = """\
config: base.yaml
seed: 4
design: {{kind: lhs, samples: {samples}}}
parameters:
  params.q: {{min: 0.1, max: 0.9}}
  params.p: {{min: 0.001, max: 0.1, scale: log}}
"""
TARGET_SECONDS = 1.5
LEFTOVERS = (".incomplete", ".incomplete.new", ".partial", ".lock")
SEED = int(os.environ.get("TIERSIM_ROBUSTNESS_SEED", time.time_ns() % 1_000_000))


def digest(tiersim_bin, path):
    return subprocess.run([tiersim_bin, "digest", str(path)], capture_output=True, text=True,
                          check=True).stdout.split()[0]


def info(tiersim_bin, path):
    return subprocess.run([tiersim_bin, "info", str(path)], capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def reference(tiersim_bin, tmp_path_factory):
    """An uninterrupted sweep, sized to take about TARGET_SECONDS with this build."""
    d = tmp_path_factory.mktemp("reference")
    (d / "base.yaml").write_text(BASE)
    samples = 100
    for _ in range(3):
        (d / "sweep.yaml").write_text(SWEEP.format(samples=samples))
        start = time.monotonic()
        subprocess.run([tiersim_bin, "-q", "sweep", "sweep.yaml", "-o", "ref.h5", "--overwrite"], cwd=d, check=True,
                       timeout=600)
        seconds = time.monotonic() - start
        if seconds >= 0.7 * TARGET_SECONDS:
            break
        samples = int(samples * min(8.0, TARGET_SECONDS / max(seconds, 0.05)))
    return {"seconds": seconds, "digest": digest(tiersim_bin, d / "ref.h5"), "runs": samples,
            "sweep": (d / "sweep.yaml").read_text()}


def prepare(tmp_path, reference):
    (tmp_path / "base.yaml").write_text(BASE)
    (tmp_path / "sweep.yaml").write_text(reference["sweep"])


def start(tiersim_bin, tmp_path, *args):
    return subprocess.Popen([tiersim_bin, *map(str, args)], cwd=tmp_path, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)


def start_logged(tiersim_bin, tmp_path, *args):
    """Like start(), with a progress line on stderr for every finished run (or month)."""
    env = dict(os.environ, TIERSIM_PROGRESS_INTERVAL="0")
    return subprocess.Popen([tiersim_bin, *map(str, args)], cwd=tmp_path, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, env=env)


def wait_for_progress(proc, label):
    """Read the process's stderr until its first progress line ("LABEL: 1/N done ..."): some
    work is done and, the job being long, most of it is not. Returns the lines read."""
    lines = []
    for line in proc.stderr:
        lines.append(line)
        if line.startswith(f"{label}: ") and " done" in line:
            return lines
    raise AssertionError(f"the process ended (exit {proc.wait()}) before reporting progress: {''.join(lines)}")


def wait_for(path, proc, timeout=120):
    """Poll (1 ms) until `path` exists; False if the process ended first."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if os.path.exists(path):
            return True
        if proc.poll() is not None:
            return os.path.exists(path)
        time.sleep(0.001)
    raise AssertionError(f"{path} did not appear")


def check_after_kill(tiersim_bin, tmp_path, name, reference, why):
    """What must hold whenever the process died, whatever it was doing."""
    out = tmp_path / name
    if out.exists():  # published only when complete, with exactly the reference's data
        with h5py.File(out, "r") as f:
            assert f.attrs.get("complete") == 1, why
        assert digest(tiersim_bin, out) == reference["digest"], why
    incomplete = tmp_path / f"{name}.incomplete"
    if incomplete.exists():  # opens and says what is done
        assert "NO (interrupted" in info(tiersim_bin, incomplete), why


def resume_to_the_end(tiersim_bin, tmp_path, name, reference, why, *extra):
    proc = subprocess.run([tiersim_bin, "-q", "sweep", "sweep.yaml", "-o", name, "--resume", *extra], cwd=tmp_path,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, (why, proc.stderr)
    assert digest(tiersim_bin, tmp_path / name) == reference["digest"], why
    for suffix in LEFTOVERS:
        assert not (tmp_path / f"{name}{suffix}").exists(), (why, suffix)


def test_sigkill_at_random_moments_then_resume_loses_and_duplicates_nothing(tiersim_bin, tmp_path, reference):
    prepare(tmp_path, reference)
    rng = random.Random(SEED)
    moments, alive_at_kill = [], 0
    for attempt in range(8):
        # Moments within the uninterrupted sweep's duration; on a loaded machine a sweep can
        # still finish before its kill, which is not what this test is about.
        when = rng.uniform(0.0, 0.9 * reference["seconds"])
        moments.append(round(when, 3))
        why = f"seed {SEED}, kills at {moments}"
        proc = start(tiersim_bin, tmp_path, "-q", "sweep", "sweep.yaml", "-o", "k.h5", "--resume")
        time.sleep(when)
        landed = proc.poll() is None
        alive_at_kill += landed
        proc.kill()
        proc.wait(timeout=60)
        check_after_kill(tiersim_bin, tmp_path, "k.h5", reference, why)
        if proc.returncode == 0:
            if alive_at_kill:
                break  # finished after earlier kills had landed
            for suffix in ("", *LEFTOVERS):  # finished before any kill: start over, from nothing
                (tmp_path / f"k.h5{suffix}").unlink(missing_ok=True)
    assert alive_at_kill >= 1, f"seed {SEED}: no kill landed while the sweep ran ({moments})"
    resume_to_the_end(tiersim_bin, tmp_path, "k.h5", reference, f"seed {SEED}, kills at {moments}")


@pytest.mark.parametrize("aim", ["compaction", "publication"])
def test_sigkill_aimed_at_the_compaction_then_resume(tiersim_bin, tmp_path, reference, aim):
    """Compaction copies `.incomplete` into `<out>.partial`, renames it to `<out>`, then
    deletes `.incomplete`. Kill while it copies (at random offsets), or as soon as `<out>`
    appears (possibly before `.incomplete` is gone)."""
    prepare(tmp_path, reference)
    rng = random.Random(SEED + 1)
    watched = "c.h5.partial" if aim == "compaction" else "c.h5"
    for attempt in range(3):
        for name in ("c.h5", *(f"c.h5{s}" for s in LEFTOVERS)):
            (tmp_path / name).unlink(missing_ok=True)
        delay = rng.uniform(0.0, 0.1 * reference["seconds"]) if aim == "compaction" else 0.0
        why = f"seed {SEED}, attempt {attempt}, {delay:.3f} s after {watched} appeared"
        proc = start(tiersim_bin, tmp_path, "-q", "sweep", "sweep.yaml", "-o", "c.h5")
        assert wait_for(tmp_path / watched, proc), why
        time.sleep(delay)
        proc.kill()
        proc.wait(timeout=60)
        check_after_kill(tiersim_bin, tmp_path, "c.h5", reference, why)
        if not (tmp_path / "c.h5").exists():  # every run was done before compaction started
            assert "0 pending" in info(tiersim_bin, tmp_path / "c.h5.incomplete"), why
        resume_to_the_end(tiersim_bin, tmp_path, "c.h5", reference, why)


def test_died_between_publishing_out_and_deleting_incomplete(tiersim_bin, tmp_path, reference):
    """`<out>` complete and `.incomplete` still there (the process died between the two
    steps): --resume takes `.incomplete` again and ends with the same `<out>`."""
    prepare(tmp_path, reference)
    proc = start(tiersim_bin, tmp_path, "-q", "sweep", "sweep.yaml", "-o", "b.h5")
    assert wait_for(tmp_path / "b.h5.partial", proc)
    proc.kill()
    proc.wait(timeout=60)
    saved = (tmp_path / "b.h5.incomplete").read_bytes()  # all runs done, not yet compacted
    resume_to_the_end(tiersim_bin, tmp_path, "b.h5", reference, "first resume")
    (tmp_path / "b.h5.incomplete").write_bytes(saved)
    resume_to_the_end(tiersim_bin, tmp_path, "b.h5", reference, "with both files")


def interrupt(tiersim_bin, tmp_path, reference, signals, threads="0"):
    """Signal a sweep once it reported its first finished run, after a short random delay
    counted from then. The sweep has at least 100 runs, so most are still to do."""
    prepare(tmp_path, reference)
    proc = start_logged(tiersim_bin, tmp_path, "-j", threads, "sweep", "sweep.yaml", "-o", "i.h5")
    seen = wait_for_progress(proc, "sweep")
    time.sleep(random.Random(SEED + 2).uniform(0.0, 0.02 * reference["seconds"]))
    for sig in signals:
        proc.send_signal(sig)
        time.sleep(0.005)
    _, err = proc.communicate(timeout=120)
    return proc.returncode, "".join(seen) + err


def check_interrupted_message(code, err):
    assert code == 130, err
    lines = [line for line in err.strip().splitlines() if not line.startswith("sweep: ")]  # progress log
    assert len(lines) == 1 and lines[0].startswith("tiersim: interrupted: "), err
    assert lines[0].endswith("sweep sweep.yaml -o i.h5 --resume"), err


def test_sigterm_stops_like_sigint(tiersim_bin, tmp_path, reference):
    code, err = interrupt(tiersim_bin, tmp_path, reference, [signal.SIGTERM])
    check_interrupted_message(code, err)
    assert not (tmp_path / "i.h5").exists() and not (tmp_path / "i.h5.lock").exists()
    resume_to_the_end(tiersim_bin, tmp_path, "i.h5", reference, "after SIGTERM")


def test_threaded_sweep_stops_cleanly_on_sigint(tiersim_bin, tmp_path, reference):
    """Several runs in flight on 2 threads when the signal arrives: they finish and are
    written, no new ones start (also run under ThreadSanitizer: label `parallel`)."""
    code, err = interrupt(tiersim_bin, tmp_path, reference, [signal.SIGINT], threads="2")
    check_interrupted_message(code, err)
    done = info(tiersim_bin, tmp_path / "i.h5.incomplete")
    assert "done" in done and "pending" in done
    resume_to_the_end(tiersim_bin, tmp_path, "i.h5", reference, "after a threaded SIGINT", "-j", "2")


def test_second_sigint_ends_at_once_and_the_file_stays_resumable(tiersim_bin, tmp_path, reference):
    code, err = interrupt(tiersim_bin, tmp_path, reference, [signal.SIGINT, signal.SIGINT])
    # The second Ctrl-C kills (default action restored); if the runs in flight had already
    # finished, the first one's clean stop (130) is what happened.
    assert code in (-signal.SIGINT, 130), (code, err)
    assert not (tmp_path / "i.h5").exists()
    resume_to_the_end(tiersim_bin, tmp_path, "i.h5", reference, f"after two SIGINTs (exit {code})")


# ---- tiersim run ---------------------------------------------------------------------------

@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT, signal.SIGTERM])
def test_killed_run_leaves_no_result_and_does_not_block_the_next(tiersim_bin, tmp_path, sig):
    cfg = tmp_path / "long.yaml"
    cfg.write_text(BASE.replace("months: 60", "months: 600").replace("agents_per_market: 50", "agents_per_market: 200"))
    t0 = time.monotonic()
    subprocess.run([tiersim_bin, "-q", "run", cfg, "-o", "full.h5"], cwd=tmp_path, check=True, timeout=600)
    seconds = time.monotonic() - t0
    proc = start_logged(tiersim_bin, tmp_path, "run", cfg, "-o", "r.h5")
    wait_for_progress(proc, "run bass")  # month 1 of 600 done: the `.partial` exists, the run goes on
    time.sleep(random.Random(SEED + 3).uniform(0.0, 0.1 * seconds))
    proc.send_signal(sig)
    proc.wait(timeout=60)
    assert proc.returncode == -sig, proc.stderr.read()
    assert not (tmp_path / "r.h5").exists()
    # A stale `.partial` and `.lock` do not stop the same command (no --overwrite needed).
    subprocess.run([tiersim_bin, "-q", "run", cfg, "-o", "r.h5"], cwd=tmp_path, check=True, timeout=600)
    assert digest(tiersim_bin, tmp_path / "r.h5") == digest(tiersim_bin, tmp_path / "full.h5")
    assert not (tmp_path / "r.h5.partial").exists() and not (tmp_path / "r.h5.lock").exists()


# ---- files that are not what they claim ----------------------------------------------------

def bad_files(tmp_path, good):
    with h5py.File(tmp_path / "foreign.h5", "w") as f:
        f["x"] = [1, 2, 3]
    data = good.read_bytes()
    return {
        "empty": b"",
        "not HDF5": b"tiersim? no." * 100,
        "truncated to the superblock": data[:512],
        "truncated to half": data[: len(data) // 2],
        "foreign HDF5": (tmp_path / "foreign.h5").read_bytes(),
    }


def test_bad_files_given_as_results_are_refused_and_left_alone(tiersim, tmp_path):
    (tmp_path / "base.yaml").write_text(BASE.replace("markets: 300", "markets: 3"))
    (tmp_path / "sweep.yaml").write_text(SWEEP.format(samples=4))
    tiersim("-q", "sweep", "sweep.yaml", "-o", "good.h5", check=0)
    tiersim("-q", "sweep", "sweep.yaml", "-o", "half.h5", "--shard", "0/2", check=0)
    for what, content in bad_files(tmp_path, tmp_path / "good.h5").items():
        bad = tmp_path / "bad.h5"
        bad.write_bytes(content)
        before = snapshot(tmp_path)
        for args in (["info", "bad.h5"], ["digest", "bad.h5"], ["merge", "m.h5", "half.h5", "bad.h5"],
                     ["sweep", "sweep.yaml", "-o", "bad.h5", "--resume"]):
            proc = tiersim(*args)
            assert proc.returncode == 2, (what, args, proc.stderr)
            lines = proc.stderr.strip().splitlines()
            assert len(lines) == 1 and "bad.h5" in lines[0], (what, args, proc.stderr)
            assert snapshot(tmp_path) == before, (what, args)  # bad.h5 unchanged, nothing new
    # A directory where a result file is expected.
    (tmp_path / "dir.h5").mkdir()
    for args in (["info", "dir.h5"], ["digest", "dir.h5"], ["sweep", "sweep.yaml", "-o", "dir.h5", "--resume"]):
        proc = tiersim(*args)
        assert proc.returncode == 2 and "dir.h5" in proc.stderr, (args, proc.stderr)


# ---- one process per output ----------------------------------------------------------------

def test_competing_processes_are_refused_and_the_first_completes(tiersim_bin, tiersim, tmp_path, reference):
    prepare(tmp_path, reference)
    first = subprocess.Popen([tiersim_bin, "-q", "-j", "1", "sweep", "sweep.yaml", "-o", "g.h5"], cwd=tmp_path,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    stopped = False
    try:
        assert wait_for(tmp_path / "g.h5.incomplete", first)
        # Held still (its lock kept) while the competitors try: how fast it would otherwise
        # finish on a loaded machine does not matter.
        first.send_signal(signal.SIGSTOP)
        stopped = True
        competitors = (["sweep", "sweep.yaml", "-o", "g.h5"],
                       ["sweep", "sweep.yaml", "-o", "g.h5", "--overwrite"],
                       ["sweep", "sweep.yaml", "-o", "g.h5", "--resume"],
                       ["run", "base.yaml", "-o", "g.h5", "--overwrite"])
        for args in competitors:
            proc = tiersim(*args)
            assert proc.returncode == 2, (args, proc.stderr)
            assert "another tiersim process" in proc.stderr and "g.h5.lock" in proc.stderr, (args, proc.stderr)
    finally:
        if stopped:
            first.send_signal(signal.SIGCONT)
        first.wait(timeout=600)
    assert first.returncode == 0, first.stderr.read()
    assert digest(tiersim_bin, tmp_path / "g.h5") == reference["digest"]
    for suffix in LEFTOVERS:
        assert not (tmp_path / f"g.h5{suffix}").exists(), suffix


def test_two_runs_on_one_output(tiersim_bin, tiersim, tmp_path):
    cfg = tmp_path / "long.yaml"
    cfg.write_text(BASE.replace("months: 60", "months: 600").replace("agents_per_market: 50", "agents_per_market: 200"))
    first = start(tiersim_bin, tmp_path, "-q", "run", cfg, "-o", "r.h5")
    stopped = False
    try:
        assert wait_for(tmp_path / "r.h5.partial", first)
        # Held still (its lock kept) while the second run tries, however fast it would finish.
        first.send_signal(signal.SIGSTOP)
        stopped = True
        for extra in ([], ["--overwrite"]):
            proc = tiersim("run", cfg, "-o", "r.h5", *extra)
            assert proc.returncode == 2 and "another tiersim process" in proc.stderr, proc.stderr
    finally:
        if stopped:
            first.send_signal(signal.SIGCONT)
        first.wait(timeout=600)
    assert first.returncode == 0, first.stderr.read()
    with h5py.File(tmp_path / "r.h5", "r") as f:
        assert f.attrs["complete"] == 1
