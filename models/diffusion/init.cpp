// Initialization (docs/ODD.md s.5): the country table, demand shares, initial stances,
// G2G agreements and the policy timeline, buyers, and the initial state of every country.
#include "models/diffusion/init.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "models/diffusion/china_supply.hpp"
#include "models/diffusion/gatekeepers.hpp"
#include "models/diffusion/us_supply.hpp"
#include "sim/core/error.hpp"

namespace tiersim::models::diffusion {
namespace {

constexpr std::uint32_t kStanceInitPurpose = rng::purpose_id("diffusion.stance.init");
constexpr std::uint32_t kG2gPurpose = rng::purpose_id("diffusion.g2g");

void load_world_table(World& w, const DiffusionParams& p, const engine::ModelContext& ctx) {
  const auto table_path = ctx.data_file("data.countries", p.data.countries);
  try {
    w.table = load_country_table(table_path);
  } catch (const InputError& e) {
    throw InputError(std::string(e.what()) + " (from " + ctx.where("data.countries") + ")");
  }
  w.countries = w.table.rows.size();
  w.china.assign(w.countries, false);
  const auto& china = p.demand.china_group;
  for (std::size_t k = 0; k < china.size(); ++k) {
    w.china[need_country(ctx, w.table, china[k], "demand.china_group[" + std::to_string(k) + "]")] = true;
  }
  w.usa = need_country(ctx, w.table, "USA", "");
  if (w.china[w.usa]) throw InputError(ctx.where("demand.china_group") + ": USA cannot be part of China");
  // Regions are the blocs of the stance model.
  for (const auto& r : w.table.rows) {
    auto it = std::find(w.regions.begin(), w.regions.end(), r.region);
    if (it == w.regions.end()) {
      w.regions.push_back(r.region);
      it = w.regions.end() - 1;
    }
    w.region_of.push_back(static_cast<int>(it - w.regions.begin()));
  }
}

/// Demand shares (MODEL s.1): fixed US and China shares; notable figures where the table
/// has one (deal ceilings scaled); the rest in proportion to gdp^epsilon. Returns each
/// country's national-project share (0 where the country has no notable figure).
std::vector<double> init_demand_shares(World& w, const DemandParams& d, const engine::ModelContext& ctx) {
  if (d.usa_share + d.chn_share > 1.0) {
    throw InputError(ctx.where("demand.chn_share") + ": usa_share + chn_share exceed 1");
  }
  std::vector<bool> ceiling(w.countries, false);
  for (std::size_t k = 0; k < d.ceiling_countries.size(); ++k) {
    const std::string key = "demand.ceiling_countries[" + std::to_string(k) + "]";
    ceiling[need_country(ctx, w.table, d.ceiling_countries[k], key)] = true;
  }
  w.demand_share.assign(w.countries, 0.0);
  double china_gdp = 0, other_gdp = 0, notable = 0;
  std::vector<double> project(w.countries, 0.0);
  for (std::size_t c = 0; c < w.countries; ++c) {
    const auto& r = w.table.rows[c];
    const double g = std::pow(r.gdp_usd, d.gdp_elasticity);
    if (c == w.usa) continue;
    if (w.china[c]) {
      china_gdp += g;
    } else if (r.notable_ai_demand) {
      w.demand_share[c] = *r.notable_ai_demand * (ceiling[c] ? d.ceiling_realisation : 1.0) / d.world_2025;
      notable += w.demand_share[c];
      project[c] = d.national_project_share;
    } else {
      other_gdp += g;
    }
  }
  const double rest = 1.0 - d.usa_share - d.chn_share - notable;
  if (rest < 0) {
    throw InputError(ctx.where("demand.world_2025") +
                     ": notable demand figures exceed the demand left after the US and China shares");
  }
  for (std::size_t c = 0; c < w.countries; ++c) {
    const auto& r = w.table.rows[c];
    const double g = std::pow(r.gdp_usd, d.gdp_elasticity);
    if (c == w.usa) {
      w.demand_share[c] = d.usa_share;
    } else if (w.china[c]) {
      w.demand_share[c] = d.chn_share * g / china_gdp;
    } else if (!r.notable_ai_demand) {
      w.demand_share[c] = rest * g / other_gdp;
    }
  }
  return project;
}

/// Countries whose Chinese cloud region hosts AI capacity: a region, outside China, in a
/// tier (January 2025) listed in china.cloud_host_tiers.
void init_cloud_hosts(World& w, const ChinaParams& china) {
  const auto& hosts = china.cloud_host_tiers;
  w.cn_cloud_host.assign(w.countries, false);
  for (std::size_t c = 0; c < w.countries; ++c) {
    const double tier = w.table.rows[c].tier_2025;
    w.cn_cloud_host[c] =
        w.table.rows[c].cn_cloud_region && !w.china[c] && std::find(hosts.begin(), hosts.end(), tier) != hosts.end();
  }
}

/// Transit hubs for leakage (leakage.hubs) and the leakage tallies.
void init_leakage(State& s, const LeakageParams& lp, const engine::ModelContext& ctx) {
  auto& w = s.world;
  w.leakage_hub.assign(w.countries, false);
  for (std::size_t k = 0; k < lp.hubs.size(); ++k) {
    const std::string key = "leakage.hubs[" + std::to_string(k) + "]";
    // A default hub that a smaller country table lacks is no hub; a hub the user names must exist.
    if (!ctx.written(key) && w.table.index_of(lp.hubs[k]) < 0) continue;
    w.leakage_hub[need_country(ctx, w.table, lp.hubs[k], key)] = true;
  }
  s.leakage.out.assign(w.countries, LeakArray{});
  s.leakage.in.assign(w.countries, LeakArray{});
  s.leakage.in_total.assign(w.countries, LeakArray{});
}

/// Initial stances from the 5G record; unknown ones drawn from the stance model given the
/// known stances of their bloc. China is open.
std::vector<Stance> initial_stances(const World& w, const StanceParams& params, const Env& env) {
  std::vector<Stance> stance(w.countries, Stance::open);
  std::vector<std::array<double, kNumStances>> bloc_known(w.regions.size(), {0, 0, 0});
  for (std::size_t c = 0; c < w.countries; ++c) {
    const auto g = w.table.rows[c].huawei_5g;
    if (g == FiveG::unknown) continue;
    stance[c] = stance_of_5g(g);
    bloc_known[static_cast<std::size_t>(w.region_of[c])][static_cast<std::size_t>(stance[c])] += 1;
  }
  const rng::Stream stance_init(env.seed, env.run, kStanceInitPurpose);
  for (std::size_t c = 0; c < w.countries; ++c) {
    if (w.table.rows[c].huawei_5g != FiveG::unknown || w.china[c]) continue;
    auto m = bloc_known[static_cast<std::size_t>(w.region_of[c])];
    const double total = m[0] + m[1] + m[2];
    if (total > 0) {
      for (auto& x : m) x /= total;
    } else {
      m = {1.0, 0.0, 0.0};
    }
    StanceInputs in{w.table.rows[c].us_ally, w.table.rows[c].tier_2025 == 1, false, m};
    stance[c] = draw_stance(stance_probabilities(params, in), stance_init.uniform(c, 0));
  }
  for (std::size_t c = 0; c < w.countries; ++c) {
    if (w.china[c]) stance[c] = Stance::open;
  }
  return stance;
}

void init_stance_world(World& w) {
  auto& sw = w.stance_world;
  sw.bloc = w.region_of;
  sw.blocs = w.regions.size();
  for (std::size_t c = 0; c < w.countries; ++c) {
    sw.ally.push_back(w.table.rows[c].us_ally);
    sw.tier1.push_back(w.table.rows[c].tier_2025 == 1);
    sw.fixed.push_back(w.china[c]);
  }
  sw.finish();
}

/// G2G agreements, drawn once per Tier 2 country (per-country probabilities override).
std::vector<bool> draw_g2g(const World& w, const RuleParams& rule, const Env& env, const engine::ModelContext& ctx) {
  for (const auto& [iso, prob] : rule.g2g_probability_by_country) {
    (void)prob;
    need_country(ctx, w.table, iso, "policy.rule.g2g_probability_by_country." + iso);
  }
  std::vector<bool> g2g(w.countries, false);
  const rng::Stream g2g_stream(env.seed, env.run, kG2gPurpose);
  for (std::size_t c = 0; c < w.countries; ++c) {
    if (w.table.rows[c].tier_2025 != 2) continue;
    const auto it = rule.g2g_probability_by_country.find(w.table.rows[c].iso3);
    const double prob = it != rule.g2g_probability_by_country.end() ? it->second : rule.g2g_probability;
    g2g[c] = g2g_stream.uniform(c, 0) < prob;
  }
  return g2g;
}

/// The scenario's dated events, with the step of the month each lands in.
std::vector<Event> resolve_events(const World& w, const PolicyParams& policy, const Env& env,
                                  const engine::ModelContext& ctx) {
  std::vector<Event> out;
  for (std::size_t i = 0; i < policy.events.size(); ++i) {
    const auto& e = policy.events[i];
    const std::string key = "policy.events[" + std::to_string(i) + "]";
    Event ev;
    ev.action = e.action;
    const std::int64_t diff = time::month_of(e.date).linear() - env.calendar.start().linear();
    ev.step = static_cast<int>(std::clamp<std::int64_t>(diff, -1, env.calendar.steps()));
    if (ev.step < 0) ev.step = -1;
    for (std::size_t k = 0; k < e.countries.size(); ++k) {
      const std::string country_key = key + ".countries[" + std::to_string(k) + "]";
      ev.countries.push_back(static_cast<int>(need_country(ctx, w.table, e.countries[k], country_key)));
    }
    const bool needs_countries = ev.action == EventAction::g2g || ev.action == EventAction::tier ||
                                 ev.action == EventAction::permits_on || ev.action == EventAction::permits_off;
    if (needs_countries && ev.countries.empty()) {
      throw InputError(ctx.where(key) + ": action '" + std::string(event_action_name(e.action)) +
                       "' needs a list of countries");
    }
    ev.tier = e.tier;
    out.push_back(std::move(ev));
  }
  return out;
}

void init_buyers(State& s, const Env& env, const std::vector<double>& project) {
  const auto& p = env.p;
  const auto& w = s.world;
  BuyerInit init;
  for (std::size_t c = 0; c < w.countries; ++c) {
    init.monthly_demand_2025.push_back(w.demand_share[c] * p.demand.world_2025 / time::kMonthsPerYear);
    init.installed.push_back(p.initial.world_stock_2025 * w.demand_share[c]);
    init.cn_stack_share.push_back(w.china[c] ? p.initial.cn_stack_share_china : p.initial.cn_stack_share_other);
    init.nveu_eligible_country.push_back(w.table.rows[c].tier_2025 == 2);
    init.project_share.push_back(project[c]);
  }
  const auto counts = buyers_per_country(w.demand_share, p.scale.buyers_total, p.scale.buyers_min_per_country);
  s.index.begin.assign(w.countries + 1, 0);
  for (std::size_t c = 0; c < w.countries; ++c) s.index.begin[c + 1] = s.index.begin[c] + counts[c];
  // The national project is a country's first buyer (buyers.cpp), where it has one.
  s.world.project_buyer.assign(w.countries, kNoBuyer);
  std::vector<bool> has_project(w.countries, false);
  for (std::size_t c = 0; c < w.countries; ++c) {
    if (project[c] > 0 && s.index.count(c) > 1) {
      s.world.project_buyer[c] = s.index.begin[c];
      has_project[c] = true;
    }
  }
  auto& sizes = s.world.consignee_sizes;
  sizes.per_buyer = consignees_per_buyer(w.demand_share, p.scale.consignees_total, p.scale.consignees_min_per_country,
                                         s.index, has_project);
  sizes.alpha = p.demand.pareto_alpha;
  for (std::size_t c = 0; c < w.countries; ++c) {
    sizes.first.push_back(s.index.begin[c] + (has_project[c] ? 1 : 0));
    sizes.end.push_back(s.index.begin[c + 1]);
  }
  sizes.finish();
  init.consignees_per_buyer = sizes.per_buyer;
  s.buyers = make_buyers(p, init, s.index, env.seed, env.run);
}

void init_countries(State& s, const DiffusionParams& p) {
  const std::size_t n = s.world.countries;
  auto& k = s.countries;
  for (auto& a : k.a_cn) a.assign(n, p.initial.cn_availability);
  k.a_compliant.assign(n, p.initial.compliant_availability);
  k.us_fill.assign(n, 1.0);
  for (auto& v : k.installed) v.assign(n, 0.0);
  k.a_us_sum.assign(n, 0.0);
  k.cap_bound_months.assign(n, 0.0);
  const auto& b = s.buyers;
  for (std::size_t c = 0; c < n; ++c) {
    for (std::size_t i = s.index.begin[c]; i < s.index.begin[c + 1]; ++i) {
      k.installed[kStackUs][c] += static_cast<double>(b.ib_us[i]);
      k.installed[kStackCn][c] += static_cast<double>(b.ib_cn[i]);
      k.a_us_sum[c] += static_cast<double>(b.a_us[i]);
    }
  }
  for (std::size_t st = 0; st < kNumStacks; ++st) {
    k.installed_world[st] = std::accumulate(k.installed[st].begin(), k.installed[st].end(), 0.0);
  }
}

void init_choice_and_scratch(State& s, const Env& env) {
  const auto& p = env.p;
  const std::size_t n = s.world.countries;
  const std::size_t nb = s.buyers.size();
  s.choice.v.assign(n, {});
  s.choice.tables.assign(n, {});
  s.choice.compliant.assign(n, {});
  s.choice.available.assign(n, kAllAlts);
  // The switching-cost factor exp(-S_b) is fixed for a buyer: computed once from its
  // training share, which nothing else reads (so it is not kept, and gone before the
  // scratch arrays below are allocated).
  s.choice.switching.resize(nb);
  {
    const std::vector<float> training = training_shares(p, nb, env.seed, env.run, env.executor);
    for (std::size_t b = 0; b < nb; ++b) {
      const double t = static_cast<double>(training[b]);
      s.choice.switching[b] = static_cast<float>(std::exp(-(t * p.choice.s_train + (1.0 - t) * p.choice.s_infer)));
    }
  }
  s.month.country.assign(n, CountryMonth{});
  s.month.cloud_free_before.assign(n, 0.0);
  s.month.cloud_local_used.assign(n, 0.0);
  if (p.choice.mode == ChoiceMode::expected) {
    s.scratch.request2.assign(nb, {});
    s.scratch.compliant2.assign(nb, 0.0);
  }
  s.scratch.amount2.assign(nb, 0.0);
  s.scratch.avail_weight.assign(nb, 0.0);
  if (p.choice.mode == ChoiceMode::discrete) s.scratch.u_rechoice.assign(nb, 0.0);
  s.scratch.own_us_fill.assign(nb, -1.0);
  if (p.policy.rule.rationing == Rationing::random_order) {
    s.scratch.cap_part.assign(nb, 0.0);
    s.scratch.cap_grant.assign(nb, 0.0);
  }
}

}  // namespace

State init_state(const Env& env, const engine::ModelContext& ctx) {
  const auto& p = env.p;
  State s;
  load_world_table(s.world, p, ctx);
  const auto project = init_demand_shares(s.world, p.demand, ctx);
  init_cloud_hosts(s.world, p.china);
  init_leakage(s, p.leakage, ctx);
  s.countries.stance = initial_stances(s.world, p.stance, env);
  init_stance_world(s.world);
  auto g2g = draw_g2g(s.world, p.policy.rule, env, ctx);
  s.policy =
      std::make_unique<Policy>(p.policy, s.world.table, resolve_events(s.world, p.policy, env, ctx), std::move(g2g));
  init_buyers(s, env, project);
  init_countries(s, p);
  init_vendors(s, p);
  init_china(s, p);
  init_choice_and_scratch(s, env);
  s.gatekeepers = init_gatekeepers(s.world, p, ctx);
  const std::size_t n = s.world.countries;
  s.projects = Projects{std::vector<int>(n, -1), std::vector<int>(n, 0), std::vector<double>(n, 0.0),
                        std::vector<double>(n, 0.0), std::vector<bool>(n, false)};
  s.clock.now = env.calendar.start();
  return s;
}

}  // namespace tiersim::models::diffusion
