"""End-to-end checks of the tiersim command line."""
import re

import h5py
import numpy as np
import pytest

LOCATION = re.compile(r"\.yaml:\d+:\d+: key '")


def test_run_writes_a_complete_file(tiersim, small_bass, tmp_path):
    out = tmp_path / "r.h5"
    proc = tiersim("run", small_bass, "-o", out, check=0)
    assert "final_adoption_share" in proc.stdout
    assert out.exists() and not (tmp_path / "r.h5.partial").exists()
    with h5py.File(out, "r") as f:
        assert f.attrs["complete"] == 1
        assert f["run_status"][0] == 1
        share = f["adoption_share_world"][0, :]
        assert share.shape == (24,)
        assert np.all(np.diff(share) >= 0) and 0 < share[-1] < 1
        assert "seed: 21" in f.attrs["config_yaml"].decode()


def test_default_output_goes_to_results_folder(tiersim, small_bass, tmp_path):
    tiersim("run", "-q", small_bass, check=0)
    assert (tmp_path / "results" / "small.h5").exists()


@pytest.mark.parametrize("threads", [2, 3])
def test_thread_count_does_not_change_results(tiersim, small_bass, tmp_path, threads):
    tiersim("run", "-q", "--threads", 1, small_bass, "-o", tmp_path / "a.h5", check=0)
    tiersim("run", "-q", "--threads", threads, small_bass, "-o", tmp_path / "b.h5", check=0)
    da = tiersim("digest", tmp_path / "a.h5", check=0).stdout.split()[0]
    db = tiersim("digest", tmp_path / "b.h5", check=0).stdout.split()[0]
    assert da == db
    with h5py.File(tmp_path / "a.h5", "r") as a, h5py.File(tmp_path / "b.h5", "r") as b:
        assert a.attrs["threads"] != b.attrs["threads"]  # provenance differs ...
        for name in ("adopters", "adoption_share_world", "final_adoption_share"):
            assert a[name][()].tobytes() == b[name][()].tobytes()  # ... the numbers do not


def test_seed_changes_results(tiersim, small_bass, tmp_path):
    tiersim("run", "-q", small_bass, "-o", tmp_path / "a.h5", check=0)
    tiersim("run", "-q", "--seed", 22, small_bass, "-o", tmp_path / "b.h5", check=0)
    da = tiersim("digest", tmp_path / "a.h5").stdout.split()[0]
    db = tiersim("digest", tmp_path / "b.h5").stdout.split()[0]
    assert da != db


def test_printed_config_reproduces_the_run(tiersim, small_bass, tmp_path):
    proc = tiersim("run", "-q", "--print-config", "--set", "params.q=0.5", small_bass, "-o", tmp_path / "a.h5",
                   check=0)
    resolved = tmp_path / "resolved.yaml"
    resolved.write_text(proc.stdout)
    assert "q: 0.5" in proc.stdout and "agents_per_market: 20000" in proc.stdout
    tiersim("run", "-q", resolved, "-o", tmp_path / "b.h5", check=0)
    da = tiersim("digest", tmp_path / "a.h5").stdout.split()[0]
    db = tiersim("digest", tmp_path / "b.h5").stdout.split()[0]
    assert da == db


BAD_CONFIGS = {
    "typo in a key": ("model: bass\nparams:\n  agents_per_markt: 10\n", "params.agents_per_markt",
                      "did you mean 'params.agents_per_market'", 3, 3),
    "string for a number": ("model: bass\nparams:\n  p: high\n", "params.p", "expected a number", 3, 6),
    "negative count": ("model: bass\nparams:\n  agents_per_market: -5\n", "params.agents_per_market",
                       "out of range", 3, 22),
    "unknown top-level key": ("model: bass\nseeed: 3\n", "seeed", "did you mean 'seed'", 2, 1),
    "NaN": ("model: bass\nparams: {q: .nan}\n", "params.q", "finite", 2, 13),
    "bad month": ("model: bass\ncalendar: {start: 2025-13}\n", "calendar.start", "YYYY-MM", 2, 19),
}


