// Phase "choice": the country-level part of every alternative's utility, the availability
// masks and the nested-logit tables the buyers draw from (docs/ODD.md s.7.1).
#include <algorithm>
#include <cmath>

#include "models/diffusion/phases.hpp"

namespace tiersim::models::diffusion {
namespace {

/// The price terms -beta ln(P_k / P_ref) of the four priced alternatives this month: US
/// chips at the price of the country's market (by tier, MarketIndex), US cloud at the
/// price of the gatekeepers' builds; the Chinese ones at the domestic price in China ([0])
/// and the export price elsewhere ([1]).
struct PriceTerms {
  MarketArray us_direct;
  double us_cloud;
  std::array<double, 2> cn_chip, cn_cloud;
};

PriceTerms price_terms(const State& s, const DiffusionParams& p) {
  const double retaliation = s.policy->retaliation() ? p.policy.retaliation_cost_multiplier : 1.0;
  // Prices enter relative to the 2025 all-in cost of US compute, so that Defer (no price)
  // keeps a stable meaning while prices fall.
  const double reference = p.vendors.price_2025 * (1.0 + p.vendors.facility_overhead);
  const double beta = p.choice.beta_price;
  auto all_in = [&](std::size_t m) {
    return s.vendors.market_price[m] * (1.0 + p.vendors.facility_overhead * retaliation);
  };
  const double us_cloud = all_in(kMarketCloud) * (1.0 + p.gatekeepers.cloud_markup) *
                          (1.0 + (s.policy->rule_in_force() ? p.gatekeepers.uveu_surcharge : 0.0));
  PriceTerms t{{}, -beta * std::log(us_cloud / reference), {}, {}};
  for (std::size_t m = 0; m < kNumMarkets; ++m) t.us_direct[m] = -beta * std::log(all_in(m) / reference);
  const std::array<double, 2> cn_price{s.china.price, s.china.export_price};
  for (std::size_t m = 0; m < 2; ++m) {
    // Per effective H100e: the chip price and facility, over the quality.
    const double cn_chip = cn_price[m] * (1.0 + p.vendors.facility_overhead) / s.china.quality;
    t.cn_chip[m] = -beta * std::log(cn_chip / reference);
    t.cn_cloud[m] = -beta * std::log(cn_chip * (1.0 + p.gatekeepers.cloud_markup) / reference);
  }
  return t;
}

bool has_us_cloud_in(const Gatekeepers& gk, std::size_t c) {
  double here = 0;
  for (const auto& placed : gk.placed) here += placed[c];
  return here > 0;
}

/// Utilities of the five alternatives in country c, before the buyers' own terms.
std::array<double, kNumAlts> country_utilities(const State& s, const DiffusionParams& p, const PriceTerms& price,
                                               std::size_t c, bool local_cloud, bool cn_local) {
  const auto& ch = p.choice;
  const auto& k = s.countries;
  const double ib_ref = 1.0 + k.installed_world[kStackUs] + k.installed_world[kStackCn];
  const double ib_us = k.installed[kStackUs][c] + ch.global_network_weight * k.installed_world[kStackUs];
  const double ib_cn = k.installed[kStackCn][c] + ch.global_network_weight * k.installed_world[kStackCn];
  const double net_us = ch.gamma_net * std::log((1.0 + ib_us) / ib_ref);
  const double net_cn = ch.gamma_net * std::log((1.0 + ib_cn) / ib_ref);
  const double align = s.world.table.rows[c].us_ally ? ch.theta_align : 0.0;
  const double risk = ch.rho_risk * ((k.stance[c] == Stance::restrict ? p.policy.restrict_risk : 0.0) +
                                     (s.policy->guidance() && !s.world.china[c] ? p.policy.guidance_risk : 0.0));
  auto avail = [&](int alt) {
    return ch.delta_avail *
           std::log(std::max(ch.availability_floor, k.a_cn[static_cast<std::size_t>(alt - kCnChip)][c]));
  };
  std::array<double, kNumAlts> v{};
  v[kUsDirect] = price.us_direct[market_of(*s.policy, c)] + net_us + align;
  if (s.world.china[c]) {
    // China buys compliant chips: less compute per dollar, and Beijing discourages them.
    v[kUsDirect] += ch.beta_price * std::log(p.policy.compliant_quality) - p.policy.china_us_penalty -
                    (s.policy->china_discouraged() ? p.policy.china_discourage_penalty : 0.0);
  }
  v[kUsCloud] = ch.asc_us_cloud + price.us_cloud + net_us + align - (local_cloud ? 0.0 : ch.lambda_lat);
  const std::size_t market = s.world.china[c] ? 0 : 1;
  v[kCnChip] = ch.asc_cn_chip + price.cn_chip[market] + net_cn - align - risk + avail(kCnChip);
  v[kCnCloud] = ch.asc_cn_cloud + price.cn_cloud[market] + net_cn - align - risk + avail(kCnCloud) -
                (cn_local ? 0.0 : ch.lambda_lat);
  v[kDefer] = ch.asc_defer;
  return v;
}

/// Which alternatives country c's buyers can choose this month.
AltMask availability_mask(const State& s, const DiffusionParams& p, std::size_t c, bool local_cloud, bool cn_local) {
  const int tier = s.policy->tier(c);
  AltMask m = bit(kDefer);
  if (!us_barred(*s.policy, s.world.china, c)) m |= bit(kUsDirect);
  if (tier != 3 && (local_cloud || p.gatekeepers.remote_allowed)) m |= bit(kUsCloud);
  if (s.countries.stance[c] != Stance::exclude) {
    m |= bit(kCnChip);
    if (cn_local || p.china.cloud_remote_allowed) m |= bit(kCnCloud);
  }
  return m;
}

/// Tables for the full mask and for each alternative removed (the re-choice), from the
/// exponentials of the utilities shifted by the country's largest and scaled by each
/// alternative's nest parameter (nested_logit.hpp).
/// e_k = exp((V_k - max V) / mu_nest(k)), what make_choice_table takes.
std::array<double, kNumAlts> nest_exponentials(const std::array<double, kNumAlts>& v, const ChoiceParams& ch) {
  const double shift = *std::max_element(v.begin(), v.end());
  const std::array<double, kNumAlts> mu{ch.mu_us, ch.mu_us, ch.mu_cn, ch.mu_cn, 1.0};
  std::array<double, kNumAlts> e{};
  for (std::size_t k = 0; k < kNumAlts; ++k) e[k] = std::exp((v[k] - shift) / mu[k]);
  return e;
}

std::array<ChoiceTable, kNumAlts> choice_tables(const std::array<double, kNumAlts>& v, AltMask m,
                                                const ChoiceParams& ch) {
  const auto e = nest_exponentials(v, ch);
  const NestParams nests{ch.mu_us, ch.mu_cn};
  std::array<ChoiceTable, kNumAlts> tables{};
  tables[0] = make_choice_table(e, m, nests);
  for (int k = 0; k < kDefer; ++k) {
    tables[static_cast<std::size_t>(k) + 1] = make_choice_table(e, static_cast<AltMask>(m & ~bit(k)), nests);
  }
  return tables;
}

/// The re-choice table of a Tier 2 buyer refused on the cap: every alternative, with
/// US_direct standing for the compliant chip (less compute per dollar, and its own
/// expected fill rate, as the Chinese alternatives have theirs).
ChoiceTable compliant_table(std::array<double, kNumAlts> v, AltMask m, const DiffusionParams& p, double expected_fill) {
  const auto& ch = p.choice;
  v[kUsDirect] += ch.beta_price * std::log(p.policy.compliant_quality) +
                  ch.delta_avail * std::log(std::max(ch.availability_floor, expected_fill));
  return make_choice_table(nest_exponentials(v, ch), m, NestParams{ch.mu_us, ch.mu_cn});
}

}  // namespace

void choice_phase(State& s, const Env& env) {
  const auto& p = env.p;
  const PriceTerms price = price_terms(s, p);
  for (std::size_t c = 0; c < s.world.countries; ++c) {
    const bool local_cloud = has_us_cloud_in(s.gatekeepers, c);
    const bool cn_local = s.world.table.rows[c].cn_cloud_region || s.world.china[c];
    s.choice.v[c] = country_utilities(s, p, price, c, local_cloud, cn_local);
    s.choice.available[c] = availability_mask(s, p, c, local_cloud, cn_local);
    s.choice.tables[c] = choice_tables(s.choice.v[c], s.choice.available[c], p.choice);
    if (s.policy->compliant_tier2() && s.policy->tier(c) == 2) {
      s.choice.compliant[c] = compliant_table(s.choice.v[c], s.choice.available[c], p, s.countries.a_compliant[c]);
    }
  }
}

}  // namespace tiersim::models::diffusion
