"""configs/sweeps/bifurcation_reduced.yaml and scripts/bifurcation.py: the sweep as shipped,
smaller, gives one row per (gamma_net, start) with its interval around the mean, and a
figure; a strong network term leaves no Chinese new compute in Tier 2 by 2030 from the
US-heavy start."""
import subprocess
import sys

import pandas as pd

from tiersim_fixtures import REPO


def test_bifurcation_table_and_figure(tiersim_bin, tmp_path):
    text = (REPO / "configs" / "sweeps" / "bifurcation_reduced.yaml").read_text()
    small = (text.replace("replicates: 3", "replicates: 2").replace("buyers_total: 10000", "buyers_total: 2000")
             .replace("values: [0, 0.3, 0.6, 1, 1.5, 2, 3]", "values: [0.3, 2]")
             .replace("../scenarios/", f"{REPO}/configs/scenarios/"))
    assert "replicates: 2" in small and "values: [0.3, 2]" in small and "buyers_total: 2000" in small
    (tmp_path / "b.yaml").write_text(small)
    out = tmp_path / "b.h5"
    subprocess.run([tiersim_bin, "-q", "sweep", "b.yaml", "-o", str(out)], cwd=tmp_path, check=True, timeout=600)
    proc = subprocess.run([sys.executable, str(REPO / "scripts" / "bifurcation.py"), str(out), "--out",
                           str(tmp_path / "fig")], capture_output=True, text=True, check=True)
    table = pd.read_csv(tmp_path / "fig" / "bifurcation.csv")
    assert len(table) == 4 and (table.replicates == 2).all()  # 2 gamma values x 2 starts
    for m in ("cn_share_new_t2_2030", "cn_share_installed_t2_2030"):
        assert (table[f"{m}_low"] <= table[f"{m}_pct"] + 1e-12).all()
        assert (table[f"{m}_pct"] <= table[f"{m}_high"] + 1e-12).all()
    strong = table[(table.gamma_net == 2) & (table.start == 0.01)]
    assert float(strong.cn_share_new_t2_2030_pct.iloc[0]) < 0.01
    assert (tmp_path / "fig" / "bifurcation.png").stat().st_size > 10_000
    assert "starts apart" in proc.stdout


def test_the_script_refuses_another_sweep(tiersim_bin, tmp_path):
    (tmp_path / "s.yaml").write_text(f"""\
config: {REPO}/configs/scenarios/no_controls.yaml
seed: 1
replicates: 1
set:
  params.scale.buyers_total: 500
  calendar.months: 12
""")
    subprocess.run([tiersim_bin, "-q", "sweep", "s.yaml", "-o", "s.h5"], cwd=tmp_path, check=True, timeout=600)
    proc = subprocess.run([sys.executable, str(REPO / "scripts" / "bifurcation.py"), str(tmp_path / "s.h5")],
                          capture_output=True, text=True)
    assert proc.returncode != 0 and "not a bifurcation sweep" in proc.stderr
