"""The paper pipeline on a small generated paired sweep: every table, figure and provenance."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tiersim import paper  # noqa: E402

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def small_sweep(tmp_path_factory):
    binary = os.environ.get("TIERSIM_BIN")
    if not binary:
        pytest.skip("TIERSIM_BIN not set; run through ctest")
    tmp = tmp_path_factory.mktemp("paper")
    scen = REPO / "configs" / "scenarios"
    text = (REPO / "configs" / "sweeps" / "headline_reduced.yaml").read_text()
    text = text.replace("samples: 100", "samples: 8")
    text = text.replace("../scenarios/", f"{scen}/").replace("params.scale.buyers_total: 30000",
                                                             "params.scale.buyers_total: 2000")
    sweep = tmp / "small.yaml"
    sweep.write_text(text)
    out = tmp / "small.h5"
    subprocess.run([binary, "sweep", "-q", str(sweep), "-o", str(out)], check=True, capture_output=True)
    return out


def test_pipeline_writes_every_table_figure_and_provenance(small_sweep, tmp_path, capsys):
    table = paper.main([str(small_sweep), "--out", str(tmp_path)])
    assert len(table) == 4 and table.n.eq(8).all()
    printed = capsys.readouterr().out
    assert "Claim test" in printed and "8 parameter draws" in printed
    claim = pd.read_csv(tmp_path / "claim.csv")
    assert {"mean_pp", "mean_low_pp", "mean_high_pp", "p_gt_1pp", "p_gt_5pp", "p_gt_10pp"} <= set(claim.columns)
    assert (claim.mean_low_pp <= claim.mean_pp + 1e-12).all() and (claim.mean_pp <= claim.mean_high_pp + 1e-12).all()
    assert "\\begin{tabular}" in (tmp_path / "claim.tex").read_text()
    countries = pd.read_csv(tmp_path / "countries.csv")
    assert set(countries.country) == set(paper.claim.MICROSOFT_COUNTRIES)
    for i in range(1, 6):
        pngs = list(tmp_path.glob(f"fig{i}_*.png"))
        assert len(pngs) == 1 and pngs[0].stat().st_size > 10_000
        assert pngs[0].with_suffix(".pdf").exists()
    prov = json.loads((tmp_path / "provenance.json").read_text())
    assert all(len(v["sweep_hash"]) == 64 and v["git_sha"] for v in prov.values())
    sens = pd.read_csv(tmp_path / "sensitivity.csv")
    assert len(sens) == 11  # one row per swept parameter
    assert "PRIM box" in (tmp_path / "discovery.txt").read_text()


def test_pipeline_refuses_a_sweep_without_the_paired_scenarios(small_sweep, tmp_path):
    import h5py
    import shutil

    bad = tmp_path / "bad.h5"
    shutil.copy(small_sweep, bad)
    with h5py.File(bad, "r+") as f:
        f["scenario"][...] = ["only_one"] * f["scenario"].shape[0]
    with pytest.raises(SystemExit, match="needs runs of both"):
        paper.main([str(bad), "--out", str(tmp_path / "o")])


def test_latex_table_escapes_and_aligns():
    df = pd.DataFrame({"a_b": [1.23456, 2.0]}, index=pd.Index(["x%", "y"], name="name"))
    tex = paper.latex_table(df, "a caption_with_underscore")
    assert r"a\_b" in tex and r"x\%" in tex and r"\caption{a caption\_with\_underscore}" in tex
    assert "1.23" in tex


def test_quickplot_groups_runs_by_a_parameter(small_sweep, tmp_path, capsys):
    from tiersim import quickplot

    out = tmp_path / "q.png"
    quickplot.main([str(small_sweep), "cn_share_new_tier", "--sel", "tier=2", "--by", "params.china.export_share",
                    "--scenario", "diffusion_rule", "-o", str(out)])
    assert out.stat().st_size > 10_000
    with pytest.raises(SystemExit, match="select all dimensions"):
        quickplot.main([str(small_sweep), "cn_share_new_tier", "-o", str(out)])
    with pytest.raises(SystemExit, match="no variable"):
        quickplot.main([str(small_sweep), "nope", "-o", str(out)])


def test_tidy_frames(small_sweep):
    import tiersim

    ds = tiersim.open(small_sweep)
    runs = tiersim.runs_frame(ds)
    assert len(runs) == 16 and {"scenario", "point", "params_china_export_share", "cn_share_new_t2_2030"} <= set(runs)
    long = tiersim.to_frame(ds, "cn_share_new_tier")
    assert len(long) == 16 * 72 * 3
    assert {"run", "time", "tier", "value", "scenario", "params_china_export_share"} <= set(long.columns)
    one = long[(long.run == 0) & (long.tier == 2)].set_index("time")["value"]
    assert one.equals(ds.cn_share_new_tier.sel(run=0, tier=2).to_pandas().rename("value"))
    with pytest.raises(KeyError):
        tiersim.to_frame(ds, "nope")
