"""Crash safety: a sweep killed with SIGKILL at any moment, or stopped with SIGINT, resumes
to the same data as a sweep that was never interrupted (docs/output-format.md)."""
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

# Long enough that kills land mid-sweep on a slow (Debug, loaded) or fast (Release) build.
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
    return {"dir": d, "seconds": seconds, "digest": digest(tiersim_bin, d / "ref.h5"), "runs": 2 * samples,
            "sweep": (d / "sweep.yaml").read_text()}


def prepare(tmp_path, reference):
    (tmp_path / "base.yaml").write_text(BASE)
    (tmp_path / "sweep.yaml").write_text(reference["sweep"])


def test_sigkill_at_any_point_then_resume_gives_the_same_data(tiersim_bin, tmp_path, reference):
    prepare(tmp_path, reference)
    cmd = [tiersim_bin, "-q", "sweep", "sweep.yaml", "-o", "k.h5", "--resume"]
    partial = []
    # Kill at several moments: early (maybe during creation), then into the remaining runs.
    for fraction in (0.05, 0.3, 0.3, 0.5):
        proc = subprocess.Popen(cmd, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        time.sleep(fraction * reference["seconds"])
        proc.kill()
        proc.wait(timeout=60)
        incomplete = tmp_path / "k.h5.incomplete"
        if proc.returncode == -signal.SIGKILL and incomplete.exists():
            # Whenever the process died, the in-progress file opens and says what is done.
            partial.append(done_runs(tiersim_bin, incomplete))
    assert any(0 < done < total for done, total in partial), f"no kill landed mid-sweep: {partial}"
    done_before = [d for d, _ in partial]
    assert done_before == sorted(done_before)  # progress is never lost
    proc = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "k.h5").exists() and not (tmp_path / "k.h5.incomplete").exists()
    assert not (tmp_path / "k.h5.lock").exists()
    assert digest(tiersim_bin, tmp_path / "k.h5") == reference["digest"]


def test_sigint_exits_130_with_a_resume_command_that_completes(tiersim_bin, tmp_path, reference):
    prepare(tmp_path, reference)
    proc = subprocess.Popen([tiersim_bin, "sweep", "sweep.yaml", "-o", "i.h5"], cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(0.4 * reference["seconds"])
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    lines = err.strip().splitlines()
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
