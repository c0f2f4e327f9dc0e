"""The answer does not depend on the number of buyer agents (docs/ODD.md s.5, Consignees).

The rule's LPP exemption and NVEU allowances are per real consignee; buyer agents stand for
`scale.consignees_total / scale.buyers_total` of them. At a fixed consignee count, Tier 2 cap
use and the rule's effect must agree between 1e4 and 1e5 agents within 2 standard errors
over 20 seeds (paired arms, Dec 2027). With one consignee per agent, as when the exemption was
per agent, cap use falls as agents are added: the comparison can fail.

The parameter point is the most open Chinese response of the response surface (input
limits x10, foreign requests first; docs/ODD.md s.7.5), where the rule's effect on the
Chinese share of Tier 2 new compute in 2027 is over 1 pp. Seeds are fixed: the outcome is
deterministic (bit-identical for any thread count)."""
import math
import subprocess
import sys

import numpy as np
import pytest

from tiersim_fixtures import REPO

sys.path.insert(0, str(REPO / "analysis"))
import tiersim  # noqa: E402
from tiersim import claim  # noqa: E402

SCENARIOS = REPO / "configs" / "scenarios"
SCALES = (10000, 100000)
REPLICATES = 20
POINT = {
    "params.china.chips.limit_scale": 10,
    "params.china.chips.export_weight": 0.99,
}


def sweep(tiersim_bin, tmp_path, name, extra, scales=SCALES):
    sets = "\n".join(f"  {k}: {v}" for k, v in {**POINT, **extra}.items())
    (tmp_path / f"{name}.yaml").write_text(f"""\
config: {SCENARIOS}/diffusion_rule.yaml
seed: 7
parameters:
  params.scale.buyers_total: {{values: {list(scales)}}}
replicates: {REPLICATES}
pair_with:
  - {{name: diffusion_rule}}
  - {{name: no_controls, config: {SCENARIOS}/no_controls.yaml}}
set:
  calendar.months: 36
{sets}
  record:
    - {{variable: cap_used, level: tier, every: 12}}
""")
    subprocess.run([tiersim_bin, "-q", "sweep", f"{name}.yaml", "-o", f"{name}.h5"], cwd=tmp_path, check=True,
                   timeout=1800)
    ds = tiersim.open(tmp_path / f"{name}.h5")
    runs = tiersim.runs_frame(ds)
    runs["cap_used_t2"] = ds["cap_used_tier"].sel(tier=2).isel(time_12m=-1).values
    return runs


def by_scale(frame, column):
    """{agents: (mean, standard error)} of `column`."""
    out = {}
    for agents, values in frame.groupby("params_scale_buyers_total")[column]:
        v = values.to_numpy()
        out[int(agents)] = (v.mean(), v.std(ddof=1) / math.sqrt(len(v)))
    return out


def agree(stats):
    (m1, s1), (m2, s2) = stats[SCALES[0]], stats[SCALES[1]]
    return abs(m1 - m2) <= 2 * math.hypot(s1, s2)


@pytest.fixture(scope="module")
def consignees(tiersim_bin, tmp_path_factory):
    return sweep(tiersim_bin, tmp_path_factory.mktemp("scale"), "consignees", {"params.scale.consignees_total": 100000})


def test_cap_use_does_not_depend_on_the_number_of_agents(consignees):
    treated = consignees[consignees["scenario"] == "diffusion_rule"]
    stats = by_scale(treated, "cap_used_t2")
    assert all(m > 0 for m, _ in stats.values()), stats  # the caps bind
    print("cap use, consignees fixed:", stats)
    assert agree(stats), f"Tier 2 cap use by Dec 2027 (H100e, mean and SE) differs with the agent count: {stats}"


def test_the_effect_does_not_depend_on_the_number_of_agents(consignees):
    effect = claim.paired(consignees, "cn_share_new_t2_2027", "diffusion_rule", "no_controls")
    effect = effect.join(consignees.groupby(["point", "replicate"])["params_scale_buyers_total"].first())
    stats = by_scale(effect, "diff")
    mean, se = stats[SCALES[1]]
    assert mean >= 0.01 and mean > 2 * se, f"no effect of 1 pp at this point: {stats}"  # an effect to compare
    print("effect (share), consignees fixed:", stats)
    assert agree(stats), f"the effect on the Chinese share of Tier 2 new compute differs: {stats}"


def test_one_consignee_per_agent_makes_cap_use_depend_on_the_agent_count(tiersim_bin, tmp_path):
    """The v1 artefact: each agent its own LPP exemption. Two sweeps, K = N at each scale."""
    stats = {}
    for agents in SCALES:
        runs = sweep(tiersim_bin, tmp_path, f"k{agents}", {"params.scale.consignees_total": agents}, (agents,))
        treated = runs[(runs["scenario"] == "diffusion_rule") & (runs["params_scale_buyers_total"] == agents)]
        stats[agents] = by_scale(treated, "cap_used_t2")[agents]
    print("cap use, one consignee per agent:", stats)
    assert stats[SCALES[0]][0] > stats[SCALES[1]][0] and not agree(stats), stats
