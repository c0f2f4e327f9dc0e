"""Extreme but well-formed values: they end with a clear error or a correct result, never
with a signal, a library's warning or a result that is not what it claims.

- `--threads`: up to 1024 (more threads than cores work, without TBB's warning, and give
  the same digest); above, and beyond any integer, exit 2 with one line before any work.
- Option-parser errors are one `tiersim: error:` line (no 309-digit bounds)."""
import pytest

from conftest import snapshot

BASE = """\
model: bass
seed: 3
calendar: {start: 2025-01, months: 12}
params: {markets: 3, agents_per_market: 50}
"""
SWEEP = """\
config: base.yaml
seed: 4
design: {kind: lhs, samples: 4}
parameters:
  params.q: {min: 0.1, max: 0.9}
"""


def one_error_line(proc, *parts):
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("tiersim: error: "), proc.stderr
    for part in parts:
        assert part in lines[0], (part, lines[0])
    assert len(lines[0]) < 300, lines[0]


@pytest.mark.parametrize("threads", ["1025", "100000", "1000000000", "2147483647", "3000000000", "1" + "0" * 30])
def test_too_many_threads_are_refused_before_any_work(tiersim, tmp_path, threads):
    (tmp_path / "base.yaml").write_text(BASE)
    (tmp_path / "sweep.yaml").write_text(SWEEP)
    before = snapshot(tmp_path)
    for args in (["run", "base.yaml", "-o", "r.h5"], ["sweep", "sweep.yaml", "-o", "s.h5"],
                 ["validate", "base.yaml"], ["models"]):
        one_error_line(tiersim("-j", threads, *args), "--threads", "at most 1024")
        one_error_line(tiersim(*args, "--threads", threads), "--threads", "at most 1024")
        assert snapshot(tmp_path) == before, args


def test_more_threads_than_cores_give_the_same_results_without_warnings(tiersim, tmp_path):
    (tmp_path / "base.yaml").write_text(BASE)
    (tmp_path / "sweep.yaml").write_text(SWEEP)
    digests = set()
    for threads in ("1", "64", "1024"):
        for args in (["run", "base.yaml", "-o", f"r{threads}.h5"], ["sweep", "sweep.yaml", "-o", f"s{threads}.h5"]):
            proc = tiersim("-q", "-j", threads, *args, check=0)
            assert proc.stderr == "", proc.stderr
        digests.add((tiersim("digest", f"r{threads}.h5").stdout.split()[0],
                     tiersim("digest", f"s{threads}.h5").stdout.split()[0]))
    assert len(digests) == 1


@pytest.mark.parametrize("args, parts", [
    (["-j", "-1", "models"], ["--threads", "not a whole number"]),
    (["run", "base.yaml", "--seed", "18446744073709551617"], ["--seed", "out of range"]),  # 2^64 + 1
    (["-j", "two", "models"], ["--threads", "not a whole number"]),
    (["run", "base.yaml", "--seed", "-5"], ["--seed", "not a whole number"]),
    (["run", "base.yaml", "--seed", "99999999999999999999"], ["--seed", "out of range"]),
    (["run", "base.yaml", "--seed", "9000000000000001"], ["--seed", "out of range"]),
    (["sweep"], ["SWEEP is required"]),
    (["run", "base.yaml", "--no-such-option"], ["--no-such-option"]),
])
def test_option_errors_are_one_line(tiersim, tmp_path, args, parts):
    (tmp_path / "base.yaml").write_text(BASE)
    one_error_line(tiersim(*args), *parts)


def test_a_state_that_stops_being_finite_fails_the_run_naming_the_month(tiersim, tmp_path):
    """A legal but extreme GDP (1e305 USD) makes the demand shares NaN in the first month.
    The run fails (exit 1) with one line naming the month (and, from the model's invariant
    checks or the recorder, the country), and writes no result."""
    from tiersim_fixtures import REPO

    table = (REPO / "configs" / "data" / "countries.csv").read_text()
    assert ",3544707788," in table  # Aruba's GDP
    (tmp_path / "big.csv").write_text(table.replace(",3544707788,", ",1e305,", 1))
    (tmp_path / "run.yaml").write_text(f"base: {REPO}/configs/scenarios/diffusion_rule.yaml\n"
                                       "calendar: {months: 6}\n"
                                       "params: {scale: {buyers_total: 2000}, data: {countries: big.csv}}\n")
    proc = tiersim("run", "run.yaml", "-o", "r.h5")
    assert proc.returncode == 1, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("tiersim: failure: ") and "2025-01" in lines[0], proc.stderr
    assert "nan" in lines[0].lower() and not (tmp_path / "r.h5").exists()


def test_running_out_of_memory_is_one_line_about_memory(tiersim_bin, tmp_path):
    """std::bad_alloc (here: a 600 MB address-space limit and 5e7 buyers) is a failure that
    says what ran out, how large the model was (the buyer count, where it was set) and which
    setting to lower, not the exception's bare name."""
    import os
    import resource
    import subprocess

    from tiersim_fixtures import REPO

    if "ASAN_OPTIONS" in os.environ or "TSAN_OPTIONS" in os.environ:
        pytest.skip("sanitizers need more address space than the limit")
    (tmp_path / "run.yaml").write_text(f"base: {REPO}/configs/scenarios/diffusion_rule.yaml\n"
                                       "calendar: {months: 6}\nparams: {scale: {buyers_total: 50000000}}\n")

    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (600 << 20, 600 << 20))

    proc = subprocess.run([tiersim_bin, "-q", "run", "run.yaml", "-o", "r.h5"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=600, preexec_fn=limit)
    assert proc.returncode == 1, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("tiersim: failure: out of memory"), proc.stderr
    assert "50000000 buyers (params.scale.buyers_total, set at run.yaml:3:32)" in lines[0], lines[0]
    assert "lower params.scale.buyers_total" in lines[0], lines[0]
    assert not (tmp_path / "r.h5").exists()