@pytest.mark.parametrize("case", sorted(BAD_CONFIGS))
def test_bad_config_is_rejected_with_location(tiersim, tmp_path, case):
    text, key, hint, line, col = BAD_CONFIGS[case]
    cfg = tmp_path / "bad.yaml"
    cfg.write_text(text)
    out = tmp_path / "out.h5"
    for cmd in (["run", cfg, "-o", out], ["validate", cfg]):
        proc = tiersim(*cmd)
        assert proc.returncode == 2, proc.stderr
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1, proc.stderr
        assert f"bad.yaml:{line}:{col}: " in lines[0]
        assert f"'{key}'" in lines[0] and hint in lines[0]
    assert not out.exists() and not (tmp_path / "out.h5.partial").exists()


def test_bad_override_names_the_command_line(tiersim, small_bass):
    proc = tiersim("validate", small_bass, "--set", "params.qq=1")
    assert proc.returncode == 2
    assert "--set params.qq=1" in proc.stderr and "did you mean 'params.q'" in proc.stderr


def test_missing_config_file(tiersim, tmp_path):
    proc = tiersim("run", tmp_path / "nope.yaml")
    assert proc.returncode == 2 and "file not found" in proc.stderr


def test_existing_output_is_not_touched(tiersim, small_bass, tmp_path):
    out = tmp_path / "keep.h5"
    out.write_bytes(b"precious")
    proc = tiersim("run", small_bass, "-o", out)
    assert proc.returncode == 2 and "exists" in proc.stderr
    assert out.read_bytes() == b"precious"
    tiersim("run", "-q", small_bass, "-o", out, "--overwrite", check=0)
    assert out.read_bytes() != b"precious"


def test_validate_writes_nothing(tiersim, small_bass, tmp_path):
    proc = tiersim("validate", small_bass, check=0)
    assert "valid" in proc.stdout
    assert not (tmp_path / "results").exists()


def test_bad_record_spec_names_location(tiersim, tmp_path):
    cfg = tmp_path / "rec.yaml"
    cfg.write_text("model: bass\nrecord:\n  - {variable: adopters}\n  - {variable: adopter}\n")
    proc = tiersim("validate", cfg)
    assert proc.returncode == 2
    assert "rec.yaml:4:5" in proc.stderr and "did you mean 'adopters'" in proc.stderr


def test_usage_errors_exit_2(tiersim):
    assert tiersim("frobnicate").returncode == 2
    assert tiersim("run").returncode == 2
    assert tiersim("run", "x.yaml", "--threads", "-1").returncode == 2


def test_version_and_help(tiersim):
    v = tiersim("--version", check=0).stdout
    assert re.match(r"tiersim \d+\.\d+\.\d+ \(git [0-9a-f]{7,}|tiersim \d+\.\d+\.\d+ \(git unknown", v)
    h = tiersim("--help", check=0).stdout
    for word in ("run", "validate", "info", "digest", "Exit codes"):
        assert word in h


def test_info_summarises_a_result(tiersim, small_bass, tmp_path):
    tiersim("run", "-q", small_bass, "-o", tmp_path / "r.h5", check=0)
    info = tiersim("info", tmp_path / "r.h5", check=0).stdout
    assert "1 done, 0 failed, 0 pending" in info
    assert re.search(r"time\s+24", info)
    assert "complete        yes" in info


def test_info_refuses_foreign_files(tiersim, tmp_path):
    junk = tmp_path / "junk.h5"
    junk.write_bytes(b"not hdf5 at all")
    proc = tiersim("info", junk)
    assert proc.returncode == 2 and "junk.h5" in proc.stderr
    with h5py.File(tmp_path / "foreign.h5", "w") as f:
        f["x"] = [1, 2, 3]
    proc = tiersim("info", tmp_path / "foreign.h5")
    assert proc.returncode == 2 and "tiersim" in proc.stderr
