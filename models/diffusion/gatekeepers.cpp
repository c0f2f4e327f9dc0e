#include "models/diffusion/gatekeepers.hpp"

#include <algorithm>
#include <cmath>

#include "models/diffusion/phases.hpp"
#include "models/diffusion/placement.hpp"
#include "models/diffusion/supply.hpp"
#include "models/diffusion/us_supply.hpp"
#include "sim/core/error.hpp"

namespace tiersim::models::diffusion {
namespace {

/// Initial placement shares: home share at home, the Tier 1 share over other Tier 1
/// countries by demand, the rest over Tier 2 by demand within the UVEU per-country limit
/// (the excess stays at home), none in Tier 3.
std::vector<double> initial_shares(const World& w, const GatekeeperParams& g, double t2_limit) {
  std::vector<double> share(w.countries, 0.0);
  double t1_demand = 0, t2_demand = 0;
  for (std::size_t c = 0; c < w.countries; ++c) {
    if (c == w.usa) continue;
    if (w.table.rows[c].tier_2025 == 1) t1_demand += w.demand_share[c];
    if (w.table.rows[c].tier_2025 == 2) t2_demand += w.demand_share[c];
  }
  const double t2_total = std::max(0.0, 1.0 - g.initial_home_share - g.initial_tier1_share);
  double home = g.initial_home_share;
  for (std::size_t c = 0; c < w.countries; ++c) {
    if (c == w.usa) continue;
    if (w.table.rows[c].tier_2025 == 1 && t1_demand > 0)
      share[c] = g.initial_tier1_share * w.demand_share[c] / t1_demand;
    if (w.table.rows[c].tier_2025 == 2 && t2_demand > 0) {
      const double want = t2_total * w.demand_share[c] / t2_demand;
      share[c] = std::min(want, t2_limit);
      home += want - share[c];
    }
  }
  share[w.usa] = home;
  return share;
}

/// Place gatekeeper k's initial capacity and the orders of the `lag` months before the
/// start (they arrive in the first months). A firm headquartered outside the US keeps the
/// "home" share at its own home.
void place_initial(Gatekeepers& gk, const World& w, const DiffusionParams& p, std::size_t k,
                   const std::vector<double>& initial_share, std::size_t lag) {
  const auto& g = p.gatekeepers;
  const auto& firm = g.firms[k];
  const auto hk = static_cast<std::size_t>(gk.home[k]);
  const double price_before = p.vendors.price_2025 / (1.0 + p.vendors.price_change);
  const double monthly_before = firm.capex_2025 / g.capex_growth / time::kMonthsPerYear * g.ai_share_of_capex /
                                (price_before * (1.0 + p.vendors.facility_overhead));
  for (std::size_t c = 0; c < w.countries; ++c) {
    double sh = initial_share[c];
    if (hk != w.usa) {
      if (c == hk) sh += initial_share[w.usa];
      if (c == w.usa) sh = 0.0;
    }
    gk.placed[k][c] = gk.online[k][c] = firm.initial_capacity * sh;
    gk.share[k][c] = sh;
    for (std::size_t m = 0; m < lag; ++m) {
      gk.pipeline[m][c] += monthly_before * sh;
      gk.pipeline_by_firm[m][k][c] += monthly_before * sh;
      gk.placed[k][c] += monthly_before * sh;
    }
  }
}

/// Capacity under construction that is due this month comes online.
void bring_online(Gatekeepers& gk, int step) {
  const std::size_t slot = static_cast<std::size_t>(step) % gk.pipeline.size();
  auto& arriving = gk.pipeline[slot];
  for (std::size_t c = 0; c < arriving.size(); ++c) {
    gk.cloud_free[c] += arriving[c];
    arriving[c] = 0.0;
  }
  for (std::size_t k = 0; k < gk.online.size(); ++k) {
    auto& arr = gk.pipeline_by_firm[slot][k];
    for (std::size_t c = 0; c < arr.size(); ++c) {
      gk.online[k][c] += arr[c];
      arr[c] = 0.0;
    }
  }
}

/// The quarter's placement of every gatekeeper (MODEL s.5): the quarter's orders, month by
/// month (prices fall within a quarter), placed by place_capacity; placing exactly what can
/// arrive keeps the UVEU shares within limits at every month.
void place_quarter(State& s, const Env& env) {
  const auto& p = env.p;
  auto& gk = s.gatekeepers;
  const std::size_t n = s.world.countries;
  std::vector<int> tiers(n);
  for (std::size_t c = 0; c < n; ++c) tiers[c] = s.policy->tier(c);
  for (std::size_t k = 0; k < gk.home.size(); ++k) {
    PlacementProblem prob;
    prob.weight = gk.cloud_signal_prev;
    prob.existing = gk.placed[k];
    prob.tier = tiers;
    prob.home = gk.home[k];
    prob.budget = 0.0;
    for (int m = 0; m < 3 && s.clock.step + m < env.calendar.steps(); ++m) {
      prob.budget += gatekeeper_month_orders(s, env, k, s.clock.now.plus_months(m));
    }
    prob.uveu = s.policy->uveu_limits_active();
    prob.min_tier1 = p.policy.rule.uveu_min_tier1_share;
    prob.max_tier2 = p.policy.rule.uveu_max_tier2_share;
    prob.min_home = gk.home[k] == static_cast<int>(s.world.usa) ? p.policy.rule.uveu_min_home_share : 0.0;
    prob.home_bias = p.gatekeepers.home_bias;
    const auto placement = place_capacity(prob);
    gk.quarter_budget[k] = prob.budget;
    gk.quarter_placed[k] = 0.0;
    gk.uveu_feasible[k] = placement.feasible;
    for (std::size_t c = 0; c < n; ++c) gk.share[k][c] = prob.budget > 0 ? placement.x[c] / prob.budget : 0.0;
  }
}

}  // namespace

Gatekeepers init_gatekeepers(const World& w, const DiffusionParams& p, const engine::ModelContext& ctx) {
  const auto& g = p.gatekeepers;
  const std::size_t n_g = g.firms.size();
  const std::size_t n = w.countries;
  Gatekeepers gk;
  for (std::size_t k = 0; k < n_g; ++k) {
    const int h = w.table.index_of(g.firms[k].hq);
    if (h < 0) {
      throw InputError(ctx.where("gatekeepers.firms[" + std::to_string(k) + "].hq") + ": '" + g.firms[k].hq +
                       "' (headquarters of " + g.firms[k].name + ") is not a country of " + w.table.path.string());
    }
    gk.home.push_back(h);
  }
  gk.placed.assign(n_g, std::vector<double>(n, 0.0));
  gk.online.assign(n_g, std::vector<double>(n, 0.0));
  gk.share.assign(n_g, std::vector<double>(n, 0.0));
  gk.orders.assign(n_g, 0.0);
  gk.shipped.assign(n_g, 0.0);
  gk.quarter_budget.assign(n_g, 0.0);
  gk.quarter_placed.assign(n_g, 0.0);
  gk.uveu_feasible.assign(n_g, true);
  gk.plan.assign(n_g, 0.0);
  gk.capex.assign(n_g, 0.0);
  // Before any observation the gatekeepers expect requests that match their announced plans.
  const auto start = ctx.calendar.start();
  const double build_cost = us_base_price(p.vendors, start) * (1.0 + p.vendors.facility_overhead);
  for (const auto& f : g.firms)
    gk.expected_requests += f.capex_2025 / time::kMonthsPerYear * g.ai_share_of_capex / build_cost;
  gk.cloud_free.assign(n, 0.0);
  const std::size_t lag = static_cast<std::size_t>(std::max(1, g.build_lag_months));
  gk.pipeline.assign(lag + 1, std::vector<double>(n, 0.0));
  gk.pipeline_by_firm.assign(lag + 1, std::vector<std::vector<double>>(n_g, std::vector<double>(n, 0.0)));
  const auto shares = initial_shares(w, g, p.policy.rule.uveu_max_tier2_share);
  for (std::size_t k = 0; k < n_g; ++k) place_initial(gk, w, p, k, shares, lag);
  // Before any observation the demand signal is each country's 2025 demand.
  gk.cloud_signal.assign(n, 0.0);
  gk.cloud_signal_prev.resize(n);
  for (std::size_t c = 0; c < n; ++c) {
    gk.cloud_signal_prev[c] = w.demand_share[c] * p.demand.world_2025 / time::kMonthsPerYear;
  }
  return gk;
}

double gatekeeper_orders(const DiffusionParams& p, const Policy& policy, const GatekeeperSpec& firm,
                         const time::YearMonth& ym) {
  const auto& g = p.gatekeepers;
  const double capex = firm.capex_2025 * std::pow(g.capex_growth, ym.year - kBaseYear);
  return capex / time::kMonthsPerYear * g.ai_share_of_capex / gatekeeper_build_cost(p, policy, ym);
}

double gatekeeper_build_cost(const DiffusionParams& p, const Policy& policy, const time::YearMonth& ym) {
  const double retaliation = policy.retaliation() ? p.policy.retaliation_cost_multiplier : 1.0;
  return us_base_price(p.vendors, ym) * (1.0 + p.vendors.facility_overhead * retaliation);
}

void allocation_phase(State& s, const Env& env) {
  auto& gk = s.gatekeepers;
  bring_online(gk, s.clock.step);
  if (s.clock.step == 0 || (s.clock.now.month - 1) % 3 == 0) {
    if (s.clock.step > 0) {
      gk.cloud_signal_prev = gk.cloud_signal;
      std::fill(gk.cloud_signal.begin(), gk.cloud_signal.end(), 0.0);
    }
    decide_gatekeeper_capex(s, env);
    place_quarter(s, env);
  }
  const double build_cost = gatekeeper_build_cost(env.p, *s.policy, s.clock.now);
  for (std::size_t k = 0; k < gk.orders.size(); ++k) {
    gk.orders[k] = gatekeeper_month_orders(s, env, k, s.clock.now);
    gk.capex[k] = gk.orders[k] * build_cost;
  }
}

void gatekeeper_settlement(State& s) {
  auto& gk = s.gatekeepers;
  // What buyers asked of US cloud in both rounds: demand diverted to US cloud after a cap
  // refused it moves capacity too; so does what Tier 3 firms rented (leakage).
  for (std::size_t c = 0; c < s.world.countries; ++c) {
    gk.cloud_signal[c] +=
        s.month.country[c].demand[kUsCloud] + s.month.country[c].demand2[kUsCloud] + s.leakage.out[c][kLeakCloud];
  }
  const std::size_t slots = gk.pipeline.size();
  const std::size_t lag = slots - 1;
  const std::size_t arrive = (static_cast<std::size_t>(s.clock.step) + lag) % slots;
  for (std::size_t k = 0; k < gk.orders.size(); ++k) {
    // Within the quarter's budget capacity goes where the placement put it; anything beyond
    // (an event made building cheaper mid-quarter) goes home, which keeps every UVEU share
    // within its limit.
    const double shipped = gk.shipped[k];
    const double planned = std::min(shipped, std::max(0.0, gk.quarter_budget[k] - gk.quarter_placed[k]));
    gk.quarter_placed[k] += planned;
    for (std::size_t c = 0; c < s.world.countries; ++c) {
      double add = planned * gk.share[k][c];
      if (static_cast<int>(c) == gk.home[k]) add += shipped - planned;
      gk.placed[k][c] += add;
      gk.pipeline[arrive][c] += add;
      gk.pipeline_by_firm[arrive][k][c] += add;
    }
  }
}

}  // namespace tiersim::models::diffusion
