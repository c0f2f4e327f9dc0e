"""Progress when stderr is not a terminal (`sweep ... > log 2>&1`, batch jobs): periodic
whole log lines with runs done, rate and ETA. The interval comes from
TIERSIM_PROGRESS_INTERVAL, so the tests set it instead of waiting."""
import os
import re
import subprocess

SWEEP = """\
config: small.yaml
seed: 3
parameters:
  params.q: {values: [0.3, 0.4, 0.5]}
replicates: 2
"""

LINE = re.compile(r"^sweep: (\d+)/6 done \((\d+)%\), ([\d.]+) per second, elapsed \S+, ETA \S+$")


def sweep_log(tiersim_bin, small_bass, *extra, interval="0"):
    """Runs a 6-run sweep with stdout and stderr into one file, as `> log 2>&1` does."""
    (small_bass.parent / "sweep.yaml").write_text(SWEEP)
    env = dict(os.environ)
    if interval is None:
        env.pop("TIERSIM_PROGRESS_INTERVAL", None)
    else:
        env["TIERSIM_PROGRESS_INTERVAL"] = interval
    log = small_bass.parent / "log"
    with open(log, "w") as out:
        proc = subprocess.run([tiersim_bin, "sweep", "sweep.yaml", "-o", "s.h5", "-j", "1", *extra],
                              cwd=small_bass.parent, stdout=out, stderr=subprocess.STDOUT, env=env, timeout=300)
    assert proc.returncode == 0, log.read_text()
    return log.read_text().splitlines()


def test_log_lines_count_runs_with_rate_and_eta(tiersim_bin, small_bass):
    lines = sweep_log(tiersim_bin, small_bass)
    progress = [m for m in map(LINE.match, lines) if m]
    # Interval 0: a line after every finished run, counting up to the total.
    assert [int(m.group(1)) for m in progress] == [1, 2, 3, 4, 5, 6], lines
    assert int(progress[-1].group(2)) == 100 and float(progress[-1].group(3)) > 0
    assert re.fullmatch(r"sweep: 6/6 done in \S+", lines[-2]), lines  # then stdout's "wrote s.h5"
    # The summary gives the throughput: runs per second and how many cores were kept busy
    # (one thread here: about 1, never more than the machine has).
    summary = re.fullmatch(r"wrote s\.h5 \(6 runs, 6 run now in ([\d.]+) s: ([\d.]+) runs/s, ([\d.]+) cores busy\)",
                           lines[-1])
    assert summary, lines
    _, rate, busy = map(float, summary.groups())
    assert rate > 0 and 0 < busy <= (os.cpu_count() or 1) + 0.5, lines
    assert not any("\r" in line or "\033" in line for line in lines), "terminal control codes in a log"


def test_a_sweep_shorter_than_the_interval_logs_nothing_and_quiet_logs_nothing(tiersim_bin, small_bass):
    assert not any(line.startswith("sweep: ") for line in sweep_log(tiersim_bin, small_bass, interval="3600"))
    assert not any(line.startswith("sweep: ") for line in sweep_log(tiersim_bin, small_bass, "-q", "--overwrite"))


def test_a_bad_interval_is_named_and_the_default_used(tiersim_bin, small_bass):
    lines = sweep_log(tiersim_bin, small_bass, interval="soon")
    assert "tiersim: warning: TIERSIM_PROGRESS_INTERVAL='soon' is not a number of seconds >= 0; using 30" in lines
