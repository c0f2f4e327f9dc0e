"""Crash safety: a sweep killed with SIGKILL at any moment, or stopped with SIGINT, resumes
to the same data as a sweep that was never interrupted (docs/output-format.md).

Signals are sent once the sweep has logged a given number of finished runs (its progress
line for every run, TIERSIM_PROGRESS_INTERVAL=0), never after a fixed time: on a loaded
machine a sleep can end before the first run or after the last."""
import os
import shlex
import signal
import subprocess
import time

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

SWEEP = """\
config: base.yaml
seed: 11
design: {{kind: lhs, samples: {samples}}}
parameters:
  params.q: {{min: 0.1, max: 0.9}}
  params.p: {{min: 0.001, max: 0.1, scale: log}}
pair_with:
  - {{name: a}}
  - {{name: b, set: {{params.initial_share: 0.02}}}}
"""

# Long enough (many runs) that a signal sent after the first finished run lands mid-sweep.
TARGET_SECONDS = 1.5


def digest(tiersim_bin, path):
    out = subprocess.run([tiersim_bin, "digest", str(path)], capture_output=True, text=True, check=True)
    return out.stdout.split()[0]


def done_runs(tiersim_bin, path):
    """(done, total) of an in-progress file, from `tiersim info`."""
    info = subprocess.run([tiersim_bin, "info", str(path)], capture_output=True, text=True, check=True).stdout
    line = next(l for l in info.splitlines() if l.startswith("runs"))
    words = line.split()
    return int(words[1]), int(words[-1].rstrip(")"))


@pytest.fixture(scope="module")
def reference(tiersim_bin, tmp_path_factory):
    """An uninterrupted sweep, sized to take about TARGET_SECONDS on this machine."""
    d = tmp_path_factory.mktemp("reference")
    (d / "base.yaml").write_text(BASE)
    samples = 20
    for _ in range(4):
        (d / "sweep.yaml").write_text(SWEEP.format(samples=samples))
        start = time.monotonic()
        subprocess.run([tiersim_bin, "-q", "sweep", "sweep.yaml", "-o", "ref.h5", "--overwrite"], cwd=d, check=True,
                       timeout=600)
        seconds = time.monotonic() - start
        if seconds >= TARGET_SECONDS:
            break
        samples = int(samples * min(8.0, 1.3 * TARGET_SECONDS / max(seconds, 0.05)))
    return {"dir": d, "digest": digest(tiersim_bin, d / "ref.h5"), "sweep": (d / "sweep.yaml").read_text()}


def start_logged(tiersim_bin, tmp_path, *args):
    """Start tiersim with a progress line on stderr for every finished run."""
    env = dict(os.environ, TIERSIM_PROGRESS_INTERVAL="0")
    return subprocess.Popen([tiersim_bin, *args], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env)


def wait_for_done(proc, fraction):
    """Read stderr until a progress line "sweep: D/N done ..." (N: the runs this session has to
    do) with D >= 1 and D >= fraction * N; fraction 0: return at once. Returns the lines read."""
    lines = []
    if fraction <= 0:
        return lines
    for line in proc.stderr:
        lines.append(line)
        if line.startswith("sweep: ") and " done" in line:
            done, todo = map(int, line.split()[1].split("/"))
            if done >= max(1.0, fraction * todo):
                return lines
    raise AssertionError(f"the sweep ended (exit {proc.wait()}) before {fraction:.0%} of its runs were done: "
                         f"{''.join(lines)}")


def prepare(tmp_path, reference):
    (tmp_path / "base.yaml").write_text(BASE)
    (tmp_path / "sweep.yaml").write_text(reference["sweep"])


def test_sigkill_at_any_point_then_resume_gives_the_same_data(tiersim_bin, tmp_path, reference):
    prepare(tmp_path, reference)
    cmd = ["sweep", "sweep.yaml", "-o", "k.h5", "--resume"]
    partial = []
    # Kill at several moments: at once (maybe during creation), then after the first run, a
    # quarter and half of the runs left to this session are done.
    for fraction in (0.0, 1e-9, 0.25, 0.5):
        proc = start_logged(tiersim_bin, tmp_path, *cmd)
        wait_for_done(proc, fraction)
        proc.kill()
        proc.communicate(timeout=60)
        incomplete = tmp_path / "k.h5.incomplete"
        if proc.returncode == -signal.SIGKILL and incomplete.exists():
            # Whenever the process died, the in-progress file opens and says what is done.
            partial.append(done_runs(tiersim_bin, incomplete))
    assert any(0 < done < total for done, total in partial), f"no kill landed mid-sweep: {partial}"
    done_before = [d for d, _ in partial]
    assert done_before == sorted(done_before)  # progress is never lost
    proc = subprocess.run([tiersim_bin, "-q", *cmd], cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "k.h5").exists() and not (tmp_path / "k.h5.incomplete").exists()
    assert not (tmp_path / "k.h5.lock").exists()
    assert digest(tiersim_bin, tmp_path / "k.h5") == reference["digest"]


def test_sigint_exits_130_with_a_resume_command_that_completes(tiersim_bin, tmp_path, reference):
    prepare(tmp_path, reference)
    proc = start_logged(tiersim_bin, tmp_path, "sweep", "sweep.yaml", "-o", "i.h5")
    seen = wait_for_done(proc, 1e-9)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    err = "".join(seen) + err
    assert proc.returncode == 130, err
    lines = [line for line in err.strip().splitlines() if not line.startswith("sweep: ")]  # progress log
    assert len(lines) == 1 and lines[0].startswith("tiersim: interrupted: ")
    assert "i.h5.incomplete" in lines[0]
    resume = lines[0].split("resume with: ", 1)[1]
    assert resume.endswith("sweep sweep.yaml -o i.h5 --resume")
    done, total = done_runs(tiersim_bin, tmp_path / "i.h5.incomplete")
    assert 0 < done < total
    assert not (tmp_path / "i.h5.lock").exists()
    # The printed command, as printed.
    proc = subprocess.run(shlex.split(resume), cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert f"resuming: {done} of {total} runs already done" in proc.stdout
    assert digest(tiersim_bin, tmp_path / "i.h5") == reference["digest"]
