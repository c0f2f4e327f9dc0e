"""configs/sweeps/hysteresis_reduced.yaml and scripts/hysteresis.py: a rule lifted after 2027
is the same rule until then, so its 2027 effect equals the kept rule's, run for run."""
import subprocess
import sys

from tiersim_fixtures import REPO


def test_lifted_and_kept_rule_agree_through_2027(tiersim_bin, tmp_path):
    # The sweep as shipped, smaller: 2 replicates, 2,000 buyers.
    text = (REPO / "configs" / "sweeps" / "hysteresis_reduced.yaml").read_text()
    small = (text.replace("replicates: 10", "replicates: 2").replace("buyers_total: 30000", "buyers_total: 2000")
             .replace("../scenarios/", f"{REPO}/configs/scenarios/"))
    assert small.count("replicates: 2") == 1 and "buyers_total: 2000" in small
    (tmp_path / "h.yaml").write_text(small)
    out = tmp_path / "h.h5"
    subprocess.run([tiersim_bin, "-q", "sweep", "h.yaml", "-o", str(out)], cwd=tmp_path, check=True, timeout=600)
    proc = subprocess.run([sys.executable, str(REPO / "scripts" / "hysteresis.py"), str(out)], capture_output=True,
                          text=True, check=True)
    rows = [line.split() for line in proc.stdout.splitlines()[1:]]
    assert len(rows) == 4  # 2 points x 2 arms
    by_arm = {}
    for row in rows:
        arm = next(w for w in row if w in ("rule_2025_27", "diffusion_rule"))
        by_arm.setdefault(arm, []).append(row[row.index(arm) + 1])  # the 2027 effect's mean
    assert by_arm["rule_2025_27"] == by_arm["diffusion_rule"], proc.stdout
    # Run for run, bit for bit through 2027; after the lift the Chinese share differs.
    sys.path.insert(0, str(REPO / "analysis"))
    import tiersim

    runs = tiersim.runs_frame(tiersim.open(out)).set_index(["point", "replicate", "scenario"])
    for year, same in ((2027, True), (2030, False)):
        col = runs[f"cn_share_installed_t2_{year}"]
        lifted = col.xs("rule_2025_27", level="scenario")
        kept = col.xs("diffusion_rule", level="scenario")
        assert (lifted == kept).all() == same, (year, lifted, kept)


def test_the_script_refuses_a_sweep_without_the_three_arms(tiersim_bin, tmp_path):
    (tmp_path / "s.yaml").write_text(f"""\
config: {REPO}/configs/scenarios/no_controls.yaml
seed: 1
replicates: 1
set:
  params.scale.buyers_total: 500
  calendar.months: 12
""")
    subprocess.run([tiersim_bin, "-q", "sweep", "s.yaml", "-o", "s.h5"], cwd=tmp_path, check=True, timeout=600)
    proc = subprocess.run([sys.executable, str(REPO / "scripts" / "hysteresis.py"), str(tmp_path / "s.h5")],
                          capture_output=True, text=True)
    assert proc.returncode != 0 and "not a hysteresis sweep" in proc.stderr
