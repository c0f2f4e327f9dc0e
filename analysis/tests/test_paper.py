"""The paper pipeline on a small generated paired sweep: every table, figure and provenance."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
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
    text = text.replace("samples: 100", "samples: 16")  # more points than swept parameters
    text = text.replace("../scenarios/", f"{scen}/").replace("params.scale.buyers_total: 30000",
                                                             "params.scale.buyers_total: 2000")
    sweep = tmp / "small.yaml"
    sweep.write_text(text)
    out = tmp / "small.h5"
    subprocess.run([binary, "sweep", "-q", str(sweep), "-o", str(out)], check=True, capture_output=True)
    return out


def test_pipeline_writes_every_table_figure_and_provenance(small_sweep, tmp_path, capsys):
    table = paper.main([str(small_sweep), "--out", str(tmp_path)])
    assert len(table) == 4 and table.n.eq(16).all()
    printed = capsys.readouterr().out
    assert "Claim test" in printed and "16 pairs (16 design points x 1 replicates)" in printed
    claim = pd.read_csv(tmp_path / "claim.csv")
    assert {"mean_pp", "mean_low_pp", "mean_high_pp", "p_gt_1pp", "p_gt_5pp", "p_gt_10pp"} <= set(claim.columns)
    assert (claim.mean_low_pp <= claim.mean_pp + 1e-12).all() and (claim.mean_pp <= claim.mean_high_pp + 1e-12).all()
    tex = (tmp_path / "claim.tex").read_text()
    assert all(rule in tex for rule in (r"\toprule", r"\midrule", r"\bottomrule"))
    assert r"Mean (pp) & 95\% CI" in tex and "mean\\_pp" not in tex and "AI Diffusion rule" in tex
    countries = pd.read_csv(tmp_path / "countries.csv")
    assert set(countries.country) == set(paper.claim.MICROSOFT_COUNTRIES)
    for i in range(1, 6):
        pngs = list(tmp_path.glob(f"fig{i}_*.png"))
        assert len(pngs) == 1 and pngs[0].stat().st_size > 10_000
        assert pngs[0].with_suffix(".pdf").exists()
    prov = json.loads((tmp_path / "provenance.json").read_text())
    assert all(len(v["sweep_hash"]) == 64 and v["git_sha"] for v in prov.values())
    sens = pd.read_csv(tmp_path / "sensitivity.csv")
    assert len(sens) == 11  # one row per swept parameter, with its bootstrap interval
    # A percentile interval of a resampled regression need not contain the point estimate;
    # it must be a finite interval (the figure's error bars handle the rest: error_bars).
    assert np.isfinite(sens[["srrc", "srrc_low", "srrc_high"]]).all().all() and (sens.srrc_low <= sens.srrc_high).all()
    stex = (tmp_path / "sensitivity.tex").read_text()
    assert "Share of Chinese output exported" in stex and "params" not in stex
    assert "PRIM box" in (tmp_path / "discovery.txt").read_text()
    assert (tmp_path / "skipped.txt").read_text() == "nothing\n"
    # The US side: every outcome with an interval around its mean; Tier 2 demand is the
    # same in both arms, so the routes and unmet demand move by amounts that cancel.
    us = pd.read_csv(tmp_path / "us_side.csv").set_index("variable")
    assert list(us.index) == [key for key, *_ in paper.claim.US_OUTCOMES]
    assert ((us.low <= us["mean"] + 1e-9) & (us["mean"] <= us.high + 1e-9)).all()
    routes = us.drop(index="us_vendor_revenue_to_2030")
    assert abs(routes["mean"].sum()) <= 1e-9 * routes.treated_mean.abs().sum()
    assert routes.loc["t2_us_direct_to_2030", "mean"] < 0  # the caps cut Tier 2 imports of US chips
    assert r"\toprule" in (tmp_path / "us_side.tex").read_text()
    assert "US vendor revenue" in printed
    # The rule's purpose: the parts add up to the whole, and the rule cuts what reaches China.
    to_china = pd.read_csv(tmp_path / "to_china.csv").set_index("variable")
    assert list(to_china.index) == [key for key, *_ in paper.claim.LEAKAGE_OUTCOMES]
    parts = to_china.loc[["cn_via_t2_chips_2030", "cn_via_t2_cloud_2030"], "mean"].sum()
    assert parts == pytest.approx(to_china.loc["cn_via_t2_2030", "mean"], rel=1e-9)
    assert to_china.loc["cn_via_t2_2030", "mean"] < 0
    assert r"\toprule" in (tmp_path / "to_china.tex").read_text()


def test_any_scenario_pair_and_the_sign_of_the_effect(small_sweep, tmp_path, capsys):
    forward = paper.main([str(small_sweep), "--out", str(tmp_path / "f")])
    backward = paper.main([str(small_sweep), "--out", str(tmp_path / "b"), "--treated", "no_controls",
                           "--control", "diffusion_rule"])
    np.testing.assert_allclose(backward.mean_pp, -forward.mean_pp, atol=1e-12)
    assert "No export controls (no_controls) against AI Diffusion rule" in capsys.readouterr().out


def test_pipeline_says_what_it_skips(small_sweep, tmp_path, capsys):
    import h5py

    thin = tmp_path / "thin.h5"
    shutil.copy(small_sweep, thin)
    with h5py.File(thin, "r+") as f:
        for name in ("cap_used", "cap_remaining", "cn_share_installed_t2_2027"):
            del f[name]
    paper.main([str(thin), "--out", str(tmp_path / "o")])
    skipped = (tmp_path / "o" / "skipped.txt").read_text()
    assert "fig5 (cap usage): cap_used and cap_remaining are not recorded" in skipped
    assert "claim outcome cn_share_installed_t2_2027: not recorded" in skipped
    assert "skipped: fig5" in capsys.readouterr().out
    assert not list((tmp_path / "o").glob("fig5*"))


def one_error_line(capsys, call, *needles):
    """`call` exits with code 2 and one line on stderr containing every needle."""
    with pytest.raises(SystemExit) as e:
        call()
    err = capsys.readouterr().err.strip().splitlines()
    assert e.value.code == 2 and len(err) == 1, err
    assert all(n in err[0] for n in needles), err[0]
    return err[0]


def test_pipeline_refuses_scenarios_the_sweep_lacks(small_sweep, tmp_path, capsys):
    one_error_line(capsys, lambda: paper.main([str(small_sweep), "--out", str(tmp_path / "o"), "--treated", "strict"]),
                   "tiersim.paper: error:", "no runs of scenario 'strict'", "'diffusion_rule', 'no_controls'")
    one_error_line(capsys, lambda: paper.main([str(tmp_path / "none.h5")]), "none.h5")


def test_latex_table_is_booktabs_and_escapes():
    tex = paper.latex_table([["x%", "1.23"], ["a_b", "2"]], ["Name", "Mean (pp)"], "a caption_with_underscore")
    assert r"x\%" in tex and r"a\_b" in tex and r"\caption{a caption\_with\_underscore}" in tex
    assert tex.index(r"\toprule") < tex.index("Name & Mean (pp)") < tex.index(r"\midrule") < tex.index(r"\bottomrule")
    assert r"\hline" not in tex


def test_quickplot_groups_runs_by_a_parameter(small_sweep, tmp_path, capsys):
    from tiersim import quickplot

    out = tmp_path / "q.png"
    quickplot.main([str(small_sweep), "cn_share_new_tier", "--sel", "tier=2", "--by", "params.china.export_share",
                    "--scenario", "diffusion_rule", "-o", str(out)])
    assert out.stat().st_size > 10_000


@pytest.mark.parametrize("args, needles", [
    (["cn_share_new_tier", "--sel", "tier=2", "--scenario", "diffusion_rul"],
     ["--scenario diffusion_rul: not in this file", "diffusion_rule, no_controls"]),
    (["cn_share_new_tier", "--sel", "tier=7"], ["--sel tier=7: tier has no '7'", "1, 2, 3"]),
    (["cn_share_new_tier", "--sel", "tire=2"], ["--sel tire=2: expected DIM=VALUE", "run, time, tier"]),
    (["cn_share_new_tier", "--sel", "tier=2", "--by", "params.china.export_shar"],
     ["--by params.china.export_shar: not a variable over run", "params_china_export_share"]),
    (["cn_share_new_tier"], ["select all dimensions but run and time", "left: tier"]),
    (["nope"], ["no variable 'nope'"]),
])
def test_quickplot_answers_mistakes_with_one_line(small_sweep, tmp_path, capsys, args, needles):
    from tiersim import quickplot

    one_error_line(capsys, lambda: quickplot.main([str(small_sweep), *args, "-o", str(tmp_path / "q.png")]),
                   "tiersim.quickplot: error: ", *needles)


def test_tidy_frames(small_sweep):
    import tiersim

    ds = tiersim.open(small_sweep)
    runs = tiersim.runs_frame(ds)
    assert len(runs) == 32 and {"scenario", "point", "params_china_export_share", "cn_share_new_t2_2030"} <= set(runs)
    long = tiersim.to_frame(ds, "cn_share_new_tier")
    assert len(long) == 32 * 72 * 3
    assert {"run", "time", "tier", "value", "scenario", "params_china_export_share"} <= set(long.columns)
    one = long[(long.run == 0) & (long.tier == 2)].set_index("time")["value"]
    assert one.equals(ds.cn_share_new_tier.sel(run=0, tier=2).to_pandas().rename("value"))
    with pytest.raises(KeyError):
        tiersim.to_frame(ds, "nope")


def test_error_bars_never_point_backwards():
    from tiersim.paper import error_bars
    below, above = error_bars([1.0, 2.0], [0.5, 2.5], [1.5, 3.0])
    assert list(below) == [0.5, 0.0] and list(above) == [0.5, 1.0]


def test_srrc_refuses_fewer_points_than_parameters():
    x = pd.DataFrame(np.random.default_rng(0).random((5, 6)), columns=list("abcdef"))
    with pytest.raises(ValueError, match="more design points"):
        paper.srrc_table(x, np.arange(5.0))
