// Leakage (docs/ODD.md s.7.9), part of the clearing's settlement: after the month's
// clearing, US compute reaches Tier 3 through Tier 2 as far as Tier 3 buyers were left
// without what they asked for. Each Tier 2 country can pass on a share of the month's US
// chip imports, by how they were shipped (unlicensed, under a licence, under NVEU), more
// through transit hubs and less under the country's own permit regime; and a share of its
// free US cloud capacity can be rented by Tier 3 firms, barred while the rule's UVEU
// conditions hold. The flow is the smaller of that potential and Tier 3's unserved
// requests, shared pro rata on both sides.
#include <algorithm>

#include "models/diffusion/phases.hpp"

namespace tiersim::models::diffusion {
namespace {

/// What country c could pass on to Tier 3 this month, by channel (Tier 2 countries only).
LeakArray potential_of(const State& s, const LeakageParams& lp, std::size_t c) {
  const Policy& policy = *s.policy;
  if (policy.tier(c) != 2) return {0.0, 0.0};
  const auto& m = s.month.country[c];
  const double direct = m.served[kUsDirect];
  const double licensed = std::clamp(m.cap_drawn, 0.0, direct);
  const double veu = std::clamp(m.nveu_served, 0.0, direct - licensed);
  const double unlicensed = direct - licensed - veu;
  double rate = lp.chips_rate;
  if (s.world.leakage_hub[c]) rate *= lp.hub_factor;
  if (policy.permits(c)) rate *= lp.permit_factor;
  rate = std::min(rate, 1.0);
  const double chips = rate * (unlicensed + lp.licence_factor * licensed + lp.veu_factor * veu);
  const double cloud_rate = lp.cloud_rate * (policy.rule_in_force() ? lp.uveu_cloud_factor : 1.0);
  const double cloud = cloud_rate * std::max(0.0, s.gatekeepers.cloud_free[c]);
  return {chips, cloud};
}

/// Tier 3 country c's requests this month (round 1, Defer aside) that were not served in
/// either round, at most the month's new demand: leaked compute does not clear the buyers'
/// backlog, so a request carried over is not counted again, and over a run leakage never
/// exceeds Tier 3's new demand.
double unserved(const State& s, std::size_t c) {
  if (s.policy->tier(c) != 3) return 0.0;
  const auto& m = s.month.country[c];
  double asked = 0, got = 0;
  for (std::size_t k = 0; k < kNumAlts; ++k) {
    if (k == kDefer) continue;
    asked += m.demand[k];
    got += m.served[k];
  }
  return std::clamp(asked - got, 0.0, m.new_demand);
}

}  // namespace

void leakage_settlement(State& s, const Env& env) {
  auto& leak = s.leakage;
  const std::size_t n = s.world.countries;
  std::vector<double> want(n, 0.0);
  LeakArray potential{};
  double demand = 0;
  for (std::size_t c = 0; c < n; ++c) {
    leak.out[c] = potential_of(s, env.p.leakage, c);
    for (std::size_t ch = 0; ch < kNumLeakChannels; ++ch) potential[ch] += leak.out[c][ch];
    want[c] = unserved(s, c);
    demand += want[c];
  }
  const double total = potential[kLeakChips] + potential[kLeakCloud];
  const double taken = total > 0 ? std::min(1.0, demand / total) : 0.0;
  for (std::size_t c = 0; c < n; ++c) {
    for (auto& x : leak.out[c]) x *= taken;
    s.gatekeepers.cloud_free[c] -= leak.out[c][kLeakCloud];
    const double share = demand > 0 ? want[c] / demand : 0.0;
    for (std::size_t ch = 0; ch < kNumLeakChannels; ++ch) {
      leak.in[c][ch] = taken * potential[ch] * share;
      leak.in_total[c][ch] += leak.in[c][ch];
    }
  }
  leak.potential = potential;
  leak.demand = demand;
}

}  // namespace tiersim::models::diffusion
