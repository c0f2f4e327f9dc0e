#include "models/diffusion/diffusion_model.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "models/diffusion/placement.hpp"
#include "models/diffusion/supply.hpp"
#include "sim/core/error.hpp"

namespace tiersim::models::diffusion {
namespace {

constexpr std::uint32_t kChoicePurpose = rng::purpose_id("diffusion.choice");
constexpr std::uint32_t kRationPurpose = rng::purpose_id("diffusion.ration");
constexpr std::uint32_t kStancePurpose = rng::purpose_id("diffusion.stance");
constexpr std::uint32_t kStanceInitPurpose = rng::purpose_id("diffusion.stance.init");
constexpr std::uint32_t kG2gPurpose = rng::purpose_id("diffusion.g2g");
constexpr std::uint8_t kNoAlt = 255;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool is_us(int alt) { return alt == kUsDirect || alt == kUsCloud; }
// Share of requests `den` that capacity `num` can serve; rounding may leave a capacity at
// -1e-17, which must not turn into a negative share.
double safe_ratio(double num, double den) { return den > 0 ? std::clamp(num / den, 0.0, 1.0) : 1.0; }

/// Per-country sums over buyers, combined in a fixed block order so totals do not depend
/// on the thread count. Buyers are sorted by country, so a block touches few countries.
template <std::size_t F, class Fn>
std::vector<std::array<double, F>> per_country_sums(const engine::Executor& ex, const std::vector<std::uint32_t>& country,
                                                    std::size_t n_countries, Fn&& fn) {
  const std::size_t n = country.size();
  const std::size_t block = engine::kBlockSize;
  const std::size_t blocks = (n + block - 1) / block;
  std::vector<std::vector<std::pair<std::uint32_t, std::array<double, F>>>> parts(blocks);
  ex.for_blocks(n, [&](std::size_t lo, std::size_t hi) {
    auto& part = parts[lo / block];
    std::uint32_t c = country[lo];
    std::array<double, F> acc{};
    for (std::size_t i = lo; i < hi; ++i) {
      if (country[i] != c) {
        part.emplace_back(c, acc);
        acc = {};
        c = country[i];
      }
      fn(i, acc);
    }
    part.emplace_back(c, acc);
  });
  std::vector<std::array<double, F>> out(n_countries);
  for (const auto& part : parts) {
    for (const auto& [c, acc] : part) {
      for (std::size_t f = 0; f < F; ++f) out[c][f] += acc[f];
    }
  }
  return out;
}

// Field layout of the per-country accumulators.
namespace f1 {  // pass 1: round-1 requests
enum : std::size_t { req = 0, cap = kNumAlts, lpp, nveu, free_, new_demand, backlog_in, N };
}
namespace f2 {  // pass 2: round-1 service, round-2 requests
enum : std::size_t {
  served = 0,
  rationed = kNumAlts,
  req2 = 2 * kNumAlts,
  cap2 = 3 * kNumAlts,
  lpp2,
  nveu2,
  free2,
  lpp_served,
  nveu_served,
  N
};
}
namespace f3 {  // pass 3: round-2 service, backlog, state sums
enum : std::size_t {
  served = 0,
  backlog = kNumAlts,
  abandoned = 2 * kNumAlts,
  backlog_out,
  lpp_served,
  nveu_served,
  ib_us,
  ib_cn,
  N
};
}

}  // namespace

// Rationing factors of one clearing round.
struct DiffusionModel::Factors {
  std::vector<double> cap;     ///< share of cap requests granted per country (pro rata)
  bool per_buyer_cap = false;  ///< random-order rationing: grants are in cap_grant_
  double vendor = 1.0;
  std::vector<double> cloud;   ///< share of US_cloud requests served per country (local + remote)
  std::vector<double> cloud_local;
  double cn_export = 1.0, cn_domestic = 1.0, cn_cloud = 1.0;
  double diversion = 1.0;
};

// ---------------------------------------------------------------------------------------
// Construction

DiffusionModel::DiffusionModel(const DiffusionParams& params, const engine::ModelContext& ctx)
    : p_(params),
      calendar_(ctx.calendar),
      executor_(ctx.executor),
      seed_(ctx.seed),
      run_(ctx.run_index),
      choice_stream_(ctx.seed, ctx.run_index, kChoicePurpose),
      ration_stream_(ctx.seed, ctx.run_index, kRationPurpose),
      stance_stream_(ctx.seed, ctx.run_index, kStancePurpose) {
  init_countries(ctx);
  init_gatekeepers();
  now_ = calendar_.start();
}

namespace {

/// Where a parameter was written, for error messages ("file:line:col: key 'params.x'").
std::string where_param(const config::Node* params, const std::string& dotted) {
  const config::Node* n = params;
  std::string origin = params != nullptr ? params->origin().describe() : std::string("<defaults>");
  std::size_t start = 0;
  while (n != nullptr && start <= dotted.size()) {
    const auto dot = dotted.find('.', start);
    const std::string part = dotted.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    n = n->is_map() ? n->find(part) : nullptr;
    if (n != nullptr) origin = n->origin().describe();
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return origin + ": key 'params." + dotted + "'";
}

std::filesystem::path data_path(const engine::ModelContext& ctx, const std::string& value, const std::string& key) {
  std::filesystem::path p(value);
  if (p.is_absolute()) return p;
  // Relative paths are relative to the file that wrote them (which may be a `base:`).
  const config::Node* n = ctx.params_node;
  std::size_t start = 0;
  while (n != nullptr) {
    const auto dot = key.find('.', start);
    n = n->is_map() ? n->find(key.substr(start, dot == std::string::npos ? std::string::npos : dot - start)) : nullptr;
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  if (n != nullptr && !n->origin().file.empty() && n->origin().line > 0) {
    return std::filesystem::path(n->origin().file).parent_path() / p;
  }
  return ctx.config_dir / p;
}

}  // namespace

void DiffusionModel::init_countries(const engine::ModelContext& ctx) {
  const config::Node* pn = ctx.params_node;
  const auto table_path = data_path(ctx, p_.data.countries, "data.countries");
  try {
    table_ = load_country_table(table_path);
  } catch (const InputError& e) {
    throw InputError(std::string(e.what()) + " (from " + where_param(pn, "data.countries") + ")");
  }
  n_countries_ = table_.rows.size();
  auto need = [&](const std::string& iso, const std::string& key) {
    const int i = table_.index_of(iso);
    if (i < 0) {
      throw InputError(where_param(pn, key) + ": '" + iso + "' is not a country of " + table_.path.string());
    }
    return static_cast<std::size_t>(i);
  };
  china_.assign(n_countries_, false);
  for (const auto& iso : p_.demand.china_group) china_[need(iso, "demand.china_group")] = true;
  const std::size_t usa = need("USA", "data.countries");
  home_index_ = usa;
  if (china_[usa]) throw InputError(where_param(pn, "demand.china_group") + ": USA cannot be part of China");

  // Regions are the blocs of the stance model.
  for (const auto& r : table_.rows) {
    auto it = std::find(regions_.begin(), regions_.end(), r.region);
    if (it == regions_.end()) {
      regions_.push_back(r.region);
      it = regions_.end() - 1;
    }
    region_of_.push_back(static_cast<int>(it - regions_.begin()));
  }

  // Demand shares (MODEL s.1): fixed US and China shares; notable figures where the table
  // has one (deal ceilings scaled); the rest in proportion to gdp^epsilon.
  const auto& d = p_.demand;
  if (d.usa_share + d.chn_share > 1.0) {
    throw InputError(where_param(pn, "demand.chn_share") + ": usa_share + chn_share exceed 1");
  }
  std::vector<bool> ceiling(n_countries_, false);
  for (const auto& iso : d.ceiling_countries) ceiling[need(iso, "demand.ceiling_countries")] = true;
  demand_share_.assign(n_countries_, 0.0);
  double china_gdp = 0, other_gdp = 0, notable = 0;
  std::vector<double> project(n_countries_, 0.0);
  for (std::size_t c = 0; c < n_countries_; ++c) {
    const auto& r = table_.rows[c];
    const double g = std::pow(r.gdp_usd, d.gdp_elasticity);
    if (c == usa) continue;
    if (china_[c]) {
      china_gdp += g;
    } else if (r.notable_ai_demand) {
      demand_share_[c] = *r.notable_ai_demand * (ceiling[c] ? d.ceiling_realisation : 1.0) / d.world_2025;
      notable += demand_share_[c];
      project[c] = d.national_project_share;
    } else {
      other_gdp += g;
    }
  }
  const double rest = 1.0 - d.usa_share - d.chn_share - notable;
  if (rest < 0) {
    throw InputError(where_param(pn, "demand.world_2025") +
                     ": notable demand figures exceed the demand left after the US and China shares");
  }
  for (std::size_t c = 0; c < n_countries_; ++c) {
    const auto& r = table_.rows[c];
    const double g = std::pow(r.gdp_usd, d.gdp_elasticity);
    if (c == usa) {
      demand_share_[c] = d.usa_share;
    } else if (china_[c]) {
      demand_share_[c] = d.chn_share * g / china_gdp;
    } else if (!r.notable_ai_demand) {
      demand_share_[c] = rest * g / other_gdp;
    }
  }

  // Initial stances from the 5G record; unknown ones drawn from the stance model given
  // the known stances of their bloc.
  stance_.assign(n_countries_, Stance::open);
  std::vector<std::array<double, kNumStances>> bloc_known(regions_.size(), {0, 0, 0});
  for (std::size_t c = 0; c < n_countries_; ++c) {
    const auto g = table_.rows[c].huawei_5g;
    if (g == FiveG::unknown) continue;
    stance_[c] = g == FiveG::excluded ? Stance::exclude : (g == FiveG::restricted ? Stance::restrict : Stance::open);
    bloc_known[static_cast<std::size_t>(region_of_[c])][static_cast<std::size_t>(stance_[c])] += 1;
  }
  const rng::Stream stance_init(seed_, run_, kStanceInitPurpose);
  for (std::size_t c = 0; c < n_countries_; ++c) {
    if (table_.rows[c].huawei_5g != FiveG::unknown || china_[c]) continue;
    auto m = bloc_known[static_cast<std::size_t>(region_of_[c])];
    const double total = m[0] + m[1] + m[2];
    if (total > 0) {
      for (auto& x : m) x /= total;
    } else {
      m = {1.0, 0.0, 0.0};
    }
    StanceInputs in{table_.rows[c].us_ally, table_.rows[c].tier_2025 == 1, false, m};
    stance_[c] = draw_stance(stance_probabilities(p_.stance, in), stance_init.uniform(c, 0));
  }
  for (std::size_t c = 0; c < n_countries_; ++c) {
    if (china_[c]) stance_[c] = Stance::open;
  }
  stance_world_.bloc = region_of_;
  stance_world_.blocs = regions_.size();
  for (std::size_t c = 0; c < n_countries_; ++c) {
    stance_world_.ally.push_back(table_.rows[c].us_ally);
    stance_world_.tier1.push_back(table_.rows[c].tier_2025 == 1);
    stance_world_.fixed.push_back(china_[c]);
  }

  // Policy: events on the calendar, G2G agreements drawn per country.
  std::vector<bool> g2g(n_countries_, false);
  const rng::Stream g2g_stream(seed_, run_, kG2gPurpose);
  for (const auto& [iso, prob] : p_.policy.rule.g2g_probability_by_country) {
    (void)prob;
    need(iso, "policy.rule.g2g_probability_by_country." + iso);
  }
  for (std::size_t c = 0; c < n_countries_; ++c) {
    if (table_.rows[c].tier_2025 != 2) continue;
    const auto it = p_.policy.rule.g2g_probability_by_country.find(table_.rows[c].iso3);
    const double prob = it != p_.policy.rule.g2g_probability_by_country.end() ? it->second : p_.policy.rule.g2g_probability;
    g2g[c] = g2g_stream.uniform(c, 0) < prob;
  }
  policy_ = std::make_unique<Policy>(p_.policy, table_, resolve_events(ctx), std::move(g2g));

  // Buyers.
  BuyerInit init;
  std::vector<double> demand2025(n_countries_);
  for (std::size_t c = 0; c < n_countries_; ++c) {
    demand2025[c] = demand_share_[c] * d.world_2025 / time::kMonthsPerYear;
    init.monthly_demand_2025.push_back(demand2025[c]);
    init.installed.push_back(p_.initial.world_stock_2025 * demand_share_[c]);
    init.cn_stack_share.push_back(china_[c] ? p_.initial.cn_stack_share_china : p_.initial.cn_stack_share_other);
    init.nveu_eligible_country.push_back(table_.rows[c].tier_2025 == 2);
    init.project_share.push_back(project[c]);
  }
  const auto counts = buyers_per_country(demand_share_, p_.scale.buyers_total, p_.scale.buyers_min_per_country);
  index_.begin.assign(n_countries_ + 1, 0);
  for (std::size_t c = 0; c < n_countries_; ++c) index_.begin[c + 1] = index_.begin[c] + counts[c];
  buyers_ = make_buyers(p_, init, index_, seed_, run_, executor_);
  nveu_any_.assign(n_countries_, 0);
  for (std::size_t b = 0; b < buyers_.size(); ++b) {
    if (buyers_.nveu[b]) nveu_any_[buyers_.country[b]] = 1;
  }

  // Country state.
  a_cn_.assign(n_countries_, p_.initial.cn_availability);
  us_fill_.assign(n_countries_, 1.0);
  for (auto& v : installed_) v.assign(n_countries_, 0.0);
  for (std::size_t b = 0; b < buyers_.size(); ++b) {
    installed_[kStackUs][buyers_.country[b]] += buyers_.ib_us[b];
    installed_[kStackCn][buyers_.country[b]] += buyers_.ib_cn[b];
  }
  for (int s = 0; s < kNumStacks; ++s) {
    installed_world_[static_cast<std::size_t>(s)] =
        std::accumulate(installed_[static_cast<std::size_t>(s)].begin(), installed_[static_cast<std::size_t>(s)].end(), 0.0);
  }
  cloud_signal_.assign(n_countries_, 0.0);
  cloud_signal_prev_ = demand2025;  // before any observation: demand is the signal
  q_cn_ = p_.china.quality_0;
  cum_cn_ = p_.initial.cn_cumulative;
  month_.assign(n_countries_, CountryMonth{});
  v_country_.assign(n_countries_, {});
  tables_.assign(n_countries_, {});
  // The switching-cost factor exp(-S_b) is fixed for a buyer: computed once.
  switch_.resize(buyers_.size());
  for (std::size_t b = 0; b < buyers_.size(); ++b) {
    const double t = buyers_.training[b];
    switch_[b] = static_cast<float>(std::exp(-(t * p_.choice.s_train + (1.0 - t) * p_.choice.s_infer)));
  }
  avail_.assign(n_countries_, kAllAlts);
  abandoned_total_.assign(n_countries_, 0.0);
  a_us_sum_.assign(n_countries_, 0.0);
  for (std::size_t b = 0; b < buyers_.size(); ++b) a_us_sum_[buyers_.country[b]] += static_cast<double>(buyers_.a_us[b]);
  vendor_output_.assign(p_.vendors.names.size(), 0.0);
  vendor_revenue_.assign(p_.vendors.names.size(), {0.0, 0.0, 0.0});
  if (p_.choice.mode == ChoiceMode::expected) req2_.assign(buyers_.size(), {});
  amount2_.assign(buyers_.size(), 0.0);
  if (p_.policy.rule.rationing == Rationing::random_order) {
    cap_part_.assign(buyers_.size(), 0.0);
    cap_grant_.assign(buyers_.size(), 0.0);
  }
  const int first_year = calendar_.start().year;
  const int years = calendar_.end().year - first_year + 1;
  served_by_year_.assign(static_cast<std::size_t>(years),
                         std::vector<std::array<double, kNumStacks>>(n_countries_, {0.0, 0.0}));
  installed_at_dec_.assign(static_cast<std::size_t>(years),
                           std::vector<std::array<double, kNumStacks>>(n_countries_, {kNaN, kNaN}));
}

std::vector<Event> DiffusionModel::resolve_events(const engine::ModelContext& ctx) const {
  std::vector<Event> out;
  for (std::size_t i = 0; i < p_.policy.events.size(); ++i) {
    const auto& e = p_.policy.events[i];
    const std::string key = "policy.events[" + std::to_string(i) + "]";
    Event ev;
    ev.action = parse_action(e.action, where_param(ctx.params_node, "policy.events"));
    const std::int64_t diff = time::month_of(e.date).linear() - calendar_.start().linear();
    ev.step = static_cast<int>(std::clamp<std::int64_t>(diff, -1, calendar_.steps()));
    if (ev.step < 0) ev.step = -1;
    for (const auto& iso : e.countries) {
      const int c = table_.index_of(iso);
      if (c < 0) {
        throw InputError(where_param(ctx.params_node, "policy.events") + ": " + key + ".countries: '" + iso +
                         "' is not a country of " + table_.path.string());
      }
      ev.countries.push_back(c);
    }
    if ((ev.action == EventAction::g2g || ev.action == EventAction::tier) && ev.countries.empty()) {
      throw InputError(where_param(ctx.params_node, "policy.events") + ": " + key + ": action '" + e.action +
                       "' needs a list of countries");
    }
    ev.tier = e.tier;
    out.push_back(std::move(ev));
  }
  return out;
}

void DiffusionModel::init_gatekeepers() {
  const auto& g = p_.gatekeepers;
  const std::size_t n_g = g.firms.size();
  placed_.assign(n_g, std::vector<double>(n_countries_, 0.0));
  online_.assign(n_g, std::vector<double>(n_countries_, 0.0));
  share_.assign(n_g, std::vector<double>(n_countries_, 0.0));
  gk_orders_.assign(n_g, 0.0);
  quarter_budget_.assign(n_g, 0.0);
  quarter_placed_.assign(n_g, 0.0);
  uveu_feasible_.assign(n_g, true);
  cloud_free_.assign(n_countries_, 0.0);
  cloud_free_before_.assign(n_countries_, 0.0);
  cloud_local_used_.assign(n_countries_, 0.0);
  for (const auto& firm : g.firms) {
    const int h = table_.index_of(firm.hq);
    if (h < 0) {
      throw InputError("key 'params.gatekeepers.firms': hq '" + firm.hq + "' of " + firm.name +
                       " is not a country of " + table_.path.string());
    }
    gk_home_.push_back(h);
  }
  // Initial placement: home share at home, the Tier 1 share over other Tier 1 countries by
  // demand, the rest over Tier 2 by demand within the UVEU per-country limit (the excess
  // stays at home), none in Tier 3.
  const double t2_limit = p_.policy.rule.uveu_max_tier2_share;
  std::vector<double> initial_share(n_countries_, 0.0);
  double t1_demand = 0, t2_demand = 0;
  for (std::size_t c = 0; c < n_countries_; ++c) {
    if (c == home_index_) continue;
    if (table_.rows[c].tier_2025 == 1) t1_demand += demand_share_[c];
    if (table_.rows[c].tier_2025 == 2) t2_demand += demand_share_[c];
  }
  const double t2_total = std::max(0.0, 1.0 - g.initial_home_share - g.initial_tier1_share);
  double home = g.initial_home_share;
  for (std::size_t c = 0; c < n_countries_; ++c) {
    if (c == home_index_) continue;
    if (table_.rows[c].tier_2025 == 1 && t1_demand > 0) initial_share[c] = g.initial_tier1_share * demand_share_[c] / t1_demand;
    if (table_.rows[c].tier_2025 == 2 && t2_demand > 0) {
      const double want = t2_total * demand_share_[c] / t2_demand;
      initial_share[c] = std::min(want, t2_limit);
      home += want - initial_share[c];
    }
  }
  initial_share[home_index_] = home;
  const std::size_t lag = static_cast<std::size_t>(std::max(1, g.build_lag_months));
  pipeline_.assign(lag + 1, std::vector<double>(n_countries_, 0.0));
  pipeline_g_.assign(lag + 1, std::vector<std::vector<double>>(n_g, std::vector<double>(n_countries_, 0.0)));
  // Capacity bought in the `lag` months before the start arrives in the first months.
  const double price_before = p_.vendors.price_2025 / (1.0 + p_.vendors.price_change);
  for (std::size_t k = 0; k < n_g; ++k) {
    const auto& firm = g.firms[k];
    const auto hk = static_cast<std::size_t>(gk_home_[k]);
    const double monthly_before = firm.capex_2025 / g.capex_growth / time::kMonthsPerYear * g.ai_share_of_capex /
                                  (price_before * (1.0 + p_.vendors.facility_overhead));
    for (std::size_t c = 0; c < n_countries_; ++c) {
      // A firm headquartered elsewhere would keep the "home" share at its own home.
      double sh = initial_share[c];
      if (hk != home_index_) {
        if (c == hk) sh += initial_share[home_index_];
        if (c == home_index_) sh = 0.0;
      }
      placed_[k][c] = online_[k][c] = firm.initial_capacity * sh;
      share_[k][c] = sh;
      for (std::size_t m = 0; m < lag; ++m) {
        pipeline_[m][c] += monthly_before * sh;
        pipeline_g_[m][k][c] += monthly_before * sh;
        placed_[k][c] += monthly_before * sh;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------
// Phases

void DiffusionModel::phase_policy(const engine::StepContext& s) {
  step_ = s.step;
  now_ = s.month;
  const bool switched_on = policy_->apply(s.step);
  if (now_.month == 1) std::fill(buyers_.lpp_used.begin(), buyers_.lpp_used.end(), 0.0);
  if (switched_on && policy_->caps_active() && p_.expectations.announce_shock > 0) {
    // Microsoft's "customer confidence" channel: Tier 2 buyers expect less US supply at once.
    const auto keep = static_cast<float>(1.0 - p_.expectations.announce_shock);
    executor_.for_blocks(buyers_.size(), [&](std::size_t lo, std::size_t hi) {
      for (std::size_t b = lo; b < hi; ++b) {
        if (policy_->tier(buyers_.country[b]) == 2) buyers_.a_us[b] *= keep;
      }
    });
  }
}

double DiffusionModel::gatekeeper_orders(std::size_t k, const time::YearMonth& ym) const {
  const auto& g = p_.gatekeepers;
  const double retaliation = policy_->retaliation() ? p_.policy.retaliation_cost_multiplier : 1.0;
  const double build_cost = us_base_price(p_.vendors, ym) * (1.0 + p_.vendors.facility_overhead * retaliation);
  const double capex = g.firms[k].capex_2025 * std::pow(g.capex_growth, ym.year - kBaseYear);
  return capex / time::kMonthsPerYear * g.ai_share_of_capex / build_cost;
}

double DiffusionModel::total_demand_index(int year) const {
  return path_level(1.0, p_.demand.growth_first, p_.demand.growth_last, year);
}

void DiffusionModel::phase_supply(const engine::StepContext&) {
  const int year = now_.year;
  demand_index_ = total_demand_index(year);
  for (std::size_t v = 0; v < vendor_output_.size(); ++v) {
    vendor_output_[v] = path_level(p_.vendors.output_2025[v], p_.vendors.growth_first, p_.vendors.growth_last, year) /
                        time::kMonthsPerYear;
  }
  base_price_ = us_base_price(p_.vendors, now_);
  price_ = base_price_ * (1.0 + p_.vendors.kappa * excess_share_);
  const double units = huawei_units(p_.china, year) / time::kMonthsPerYear;
  cn_domestic_pool_ = (1.0 - p_.china.export_share) * units * p_.china.h100e_per_unit;
  cn_export_pool_ = p_.china.export_share * units * p_.china.export_h100e_per_unit;
  double host = 0;
  for (std::size_t c = 0; c < n_countries_; ++c) {
    const double tier = table_.rows[c].tier_2025;
    const auto& hosts = p_.china.cloud_host_tiers;
    if (table_.rows[c].cn_cloud_region && !china_[c] && std::find(hosts.begin(), hosts.end(), tier) != hosts.end()) {
      host += demand_share_[c] * p_.demand.world_2025 * demand_index_ / time::kMonthsPerYear;
    }
  }
  cn_cloud_pool_ = p_.china.cloud_share_of_host_demand * host;
}

void DiffusionModel::phase_allocation(const engine::StepContext& s) {
  const auto& g = p_.gatekeepers;
  const std::size_t slots = pipeline_.size();
  // Capacity under construction comes online.
  auto& arriving = pipeline_[static_cast<std::size_t>(s.step) % slots];
  for (std::size_t c = 0; c < n_countries_; ++c) {
    cloud_free_[c] += arriving[c];
    arriving[c] = 0.0;
  }
  for (std::size_t k = 0; k < g.firms.size(); ++k) {
    auto& arr = pipeline_g_[static_cast<std::size_t>(s.step) % slots][k];
    for (std::size_t c = 0; c < n_countries_; ++c) {
      online_[k][c] += arr[c];
      arr[c] = 0.0;
    }
  }
  for (std::size_t k = 0; k < g.firms.size(); ++k) gk_orders_[k] = gatekeeper_orders(k, now_);
  // Each quarter, decide where the quarter's new capacity goes.
  if (s.step == 0 || (now_.month - 1) % 3 == 0) {
    if (s.step > 0) {
      cloud_signal_prev_ = cloud_signal_;
      std::fill(cloud_signal_.begin(), cloud_signal_.end(), 0.0);
    }
    std::vector<int> tiers(n_countries_);
    for (std::size_t c = 0; c < n_countries_; ++c) tiers[c] = policy_->tier(c);
    for (std::size_t k = 0; k < g.firms.size(); ++k) {
      PlacementProblem prob;
      prob.weight = cloud_signal_prev_;
      prob.existing = placed_[k];
      prob.tier = tiers;
      prob.home = gk_home_[k];
      // The quarter's orders, month by month (prices fall within a quarter): placing
      // exactly what can arrive keeps the UVEU shares within limits at every month.
      prob.budget = 0.0;
      for (int m = 0; m < 3 && s.step + m < calendar_.steps(); ++m) prob.budget += gatekeeper_orders(k, now_.plus_months(m));
      prob.uveu = policy_->uveu_limits_active();
      prob.min_tier1 = p_.policy.rule.uveu_min_tier1_share;
      prob.max_tier2 = p_.policy.rule.uveu_max_tier2_share;
      prob.min_home = gk_home_[k] == static_cast<int>(home_index_) ? p_.policy.rule.uveu_min_home_share : 0.0;
      prob.home_bias = g.home_bias;
      const auto placement = place_capacity(prob);
      quarter_budget_[k] = prob.budget;
      quarter_placed_[k] = 0.0;
      uveu_feasible_[k] = placement.feasible;
      for (std::size_t c = 0; c < n_countries_; ++c) {
        share_[k][c] = prob.budget > 0 ? placement.x[c] / prob.budget : 0.0;
      }
    }
  }
}

void DiffusionModel::compute_country_utilities() {
  const auto& ch = p_.choice;
  const double retaliation = policy_->retaliation() ? p_.policy.retaliation_cost_multiplier : 1.0;
  // Prices enter relative to the 2025 all-in cost of US compute, so that Defer (no price)
  // keeps a stable meaning while prices fall.
  const double reference = p_.vendors.price_2025 * (1.0 + p_.vendors.facility_overhead);
  const double us_direct = price_ * (1.0 + p_.vendors.facility_overhead * retaliation);
  const double us_cloud = us_direct * (1.0 + p_.gatekeepers.cloud_markup) *
                          (1.0 + (policy_->rule_in_force() ? p_.gatekeepers.uveu_surcharge : 0.0));
  const double cn_nominal = p_.china.price_ratio * p_.china.quality_0 * base_price_ * (1.0 + p_.vendors.facility_overhead);
  const double cn_chip = cn_nominal / q_cn_;
  const double cn_cloud = cn_chip * (1.0 + p_.gatekeepers.cloud_markup);
  const double ib_ref = 1.0 + installed_world_[kStackUs] + installed_world_[kStackCn];
  const double price_us_direct = -ch.beta_price * std::log(us_direct / reference);
  const double price_us_cloud = -ch.beta_price * std::log(us_cloud / reference);
  const double price_cn_chip = -ch.beta_price * std::log(cn_chip / reference);
  const double price_cn_cloud = -ch.beta_price * std::log(cn_cloud / reference);
  const bool diversion = p_.policy.tier3_diversion > 0;
  for (std::size_t c = 0; c < n_countries_; ++c) {
    const int tier = policy_->tier(c);
    const double ib_us = installed_[kStackUs][c] + ch.global_network_weight * installed_world_[kStackUs];
    const double ib_cn = installed_[kStackCn][c] + ch.global_network_weight * installed_world_[kStackCn];
    const double net_us = ch.gamma_net * std::log((1.0 + ib_us) / ib_ref);
    const double net_cn = ch.gamma_net * std::log((1.0 + ib_cn) / ib_ref);
    const double align = table_.rows[c].us_ally ? ch.theta_align : 0.0;
    const double risk = ch.rho_risk * ((stance_[c] == Stance::restrict ? p_.policy.restrict_risk : 0.0) +
                                       (policy_->guidance() && !china_[c] ? p_.policy.guidance_risk : 0.0));
    const double avail_cn = ch.delta_avail * std::log(std::max(ch.availability_floor, a_cn_[c]));
    double gk_here = 0;
    for (const auto& pg : placed_) gk_here += pg[c];
    const bool local_cloud = gk_here > 0;
    const bool cn_local = table_.rows[c].cn_cloud_region || china_[c];
    auto& v = v_country_[c];
    v[kUsDirect] = price_us_direct + net_us + align;
    v[kUsCloud] = ch.asc_us_cloud + price_us_cloud + net_us + align - (local_cloud ? 0.0 : ch.lambda_lat);
    v[kCnChip] = ch.asc_cn_chip + price_cn_chip + net_cn - align - risk + avail_cn;
    v[kCnCloud] = ch.asc_cn_cloud + price_cn_cloud + net_cn - align - risk + avail_cn - (cn_local ? 0.0 : ch.lambda_lat);
    v[kDefer] = ch.asc_defer;
    // Exponentials for the hot loop (nested_logit_from_exp): shifted by the country's
    // largest utility, scaled by each alternative's nest parameter.
    const double shift = *std::max_element(v.begin(), v.end());
    const std::array<double, kNumAlts> mu{ch.mu_us, ch.mu_us, ch.mu_cn, ch.mu_cn, 1.0};
    std::array<double, kNumAlts> e{};
    for (std::size_t k = 0; k < kNumAlts; ++k) e[k] = std::exp((v[k] - shift) / mu[k]);
    AltMask m = bit(kDefer);
    if (tier != 3 || diversion) m |= bit(kUsDirect);
    if (tier != 3 && (local_cloud || p_.gatekeepers.remote_allowed)) m |= bit(kUsCloud);
    if (stance_[c] != Stance::exclude) {
      m |= bit(kCnChip);
      if (cn_local || p_.china.cloud_remote_allowed) m |= bit(kCnCloud);
    }
    avail_[c] = m;
    // Tables for the full mask and for each alternative removed (the re-choice).
    const NestParams nests{ch.mu_us, ch.mu_cn};
    tables_[c][0] = make_choice_table(e, m, nests);
    for (int k = 0; k < kDefer; ++k) tables_[c][static_cast<std::size_t>(k) + 1] = make_choice_table(e, static_cast<AltMask>(m & ~bit(k)), nests);
  }
}

DiffusionModel::Weights DiffusionModel::weights(std::size_t b) const {
  // The buyer's terms scale whole stacks: exp(delta ln A_b - S_b [majority CN]) on the US
  // nest, exp(-S_b [majority US]) on the Chinese one (docs/ODD.md s.7.1).
  const double a = std::max<double>(p_.choice.availability_floor, buyers_.a_us[b]);
  const double switching = static_cast<double>(switch_[b]);
  const bool majority_cn = buyers_.majority_cn(b);
  return {std::exp(p_.choice.delta_avail * std::log(a)) * (majority_cn ? switching : 1.0),
          majority_cn ? 1.0 : switching};
}

std::array<double, kNumAlts> DiffusionModel::probabilities(std::size_t b, int removed) const {
  const Weights w = weights(b);
  return choice_probabilities(tables_[buyers_.country[b]][static_cast<std::size_t>(removed + 1)], w.us, w.cn);
}

void DiffusionModel::phase_choice(const engine::StepContext&) { compute_country_utilities(); }

// The clearing phase runs the three passes over buyers (MODEL s.4, steps 5-6):
//   pass 1: round-1 choice and requests;  factors;
//   pass 2: round-1 service, re-choice of rationed demand, round-2 requests;  factors;
//   pass 3: round-2 service, backlog and abandonment, expectations, installed bases.
void DiffusionModel::phase_clearing(const engine::StepContext& s) {
  const bool discrete = p_.choice.mode == ChoiceMode::discrete;
  const bool caps = policy_->caps_active();
  const bool random_order = p_.policy.rule.rationing == Rationing::random_order;
  const double lpp_limit = p_.policy.rule.lpp_h100e_per_year;
  const double nveu_limit = nveu_allowance(p_.policy.rule, now_);
  const auto step = static_cast<std::uint64_t>(s.step);
  const double di = demand_index_;

  struct Split {
    double lpp = 0, cap = 0, nveu = 0, free_ = 0;
  };
  // How a US_direct request of buyer b is cleared: LPP exemption, country cap, NVEU
  // allowance, or unrestricted.
  auto split_direct = [&](std::size_t b, double r) {
    Split sp;
    const std::size_t c = buyers_.country[b];
    if (!caps || policy_->tier(c) != 2) {
      sp.free_ = r;
    } else if (buyers_.nveu[b]) {
      sp.nveu = std::min(r, std::max(0.0, nveu_limit - buyers_.nveu_used[b]));
    } else {
      sp.lpp = std::min(r, std::max(0.0, lpp_limit - buyers_.lpp_used[b]));
      sp.cap = r - sp.lpp;
    }
    return sp;
  };
  auto add_request = [&](auto& acc, std::size_t base_req, std::size_t f_cap, std::size_t b, int k, double r) {
    acc[base_req + static_cast<std::size_t>(k)] += r;
    if (k == kUsDirect) {
      const Split sp = split_direct(b, r);
      acc[f_cap] += sp.cap;
      acc[f_cap + 1] += sp.lpp;
      acc[f_cap + 2] += sp.nveu;
      acc[f_cap + 3] += sp.free_;
      return sp;
    }
    return Split{};
  };

  // ---- pass 1: round-1 choice --------------------------------------------------------------
  const auto acc1 = per_country_sums<f1::N>(executor_, buyers_.country, n_countries_, [&](std::size_t b, auto& acc) {
    const double fresh = buyers_.base_demand[b] * di;
    const double demand = fresh + buyers_.backlog[b];
    acc[f1::new_demand] += fresh;
    acc[f1::backlog_in] += buyers_.backlog[b];
    if (demand <= 0) {
      buyers_.alt1[b] = kNoAlt;
      return;
    }
    const auto prob = probabilities(b);
    if (discrete) {
      const int k = draw_alternative(prob, choice_stream_.uniform(b, step, 0));
      buyers_.alt1[b] = static_cast<std::uint8_t>(k);
      const Split sp = add_request(acc, f1::req, f1::cap, b, k, demand);
      if (random_order) cap_part_[b] = sp.cap;
    } else {
      double cap_part = 0;
      for (int k = 0; k < kNumAlts; ++k) {
        const double r = prob[static_cast<std::size_t>(k)] * demand;
        if (r > 0) cap_part += add_request(acc, f1::req, f1::cap, b, k, r).cap;
      }
      if (random_order) cap_part_[b] = cap_part;
    }
  });

  // Capacities before clearing.
  std::vector<double> ledger(n_countries_, 0.0);
  for (std::size_t c = 0; c < n_countries_; ++c) ledger[c] = caps ? policy_->ledger_available(c, now_) : 0.0;
  double vendor_total = std::accumulate(vendor_output_.begin(), vendor_output_.end(), 0.0);
  double gk_orders_total = std::accumulate(gk_orders_.begin(), gk_orders_.end(), 0.0);
  double diversion_pool = p_.policy.tier3_diversion * last_t2_direct_shipped_;
  cloud_free_before_ = cloud_free_;
  std::fill(cloud_local_used_.begin(), cloud_local_used_.end(), 0.0);
  global_ = GlobalMonth{};
  global_.vendor_output = vendor_total;
  global_.cn_export_capacity = cn_export_pool_;
  global_.cn_domestic_capacity = cn_domestic_pool_;
  global_.cn_cloud_capacity = cn_cloud_pool_;
  global_.gatekeeper_orders = gk_orders_total;
  global_.diversion_capacity = diversion_pool;
  double cn_export = cn_export_pool_, cn_domestic = cn_domestic_pool_, cn_cloud = cn_cloud_pool_;

  // Random-order rationing of a country ledger: buyers in a random order take what they
  // asked for until the ledger is empty.
  auto ration_random = [&](std::size_t c, double available, std::uint64_t round) {
    std::vector<std::pair<double, std::size_t>> order;
    for (std::size_t b = index_.begin[c]; b < index_.begin[c + 1]; ++b) {
      if (cap_part_[b] > 0) order.emplace_back(ration_stream_.uniform(b, step, round), b);
    }
    std::sort(order.begin(), order.end());
    for (const auto& [key, b] : order) {
      (void)key;
      cap_grant_[b] = std::min(cap_part_[b], available);
      available -= cap_grant_[b];
    }
  };

  // Factors of one round from its requests and the capacities left.
  auto make_factors = [&](const std::vector<std::array<double, kNumAlts>>& req, const std::vector<double>& cap_req,
                          const std::vector<double>& lpp_req, const std::vector<double>& nveu_req,
                          const std::vector<double>& free_req, double gk_orders, std::uint64_t round) {
    Factors f;
    f.cap.assign(n_countries_, 1.0);
    f.per_buyer_cap = random_order;
    f.cloud.assign(n_countries_, 1.0);
    f.cloud_local.assign(n_countries_, 1.0);
    double diverted_req = 0;
    for (std::size_t c = 0; c < n_countries_; ++c) {
      if (policy_->tier(c) == 3) diverted_req += free_req[c];
    }
    f.diversion = safe_ratio(diversion_pool, diverted_req);
    if (random_order) std::fill(cap_grant_.begin(), cap_grant_.end(), 0.0);  // grants are per round
    double orders = gk_orders;
    for (std::size_t c = 0; c < n_countries_; ++c) {
      double granted_cap = 0;
      if (cap_req[c] > 0) {
        if (random_order) {
          if (cap_req[c] > ledger[c]) {
            ration_random(c, ledger[c], round);
          } else {
            for (std::size_t b = index_.begin[c]; b < index_.begin[c + 1]; ++b) cap_grant_[b] = cap_part_[b];
          }
          granted_cap = std::min(cap_req[c], ledger[c]);
        } else {
          f.cap[c] = safe_ratio(ledger[c], cap_req[c]);
          granted_cap = f.cap[c] * cap_req[c];
        }
      }
      const double free_part = policy_->tier(c) == 3 ? free_req[c] * f.diversion : free_req[c];
      orders += lpp_req[c] + granted_cap + nveu_req[c] + free_part;
    }
    f.vendor = safe_ratio(vendor_total, orders);
    // US cloud: local free capacity first, then remote from the home country's leftover.
    double remote_req = 0;
    for (std::size_t c = 0; c < n_countries_; ++c) {
      f.cloud_local[c] = safe_ratio(cloud_free_[c], req[c][kUsCloud]);
      if (c != home_index_ && p_.gatekeepers.remote_allowed && policy_->tier(c) != 3) {
        remote_req += req[c][kUsCloud] * (1.0 - f.cloud_local[c]);
      }
    }
    const double remote_pool = std::max(0.0, cloud_free_[home_index_] - f.cloud_local[home_index_] * req[home_index_][kUsCloud]);
    const double remote = safe_ratio(remote_pool, remote_req);
    for (std::size_t c = 0; c < n_countries_; ++c) {
      const bool can_remote = c != home_index_ && p_.gatekeepers.remote_allowed && policy_->tier(c) != 3;
      f.cloud[c] = f.cloud_local[c] + (can_remote ? (1.0 - f.cloud_local[c]) * remote : 0.0);
    }
    // Chinese supply: domestic pool for China, export and cloud pools for everyone else.
    double dom_req = 0, exp_req = 0, cloud_req = 0;
    for (std::size_t c = 0; c < n_countries_; ++c) {
      if (china_[c]) {
        dom_req += req[c][kCnChip] + req[c][kCnCloud];
      } else {
        exp_req += req[c][kCnChip];
        cloud_req += req[c][kCnCloud];
      }
    }
    f.cn_domestic = safe_ratio(cn_domestic, dom_req);
    f.cn_export = safe_ratio(cn_export, exp_req);
    f.cn_cloud = safe_ratio(cn_cloud, cloud_req);
    return f;
  };

  // Served part of a request for alternative k by buyer b in a round with factors f.
  // `sp` is the buyer's US_direct split (only for k == US_direct); `grant` its cap grant
  // under random-order rationing.
  auto served_of = [&](const Factors& f, std::size_t b, int k, double r, const Split& sp, double grant) {
    const std::size_t c = buyers_.country[b];
    switch (k) {
      case kUsDirect: {
        const double cap_granted = f.per_buyer_cap ? std::min(grant, sp.cap) : f.cap[c] * sp.cap;
        const double free_part = policy_->tier(c) == 3 ? sp.free_ * f.diversion : sp.free_;
        return f.vendor * (sp.lpp + cap_granted + sp.nveu + free_part);
      }
      case kUsCloud: return r * f.cloud[c];
      case kCnChip: return r * (china_[c] ? f.cn_domestic : f.cn_export);
      case kCnCloud: return r * (china_[c] ? f.cn_domestic : f.cn_cloud);
      default: return 0.0;
    }
  };

  auto column = [&](const auto& acc, std::size_t field) {
    std::vector<double> out(n_countries_);
    for (std::size_t c = 0; c < n_countries_; ++c) out[c] = acc[c][field];
    return out;
  };
  auto requests = [&](const auto& acc, std::size_t base) {
    std::vector<std::array<double, kNumAlts>> out(n_countries_);
    for (std::size_t c = 0; c < n_countries_; ++c) {
      for (std::size_t k = 0; k < kNumAlts; ++k) out[c][k] = acc[c][base + k];
    }
    return out;
  };
  // Use of the capacities by a round, so the next round sees what is left.
  auto consume = [&](const Factors& f, const std::vector<std::array<double, kNumAlts>>& req,
                     const std::vector<double>& cap_req, const std::vector<double>& free_req, double shipped_direct,
                     double gk_orders) {
    double remote_used = 0;
    for (std::size_t c = 0; c < n_countries_; ++c) {
      const double local = f.cloud_local[c] * req[c][kUsCloud];
      cloud_free_[c] -= local;
      cloud_local_used_[c] += local;
      remote_used += (f.cloud[c] - f.cloud_local[c]) * req[c][kUsCloud];
    }
    cloud_free_[home_index_] -= remote_used;
    global_.us_cloud_remote_used += remote_used;
    for (std::size_t c = 0; c < n_countries_; ++c) {
      if (cap_req[c] > 0 && !random_order) {
        const double drawn = f.vendor * f.cap[c] * cap_req[c];
        policy_->ledger_draw(c, drawn);
        month_[c].cap_drawn += drawn;
        ledger[c] = std::max(0.0, ledger[c] - f.cap[c] * cap_req[c]);
      }
      if (policy_->tier(c) == 3) {
        const double d = f.vendor * f.diversion * free_req[c];
        diversion_pool -= f.diversion * free_req[c];
        global_.diversion_used += d;
      }
      if (china_[c]) {
        const double used = f.cn_domestic * (req[c][kCnChip] + req[c][kCnCloud]);
        cn_domestic -= used;
        global_.cn_domestic_used += used;
      } else {
        cn_export -= f.cn_export * req[c][kCnChip];
        cn_cloud -= f.cn_cloud * req[c][kCnCloud];
        global_.cn_export_used += f.cn_export * req[c][kCnChip];
        global_.cn_cloud_used += f.cn_cloud * req[c][kCnCloud];
      }
    }
    const double gk_shipped = f.vendor * gk_orders;
    vendor_total -= shipped_direct + gk_shipped;
    global_.vendor_shipped += shipped_direct + gk_shipped;
    global_.gatekeeper_shipped += gk_shipped;
  };

  for (std::size_t c = 0; c < n_countries_; ++c) {
    month_[c] = CountryMonth{};
    month_[c].cap_available = ledger[c];
  }
  const auto req1 = requests(acc1, f1::req);
  const auto cap1 = column(acc1, f1::cap);
  const auto free1 = column(acc1, f1::free_);
  const Factors fa = make_factors(req1, cap1, column(acc1, f1::lpp), column(acc1, f1::nveu), free1, gk_orders_total, 0);

  // ---- pass 2: round-1 service and re-choice -------------------------------------------------
  const auto acc2 = per_country_sums<f2::N>(executor_, buyers_.country, n_countries_, [&](std::size_t b, auto& acc) {
    const double demand = buyers_.base_demand[b] * di + buyers_.backlog[b];
    amount2_[b] = 0.0;
    if (demand <= 0) {
      buyers_.alt2[b] = kNoAlt;
      return;
    }
    const double grant = random_order ? cap_grant_[b] : 0.0;
    if (random_order) cap_part_[b] = 0.0;
    std::array<double, kNumAlts> r{};
    if (discrete) {
      r[buyers_.alt1[b]] = demand;
    } else {
      const auto prob = probabilities(b);
      for (std::size_t k = 0; k < kNumAlts; ++k) r[k] = prob[k] * demand;
    }
    std::array<double, kNumAlts> rationed{};
    for (int k = 0; k < kDefer; ++k) {
      const auto uk = static_cast<std::size_t>(k);
      if (r[uk] <= 0) continue;
      const Split sp = k == kUsDirect ? split_direct(b, r[uk]) : Split{};
      const double served = std::min(r[uk], served_of(fa, b, k, r[uk], sp, grant));
      acc[f2::served + uk] += served;
      rationed[uk] = r[uk] - served;
      acc[f2::rationed + uk] += rationed[uk];
      if (k == kUsDirect) {
        buyers_.lpp_used[b] += fa.vendor * sp.lpp;
        buyers_.nveu_used[b] += fa.vendor * sp.nveu;
        acc[f2::lpp_served] += fa.vendor * sp.lpp;
        acc[f2::nveu_served] += fa.vendor * sp.nveu;
      }
      (stack_of(k) == kStackUs ? buyers_.ib_us : buyers_.ib_cn)[b] += served;
    }
    // Re-choice: rationed demand chooses again among the alternatives still open to it.
    double cap_part2 = 0;
    if (discrete) {
      const int k1 = buyers_.alt1[b];
      const double x = rationed[static_cast<std::size_t>(k1)];
      buyers_.alt2[b] = kNoAlt;
      if (k1 != kDefer && x > 0) {
        const auto prob = probabilities(b, k1);
        const int k2 = draw_alternative(prob, choice_stream_.uniform(b, step, 1));
        buyers_.alt2[b] = static_cast<std::uint8_t>(k2);
        amount2_[b] = x;
        cap_part2 = add_request(acc, f2::req2, f2::cap2, b, k2, x).cap;
      }
    } else {
      amount2_[b] = r[kDefer];  // deferred in round 1; pass 3 must not recompute it (state moved)
      std::array<double, kNumAlts> r2{};
      for (int k = 0; k < kDefer; ++k) {
        const double x = rationed[static_cast<std::size_t>(k)];
        if (x <= 0) continue;
        const auto prob = probabilities(b, k);
        for (std::size_t j = 0; j < kNumAlts; ++j) r2[j] += prob[j] * x;
      }
      req2_[b] = r2;
      for (int k = 0; k < kNumAlts; ++k) {
        if (r2[static_cast<std::size_t>(k)] > 0) {
          cap_part2 += add_request(acc, f2::req2, f2::cap2, b, k, r2[static_cast<std::size_t>(k)]).cap;
        }
      }
    }
    if (random_order) cap_part_[b] = cap_part2;
  });
  if (random_order) {
    // Round-1 ledger draws of random-order rationing: the vendor share of the grants.
    for (std::size_t c = 0; c < n_countries_; ++c) {
      if (cap1[c] <= 0) continue;
      const double granted = std::min(cap1[c], ledger[c]);
      const double drawn = fa.vendor * granted;
      policy_->ledger_draw(c, drawn);
      month_[c].cap_drawn += drawn;
      ledger[c] -= granted;
    }
  }
  double shipped1 = 0;
  for (std::size_t c = 0; c < n_countries_; ++c) shipped1 += acc2[c][f2::served + static_cast<std::size_t>(kUsDirect)];
  consume(fa, req1, cap1, free1, shipped1, gk_orders_total);

  // Round 2: what is left of every capacity.
  const auto req2 = requests(acc2, f2::req2);
  const auto cap2 = column(acc2, f2::cap2);
  const auto free2 = column(acc2, f2::free2);
  const Factors fb = make_factors(req2, cap2, column(acc2, f2::lpp2), column(acc2, f2::nveu2), free2, 0.0, 1);

  // ---- pass 3: round-2 service, backlog, expectations -----------------------------------------
  const double abandon = p_.demand.abandon_rate;
  const double eta = p_.expectations.eta;
  const auto acc3 = per_country_sums<f3::N>(executor_, buyers_.country, n_countries_, [&](std::size_t b, auto& acc) {
    const double demand = buyers_.base_demand[b] * di + buyers_.backlog[b];
    const double grant = random_order ? cap_grant_[b] : 0.0;
    std::array<double, kNumAlts> unserved{};
    double own_fill = -1.0;  // the buyer's own US fill rate this month, if it asked for US compute
    if (demand > 0) {
      // Round 1 was served in pass 2; its deferred part stays unserved, its rationed part
      // was re-chosen into r2.
      std::array<double, kNumAlts> r2{};
      if (discrete) {
        if (buyers_.alt1[b] == kDefer) unserved[kDefer] += demand;
        if (buyers_.alt2[b] != kNoAlt) r2[buyers_.alt2[b]] = amount2_[b];
      } else {
        unserved[kDefer] += amount2_[b];
        r2 = req2_[b];
      }
      double us_asked = 0, us_got = 0;
      if (discrete && is_us(buyers_.alt1[b])) {
        us_asked += demand;
        us_got += demand - amount2_[b];
      }
      for (int k = 0; k < kNumAlts; ++k) {
        const auto uk = static_cast<std::size_t>(k);
        if (r2[uk] <= 0) continue;
        if (k == kDefer) {
          unserved[kDefer] += r2[uk];
          continue;
        }
        const Split sp = k == kUsDirect ? split_direct(b, r2[uk]) : Split{};
        const double served = std::min(r2[uk], served_of(fb, b, k, r2[uk], sp, grant));
        acc[f3::served + uk] += served;
        unserved[uk] += r2[uk] - served;
        if (k == kUsDirect) {
          buyers_.lpp_used[b] += fb.vendor * sp.lpp;
          buyers_.nveu_used[b] += fb.vendor * sp.nveu;
          acc[f3::lpp_served] += fb.vendor * sp.lpp;
          acc[f3::nveu_served] += fb.vendor * sp.nveu;
        }
        (stack_of(k) == kStackUs ? buyers_.ib_us : buyers_.ib_cn)[b] += served;
        if (discrete && is_us(k)) {
          us_asked += r2[uk];
          us_got += served;
        }
      }
      if (us_asked > 0) own_fill = std::min(1.0, us_got / us_asked);
    }
    // Backlog: what is still unserved; a share of it is abandoned.
    const double left = std::accumulate(unserved.begin(), unserved.end(), 0.0);
    for (std::size_t k = 0; k < kNumAlts; ++k) acc[f3::backlog + k] += (1.0 - abandon) * unserved[k];
    acc[f3::abandoned] += abandon * left;
    acc[f3::backlog_out] += (1.0 - abandon) * left;
    buyers_.backlog[b] = (1.0 - abandon) * left;
    amount2_[b] = own_fill;  // scratch reused: read by the expectations update below
    acc[f3::ib_us] += buyers_.ib_us[b];
    acc[f3::ib_cn] += buyers_.ib_cn[b];
  });
  double shipped2 = 0;
  for (std::size_t c = 0; c < n_countries_; ++c) shipped2 += acc3[c][f3::served + static_cast<std::size_t>(kUsDirect)];
  if (random_order) {
    for (std::size_t c = 0; c < n_countries_; ++c) {
      if (cap2[c] <= 0) continue;
      const double granted = std::min(cap2[c], ledger[c]);
      const double drawn = fb.vendor * granted;
      policy_->ledger_draw(c, drawn);
      month_[c].cap_drawn += drawn;
      ledger[c] -= granted;
    }
  }
  consume(fb, req2, cap2, free2, shipped2, 0.0);

  // ---- bookkeeping ---------------------------------------------------------------------------
  double t2_direct = 0, orders_all = gk_orders_total;
  for (std::size_t c = 0; c < n_countries_; ++c) {
    auto& m = month_[c];
    m.new_demand = acc1[c][f1::new_demand];
    m.backlog_in = acc1[c][f1::backlog_in];
    for (std::size_t k = 0; k < kNumAlts; ++k) {
      m.demand[k] = acc1[c][f1::req + k];
      m.served[k] = acc2[c][f2::served + k] + acc3[c][f3::served + k];
      m.rationed[k] = acc2[c][f2::rationed + k];
      m.backlog[k] = acc3[c][f3::backlog + k];
    }
    m.cap_requested = cap1[c] + cap2[c];
    m.abandoned = acc3[c][f3::abandoned];
    m.backlog_out = acc3[c][f3::backlog_out];
    m.lpp_served = acc2[c][f2::lpp_served] + acc3[c][f3::lpp_served];
    m.nveu_served = acc2[c][f2::nveu_served] + acc3[c][f3::nveu_served];
    installed_[kStackUs][c] = acc3[c][f3::ib_us];
    installed_[kStackCn][c] = acc3[c][f3::ib_cn];
    abandoned_total_[c] += m.abandoned;
    if (policy_->tier(c) == 2) t2_direct += m.served[kUsDirect];
    orders_all += acc1[c][f1::req + static_cast<std::size_t>(kUsDirect)];
    // Fill rates for the expectations of next month.
    const double us_served = m.served[kUsDirect] + m.served[kUsCloud];
    const double us_req = m.demand[kUsDirect] + m.demand[kUsCloud] + req2[c][kUsDirect] + req2[c][kUsCloud];
    if (us_req > 0) us_fill_[c] = std::min(1.0, us_served / us_req);
    const double cn_served = m.served[kCnChip] + m.served[kCnCloud];
    const double cn_req = m.demand[kCnChip] + m.demand[kCnCloud] + req2[c][kCnChip] + req2[c][kCnCloud];
    if (cn_req > 0) a_cn_[c] = (1.0 - eta) * a_cn_[c] + eta * std::min(1.0, cn_served / cn_req);
  }
  last_t2_direct_shipped_ = t2_direct;
  const double output = global_.vendor_output;
  excess_share_ = orders_all > 0 ? std::max(0.0, orders_all - output) / orders_all : 0.0;

  // Buyers' expectations of US availability (adaptive): their own fill rate if they asked
  // for US compute this month (discrete mode), else their country's.
  // The same pass sums the new expectations per country for the outputs, so recording them
  // needs no serial pass over all buyers.
  const auto a_sums = per_country_sums<1>(executor_, buyers_.country, n_countries_, [&](std::size_t b, auto& acc) {
    const double fill = amount2_[b] >= 0 ? amount2_[b] : us_fill_[buyers_.country[b]];
    buyers_.a_us[b] = static_cast<float>((1.0 - eta) * static_cast<double>(buyers_.a_us[b]) + eta * fill);
    acc[0] += static_cast<double>(buyers_.a_us[b]);
  });
  for (std::size_t c = 0; c < n_countries_; ++c) a_us_sum_[c] = a_sums[c][0];

  // Gatekeepers' shipped capacity enters the pipeline with this quarter's placement.
  const std::size_t slots = pipeline_.size();
  const std::size_t lag = slots - 1;
  const std::size_t arrive = (static_cast<std::size_t>(s.step) + lag) % slots;
  for (std::size_t k = 0; k < gk_orders_.size(); ++k) {
    // Within the quarter's budget capacity goes where the placement put it; anything beyond
    // (an event made building cheaper mid-quarter) goes home, which keeps every UVEU share
    // within its limit.
    const double shipped = fa.vendor * gk_orders_[k];
    const double planned = std::min(shipped, std::max(0.0, quarter_budget_[k] - quarter_placed_[k]));
    quarter_placed_[k] += planned;
    for (std::size_t c = 0; c < n_countries_; ++c) {
      double add = planned * share_[k][c];
      if (static_cast<int>(c) == gk_home_[k]) add += shipped - planned;
      placed_[k][c] += add;
      pipeline_[arrive][c] += add;
      pipeline_g_[arrive][k][c] += add;
    }
  }
  // Vendor revenue by destination tier, split by vendor output shares.
  const double out_total = std::accumulate(vendor_output_.begin(), vendor_output_.end(), 0.0);
  std::array<double, 3> shipped_by_tier{0, 0, 0};
  for (std::size_t c = 0; c < n_countries_; ++c) {
    shipped_by_tier[static_cast<std::size_t>(policy_->tier(c) - 1)] += month_[c].served[kUsDirect];
  }
  for (std::size_t k = 0; k < gk_orders_.size(); ++k) {
    for (std::size_t c = 0; c < n_countries_; ++c) {
      shipped_by_tier[static_cast<std::size_t>(policy_->tier(c) - 1)] += fa.vendor * gk_orders_[k] * share_[k][c];
    }
  }
  for (std::size_t v = 0; v < vendor_output_.size(); ++v) {
    const double share = out_total > 0 ? vendor_output_[v] / out_total : 0.0;
    for (std::size_t t = 0; t < 3; ++t) vendor_revenue_[v][t] = shipped_by_tier[t] * share * price_;
  }
  for (std::size_t c = 0; c < n_countries_; ++c) {
    if (table_.rows[c].tier_2025 == 2) {
      double gk_here = 0;
      for (std::size_t k = 0; k < gk_orders_.size(); ++k) gk_here += fa.vendor * gk_orders_[k] * share_[k][c];
      t2_us_revenue_ += (month_[c].served[kUsDirect] + gk_here) * price_;
    }
    cloud_signal_[c] += month_[c].demand[kUsCloud];
  }
}

void DiffusionModel::phase_learning(const engine::StepContext& s) {
  // Chinese quality learning curve on cumulative Chinese-stack deployment.
  double cn_new = 0;
  for (const auto& m : month_) cn_new += m.served[kCnChip] + m.served[kCnCloud];
  cum_cn_ += cn_new;
  q_cn_ = std::min(1.0, p_.china.quality_0 * std::pow(cum_cn_ / p_.initial.cn_cumulative, p_.china.learning_exponent));
  for (std::size_t st = 0; st < kNumStacks; ++st) {
    installed_world_[st] = std::accumulate(installed_[st].begin(), installed_[st].end(), 0.0);
  }
  // Annual accumulators for the per-run summaries.
  const auto y = static_cast<std::size_t>(now_.year - calendar_.start().year);
  for (std::size_t c = 0; c < n_countries_; ++c) {
    const auto& m = month_[c];
    served_by_year_[y][c][kStackUs] += m.served[kUsDirect] + m.served[kUsCloud];
    served_by_year_[y][c][kStackCn] += m.served[kCnChip] + m.served[kCnCloud];
    if (now_.month == 12) installed_at_dec_[y][c] = {installed_[kStackUs][c], installed_[kStackCn][c]};
  }
  // Country stances, revisited each quarter (end of March, June, September, December).
  if (now_.month % 3 == 0) {
    revise_stances(stance_, stance_world_, p_.stance, policy_->guidance(), stance_stream_,
                   static_cast<std::uint64_t>(s.step));
  }
}

// ---------------------------------------------------------------------------------------
// Outputs

void DiffusionModel::declare(engine::Registry& reg) {
  std::vector<std::string> iso;
  for (const auto& r : table_.rows) iso.push_back(r.iso3);
  reg.add_dimension({"country", iso, "country (ISO 3166-1 alpha-3; XKX and CHI are World Bank codes)"});
  reg.add_dimension({"alternative", {kAltNames.begin(), kAltNames.end()}, "buyer's alternative"});
  reg.add_dimension({"stack", {kStackNames.begin(), kStackNames.end()}, "technology stack"});
  reg.add_dimension({"vendor", p_.vendors.names, "US chip vendor"});
  std::vector<std::string> gk;
  for (const auto& f : p_.gatekeepers.firms) gk.push_back(f.name);
  reg.add_dimension({"gatekeeper", gk, "cloud gatekeeper (UVEU)"});
  reg.add_dimension({"tier", {"1", "2", "3"}, "tier under the January 2025 rule"});

  std::vector<std::size_t> tier_of, region_of, ally_of;
  for (std::size_t c = 0; c < n_countries_; ++c) {
    tier_of.push_back(static_cast<std::size_t>(table_.rows[c].tier_2025 - 1));
    region_of.push_back(static_cast<std::size_t>(region_of_[c]));
    ally_of.push_back(table_.rows[c].us_ally ? 0 : 1);
  }
  reg.add_grouping({"country", "tier", {"1", "2", "3"}, tier_of, "tier under the January 2025 rule"});
  reg.add_grouping({"country", "region", regions_, region_of, "World Bank region"});
  reg.add_grouping({"country", "alliance", {"US ally", "not US ally"}, ally_of, "US treaty ally or MNNA (Jan 2025)"});

  using engine::Reduce;
  auto by_alt = [this](std::array<double, kNumAlts> CountryMonth::*field) {
    return [this, field](std::span<double> out) {
      for (std::size_t c = 0; c < n_countries_; ++c) {
        for (std::size_t k = 0; k < kNumAlts; ++k) out[c * kNumAlts + k] = (month_[c].*field)[k];
      }
    };
  };
  auto per_country = [this](auto getter) {
    return [this, getter](std::span<double> out) {
      for (std::size_t c = 0; c < n_countries_; ++c) out[c] = getter(c);
    };
  };
  const std::vector<std::string> ca{"country", "alternative"};
  reg.add_observable({"demand", "H100e/month", "round-1 requests by alternative (Defer: deferred)", ca, Reduce::sum,
                      "", "", by_alt(&CountryMonth::demand)});
  reg.add_observable({"served", "H100e/month", "compute served by alternative (both rounds)", ca, Reduce::sum, "",
                      "", by_alt(&CountryMonth::served)});
  reg.add_observable({"rationed", "H100e/month", "round-1 requests not served", ca, Reduce::sum, "", "",
                      by_alt(&CountryMonth::rationed)});
  reg.add_observable({"backlog", "H100e", "unserved demand carried over, by last alternative chosen", ca,
                      Reduce::sum, "", "", by_alt(&CountryMonth::backlog)});
  reg.add_observable({"new_demand", "H100e/month", "new AI-compute demand", {"country"}, Reduce::sum, "", "",
                      per_country([this](std::size_t c) { return month_[c].new_demand; })});
  reg.add_observable({"abandoned", "H100e/month", "unserved demand abandoned", {"country"}, Reduce::sum, "", "",
                      per_country([this](std::size_t c) { return month_[c].abandoned; })});
  reg.add_observable({"installed", "H100e", "installed base by stack", {"country", "stack"}, Reduce::sum, "", "",
                      [this](std::span<double> out) {
                        for (std::size_t c = 0; c < n_countries_; ++c) {
                          out[c * 2] = installed_[kStackUs][c];
                          out[c * 2 + 1] = installed_[kStackCn][c];
                        }
                      }});
  reg.add_observable({"served_cn", "H100e/month", "compute served by Chinese alternatives", {"country"}, Reduce::sum,
                      "", "", per_country([this](std::size_t c) { return month_[c].served[kCnChip] + month_[c].served[kCnCloud]; })});
  reg.add_observable({"served_total", "H100e/month", "compute served by all alternatives", {"country"}, Reduce::sum,
                      "", "", per_country([this](std::size_t c) {
                        const auto& s = month_[c].served;
                        return s[kUsDirect] + s[kUsCloud] + s[kCnChip] + s[kCnCloud];
                      })});
  reg.add_observable({"cn_share_new", "1", "Chinese share of new compute served", {"country"}, Reduce::ratio,
                      "served_cn", "served_total", {}});
  reg.add_observable({"installed_cn", "H100e", "installed base on the Chinese stack", {"country"}, Reduce::sum, "",
                      "", per_country([this](std::size_t c) { return installed_[kStackCn][c]; })});
  reg.add_observable({"installed_total", "H100e", "installed base, both stacks", {"country"}, Reduce::sum, "", "",
                      per_country([this](std::size_t c) { return installed_[kStackUs][c] + installed_[kStackCn][c]; })});
  reg.add_observable({"cn_share_installed", "1", "Chinese share of the installed base", {"country"}, Reduce::ratio,
                      "installed_cn", "installed_total", {}});
  reg.add_observable({"cap_used", "H100e", "cumulative draws on the country cap ledger", {"country"}, Reduce::sum,
                      "", "", per_country([this](std::size_t c) { return policy_->ledger_used(c); })});
  reg.add_observable({"cap_remaining", "H100e", "cap released but not used (0 where no cap applies)", {"country"},
                      Reduce::sum, "", "", per_country([this](std::size_t c) {
                        return policy_->caps_active() && policy_->tier(c) == 2 ? policy_->ledger_available(c, now_) : 0.0;
                      })});
  reg.add_observable({"buyers", "buyers", "number of buyer agents", {"country"}, Reduce::sum, "", "",
                      per_country([this](std::size_t c) { return static_cast<double>(index_.count(c)); })});
  reg.add_observable({"us_availability_sum", "buyers", "sum over buyers of expected US availability", {"country"},
                      Reduce::sum, "", "", per_country([this](std::size_t c) { return a_us_sum_[c]; })});
  reg.add_observable({"us_availability_expectation", "1", "mean expected availability of US compute over buyers",
                      {"country"}, Reduce::ratio, "us_availability_sum", "buyers", {}});
  reg.add_observable({"stance", "1", "stance toward the Chinese stack: 0 open, 1 restrict, 2 exclude", {"country"},
                      Reduce::mean, "", "", per_country([this](std::size_t c) { return static_cast<double>(stance_[c]); })});
  reg.add_observable({"gatekeeper_capacity", "H100e", "capacity placed (online and under construction)",
                      {"gatekeeper", "country"}, Reduce::sum, "", "", [this](std::span<double> out) {
                        for (std::size_t k = 0; k < placed_.size(); ++k) {
                          for (std::size_t c = 0; c < n_countries_; ++c) out[k * n_countries_ + c] = placed_[k][c];
                        }
                      }});
  reg.add_observable({"cloud_free", "H100e", "US cloud capacity online and not rented", {"country"}, Reduce::sum, "",
                      "", per_country([this](std::size_t c) { return cloud_free_[c]; })});
  reg.add_observable({"vendor_output", "H100e/month", "US vendor output", {"vendor"}, Reduce::sum, "", "",
                      [this](std::span<double> out) { std::copy(vendor_output_.begin(), vendor_output_.end(), out.begin()); }});
  reg.add_observable({"vendor_price", "USD/H100e", "price per H100e including the scarcity markup", {"vendor"},
                      Reduce::mean, "", "", [this](std::span<double> out) { std::fill(out.begin(), out.end(), price_); }});
  reg.add_observable({"vendor_revenue", "USD/month", "vendor revenue by destination tier (active tiers)",
                      {"vendor", "tier"}, Reduce::sum, "", "", [this](std::span<double> out) {
                        for (std::size_t v = 0; v < vendor_revenue_.size(); ++v) {
                          for (std::size_t t = 0; t < 3; ++t) out[v * 3 + t] = vendor_revenue_[v][t];
                        }
                      }});
  reg.add_observable({"cn_quality", "1", "effective quality of Chinese compute relative to US", {}, Reduce::sum, "",
                      "", [this](std::span<double> out) { out[0] = q_cn_; }});
  reg.add_observable({"cn_export_capacity", "H100e/month", "Chinese chips available for export", {}, Reduce::sum, "",
                      "", [this](std::span<double> out) { out[0] = cn_export_pool_; }});
  reg.add_observable({"rule_in_force", "1", "1 while the AI Diffusion rule is in force", {}, Reduce::sum, "", "",
                      [this](std::span<double> out) { out[0] = policy_->rule_in_force() ? 1.0 : 0.0; }});

  // Per-run summaries (MODEL s.8). Tier 2 = the January 2025 Tier 2, the same set of
  // countries in every scenario so that paired differences compare like with like.
  auto year_index = [this](int year) -> int {
    const int y = year - calendar_.start().year;
    return (y >= 0 && static_cast<std::size_t>(y) < served_by_year_.size() && calendar_.end().year >= year &&
            (year < calendar_.end().year || calendar_.end().month == 12))
               ? y
               : -1;
  };
  // Chinese share of Tier 2 compute in a year, from per-year, per-country stack amounts
  // (flows served during the year, or the installed base at its end).
  using ByYear = std::vector<std::vector<std::array<double, kNumStacks>>>;
  auto t2_share = [this, year_index](const ByYear& data, int year) {
    const int y = year_index(year);
    if (y < 0) return kNaN;
    double cn = 0, all = 0;
    for (std::size_t c = 0; c < n_countries_; ++c) {
      if (table_.rows[c].tier_2025 != 2) continue;
      const auto& s = data[static_cast<std::size_t>(y)][c];
      cn += s[kStackCn];
      all += s[kStackUs] + s[kStackCn];
    }
    return all > 0 ? cn / all : kNaN;
  };
  auto t2_share_new = [this, t2_share](int year) { return t2_share(served_by_year_, year); };
  auto t2_share_installed = [this, t2_share](int year) { return t2_share(installed_at_dec_, year); };
  auto tipped = [this, year_index](int year) {
    const int y = year_index(year);
    if (y < 0) return kNaN;
    double n = 0;
    for (std::size_t c = 0; c < n_countries_; ++c) {
      if (table_.rows[c].tier_2025 != 2) continue;
      const auto& s = served_by_year_[static_cast<std::size_t>(y)][c];
      if (s[kStackCn] > 0.5 * (s[kStackUs] + s[kStackCn])) n += 1;
    }
    return n;
  };
  for (int year : {2025, 2026, 2027, 2030}) {
    const std::string ys = std::to_string(year);
    reg.add_summary({"cn_share_new_t2_" + ys, "1", "Chinese share of Tier 2 new compute in " + ys,
                     [=] { return t2_share_new(year); }});
    reg.add_summary({"cn_share_installed_t2_" + ys, "1", "Chinese share of Tier 2 installed compute, end of " + ys,
                     [=] { return t2_share_installed(year); }});
    reg.add_summary({"tipped_t2_" + ys, "countries", "Tier 2 countries where the Chinese stack took > 50% of new compute in " + ys,
                     [=] { return tipped(year); }});
  }
  reg.add_summary({"us_vendor_revenue_t2", "USD", "US vendor revenue from Tier 2 (chips and gatekeeper builds)",
                   [this] { return t2_us_revenue_; }});
  reg.add_summary({"unmet_t2", "H100e", "Tier 2 demand abandoned plus backlog at the end", [this] {
                     double s = 0;
                     for (std::size_t c = 0; c < n_countries_; ++c) {
                       if (table_.rows[c].tier_2025 == 2) s += abandoned_total_[c] + month_[c].backlog_out;
                     }
                     return s;
                   }});
  reg.add_summary({"cn_share_installed_world_2026", "1", "Chinese-stack share of world installed compute, end of 2026",
                   [this, year_index] {
                     const int y = year_index(2026);
                     if (y < 0) return kNaN;
                     double cn = 0, all = 0;
                     for (const auto& s : installed_at_dec_[static_cast<std::size_t>(y)]) {
                       cn += s[kStackCn];
                       all += s[kStackUs] + s[kStackCn];
                     }
                     return cn / all;
                   }});
  reg.add_summary({"cn_exports_t2_2025", "H100e", "Chinese chips served to Tier 2 in 2025", [this, year_index] {
                     const int y = year_index(2025);
                     if (y < 0) return kNaN;
                     double s = 0;
                     for (std::size_t c = 0; c < n_countries_; ++c) {
                       if (table_.rows[c].tier_2025 == 2) s += served_by_year_[static_cast<std::size_t>(y)][c][kStackCn];
                     }
                     return s;
                   }});

  auto& sch = reg.schedule();
  using engine::Phase;
  sch.add(Phase::policy, "events", [this](const engine::StepContext& s) { phase_policy(s); });
  sch.add(Phase::supply, "vendors and Chinese supply", [this](const engine::StepContext& s) { phase_supply(s); });
  sch.add(Phase::allocation, "gatekeepers", [this](const engine::StepContext& s) { phase_allocation(s); });
  sch.add(Phase::choice, "utilities", [this](const engine::StepContext& s) { phase_choice(s); });
  sch.add(Phase::clearing, "two-round clearing", [this](const engine::StepContext& s) { phase_clearing(s); });
  sch.add(Phase::learning, "expectations, quality, stance", [this](const engine::StepContext& s) { phase_learning(s); });
}

void DiffusionParams::check(const config::Node& where) const {
  vendors.check(where, "params.vendors");
  if (gatekeepers.firms.empty()) {
    throw InputError(where.origin().describe() + ": key 'params.gatekeepers.firms': at least one gatekeeper is needed");
  }
  if (china.output_units.empty()) {
    throw InputError(where.origin().describe() + ": key 'params.china.output_units': needs at least one year");
  }
  for (std::size_t i = 0; i < policy.events.size(); ++i) {
    parse_action(policy.events[i].action,
                 where.origin().describe() + ": key 'params.policy.events[" + std::to_string(i) + "].action'");
  }
}

engine::ModelType model_type() {
  return engine::make_model_type<DiffusionParams, DiffusionModel>(
      "diffusion", "AI-chip diffusion under US export controls: countries, buyers, vendors, gatekeepers, "
                   "Chinese suppliers, regulator");
}

}  // namespace tiersim::models::diffusion
