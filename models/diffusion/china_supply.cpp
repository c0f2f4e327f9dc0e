// The Chinese suppliers as agents (docs/ODD.md s.7.5).
#include "models/diffusion/china_supply.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "models/diffusion/supply.hpp"

namespace tiersim::models::diffusion {
namespace {

constexpr double kMonths = time::kMonthsPerYear;

/// Move every pipeline one month on; returns what arrives now.
double rotate(std::vector<double>& pipeline) {
  if (pipeline.empty()) return 0.0;
  const double now = pipeline.front();
  std::rotate(pipeline.begin(), pipeline.begin() + 1, pipeline.end());
  pipeline.back() = 0.0;
  return now;
}

/// Sum of the frozen reference capacities (the firms' 2025 capacities).
double capacity_2025_total(const ChinaChipParams& c) {
  double t = 0;
  for (const auto& f : c.firms) t += f.capacity_2025;
  return t;
}

/// The firms' unit cost per H100e this month: the 2025 price (`price_ratio` x the US
/// price per effective H100e) less the margin, falling as the US base price does.
double unit_cost(const State& s, const DiffusionParams& p) {
  return p.china.price_ratio * p.china.quality_0 * s.vendors.base_price / (1.0 + p.china.chips.margin);
}

void set_prices(State& s, const DiffusionParams& p) {
  auto& ch = s.china;
  const auto& c = p.china.chips;
  ch.unit_cost = unit_cost(s, p);
  if (p.china.behaviour.price == Behaviour::frozen) {
    ch.receipt = ch.price = ch.export_price = ch.unit_cost * (1.0 + c.margin);
    return;
  }
  ch.receipt = ch.unit_cost * (1.0 + c.margin) * (1.0 + c.scarcity_markup * ch.scarcity);
  ch.price = ch.receipt * (1.0 - c.price_subsidy);
  ch.export_price = ch.price * (1.0 - c.export_discount);
}

/// The quarter's investment decision of every firm (adaptive capacity).
void invest(State& s, const Env& env) {
  const auto& p = env.p;
  const auto& c = p.china.chips;
  auto& ch = s.china;
  const double held_total = std::accumulate(ch.firms.begin(), ch.firms.end(), 0.0,
                                            [](double a, const ChinaFirm& f) { return a + f.capacity; });
  // Expected requests for Chinese chips, units/year, at home and abroad.
  const double expected =
      kMonths * (ch.expected_domestic / p.china.h100e_per_unit + ch.expected_foreign / p.china.export_h100e_per_unit);
  // Margin a unit of yearly capacity earns over the horizon, against what it costs the
  // firm (the state finances `state_support` of it); both fall with the unit cost.
  const double margin_per_unit = (ch.receipt - ch.unit_cost) * p.china.h100e_per_unit;
  const double cost_index =
      ch.unit_cost / (p.china.price_ratio * p.china.quality_0 * p.vendors.price_2025 / (1.0 + c.margin));
  const double capex = c.capex_per_unit * cost_index * (1.0 - c.state_support);
  const int arrival_year = s.clock.now.plus_months(c.build_lag_months).year;
  for (std::size_t k = 0; k < ch.firms.size(); ++k) {
    auto& f = ch.firms[k];
    const double share = held_total > 0 ? f.capacity / held_total : 1.0 / static_cast<double>(ch.firms.size());
    const double held = f.capacity + std::accumulate(f.pipeline.begin(), f.pipeline.end(), 0.0);
    const double mine = share * expected;
    const double used = held > 0 ? std::min(1.0, mine / held) : 1.0;
    f.q = used * c.horizon_years * margin_per_unit / capex;
    const double target = std::min((1.0 + c.demand_reserve) * mine, firm_input_limit(c, c.firms[k], arrival_year));
    f.investment = investment(c, held, f.q, target);
    f.pipeline.back() += f.investment;
  }
}

/// Output of every firm this month, units/month, and its capacity.
void produce(State& s, const Env& env) {
  const auto& p = env.p;
  const auto& c = p.china.chips;
  auto& ch = s.china;
  const int year = s.clock.now.year;
  const bool frozen = p.china.behaviour.capacity == Behaviour::frozen;
  const double ref_total = capacity_2025_total(c);
  for (std::size_t k = 0; k < ch.firms.size(); ++k) {
    auto& f = ch.firms[k];
    f.limit = firm_input_limit(c, c.firms[k], year);
    if (frozen) {
      // The reference path, split by the firms' 2025 capacities; no input limit.
      f.capacity = ref_total > 0 ? huawei_units(p.china, year) * c.firms[k].capacity_2025 / ref_total : 0.0;
      f.output = f.capacity / kMonths;
    } else {
      f.capacity += rotate(f.pipeline);
      f.output = std::min(f.capacity, f.limit) / kMonths;
    }
  }
}

/// Each firm's export allocation, units/month, and the month's pools, H100e.
void allocate_exports(State& s, const Env& env) {
  const auto& p = env.p;
  const auto& c = p.china.chips;
  auto& ch = s.china;
  const double total_output =
      std::accumulate(ch.firms.begin(), ch.firms.end(), 0.0, [](double a, const ChinaFirm& f) { return a + f.output; });
  const double domestic_units = ch.expected_domestic / p.china.h100e_per_unit;
  const double foreign_units = ch.expected_foreign / p.china.export_h100e_per_unit;
  // Value of a unit exported (as 910B-class, net of US pressure) over its value at home at
  // the domestic shadow price.
  const double pressure = s.policy->guidance() ? c.us_pressure : 0.0;
  const double foreign_value =
      ch.receipt * (1.0 - c.export_discount) * (1.0 - pressure) * p.china.export_h100e_per_unit;
  const double home_value = ch.receipt * (1.0 + c.scarcity_markup * ch.domestic_scarcity) * p.china.h100e_per_unit;
  const double ratio = home_value > 0 ? foreign_value / home_value : 0.0;
  ch.export_pool = ch.domestic_pool = 0.0;
  for (std::size_t k = 0; k < ch.firms.size(); ++k) {
    auto& f = ch.firms[k];
    if (p.china.behaviour.exports == Behaviour::frozen) {
      f.exports = p.china.export_share * f.output;
    } else {
      const double share = total_output > 0 ? f.output / total_output : 0.0;
      const double omega = c.firms[k].exporter ? c.export_weight : 0.0;
      const double w = omega / (1.0 - omega) * std::pow(ratio, c.export_elasticity);
      f.exports = export_allocation(f.output, share * foreign_units, share * domestic_units, w);
    }
    ch.export_pool += f.exports * p.china.export_h100e_per_unit;
    ch.domestic_pool += (f.output - f.exports) * p.china.h100e_per_unit;
  }
}

/// Host demand of the Chinese clouds' regions abroad this month, H100e (frozen clouds).
double host_demand(const State& s, const DiffusionParams& p, double index) {
  double host = 0;
  for (std::size_t c = 0; c < s.world.countries; ++c) {
    if (s.world.cn_cloud_host[c]) host += s.world.demand_share[c] * p.demand.world_2025 * index / kMonths;
  }
  return host;
}

/// The clouds' capacity abroad: arrivals join the free stock; each cloud orders hardware
/// to hold expected requests over its build lag (plus reserve), within its budget.
void cloud_supply(State& s, const Env& env) {
  const auto& p = env.p;
  const auto& cp = p.china.clouds;
  auto& ch = s.china;
  if (p.china.behaviour.clouds == Behaviour::frozen) {
    ch.cloud_pool = p.china.cloud_share_of_host_demand * host_demand(s, p, s.demand.index);
    ch.cloud_orders = 0.0;
    return;
  }
  const std::size_t n = s.world.countries;
  double pipeline_total = 0;
  for (auto& cl : ch.clouds) {
    for (std::size_t c = 0; c < n; ++c) ch.cloud_pool += cl.pipeline.front()[c];
    std::rotate(cl.pipeline.begin(), cl.pipeline.begin() + 1, cl.pipeline.end());
    std::fill(cl.pipeline.back().begin(), cl.pipeline.back().end(), 0.0);
    for (const auto& slot : cl.pipeline) pipeline_total += std::accumulate(slot.begin(), slot.end(), 0.0);
    if (s.clock.now.month == 1) {
      const std::size_t k = static_cast<std::size_t>(&cl - ch.clouds.data());
      cl.budget = cp.firms[k].capex_abroad_2025 * std::pow(cp.capex_growth, s.clock.now.year - kBaseYear);
    }
  }
  const double expected = std::accumulate(ch.expected_cloud.begin(), ch.expected_cloud.end(), 0.0);
  const double want =
      std::max(0.0, (1.0 + cp.demand_reserve) * expected * (cp.build_lag_months + 1) - ch.cloud_pool - pipeline_total);
  const double cost = ch.export_price * (1.0 + p.vendors.facility_overhead);
  const double budgets = std::accumulate(ch.clouds.begin(), ch.clouds.end(), 0.0,
                                         [](double a, const ChinaCloud& cl) { return a + cl.budget; });
  ch.cloud_orders = 0.0;
  for (auto& cl : ch.clouds) {
    const double mine = budgets > 0 ? want * cl.budget / budgets : 0.0;
    cl.orders = cost > 0 ? std::min(mine, cl.budget / cost) : 0.0;
    ch.cloud_orders += cl.orders;
  }
}

}  // namespace

double firm_input_limit(const ChinaChipParams& c, const ChinaChipFirm& f, int year) {
  const auto& hbm = c.hbm_controls_binding ? c.hbm_units_binding : c.hbm_units_relaxed;
  const double limit =
      std::min(yearly_path(c.logic_units, c.input_growth_after, year), yearly_path(hbm, c.input_growth_after, year));
  return f.input_share * c.limit_scale * limit;
}

double export_allocation(double y, double f, double d, double w) {
  if (y <= 0 || f <= 0) return 0.0;
  const double weighted = f * w;
  const double proportional = weighted + d > 0 ? y * weighted / (weighted + d) : 0.0;
  return std::min({y, f, std::max(proportional, y - d)});
}

double investment(const ChinaChipParams& c, double held, double q, double target) {
  const double rate = std::clamp((q - 1.0) / c.adjustment_cost, 0.0, c.max_quarterly_growth);
  return std::min(rate * held, std::max(0.0, target - held));
}

void init_china(State& s, const DiffusionParams& p) {
  auto& ch = s.china;
  const auto& c = p.china.chips;
  const std::size_t n = s.world.countries;
  ch.quality = p.china.quality_0;
  ch.cumulative = p.initial.cn_cumulative;
  ch.firms.assign(c.firms.size(), ChinaFirm{});
  for (std::size_t k = 0; k < ch.firms.size(); ++k) {
    ch.firms[k].capacity = c.firms[k].capacity_2025 * p.china.output_scale;
    ch.firms[k].pipeline.assign(static_cast<std::size_t>(c.build_lag_months) + 1, 0.0);
  }
  const auto& cp = p.china.clouds;
  ch.clouds.assign(cp.firms.size(), ChinaCloud{});
  for (auto& cl : ch.clouds) {
    cl.placed.assign(n, 0.0);
    cl.order_share.assign(n, 0.0);
    cl.pipeline.assign(static_cast<std::size_t>(cp.build_lag_months) + 1, std::vector<double>(n, 0.0));
  }
  // Expectations at the start: China asks for all its demand on the Chinese stack's
  // share; abroad, the reference export pool.
  double china_share = 0;
  for (std::size_t i = 0; i < n; ++i) china_share += s.world.china[i] ? s.world.demand_share[i] : 0.0;
  ch.expected_domestic = china_share * p.demand.world_2025 / kMonths;
  const double ref_units = huawei_units(p.china, kBaseYear) / kMonths;
  ch.expected_foreign = p.china.export_share * ref_units * p.china.export_h100e_per_unit;
  // The clouds' regions abroad hold, at the start, the reference capacity (a share of host
  // demand) for as many months as they take to build, expected to be rented at that rate.
  ch.expected_cloud.assign(n, 0.0);
  if (p.china.behaviour.clouds == Behaviour::adaptive) {
    const double host = host_demand(s, p, 1.0);
    for (std::size_t i = 0; i < n; ++i) {
      if (!s.world.cn_cloud_host[i] || host <= 0) continue;
      const double monthly =
          p.china.cloud_share_of_host_demand * s.world.demand_share[i] * p.demand.world_2025 / kMonths;
      ch.expected_cloud[i] = monthly;
      const double start = monthly * (cp.build_lag_months + 1);
      ch.cloud_pool += start;
      for (auto& cl : ch.clouds) cl.placed[i] += start / static_cast<double>(ch.clouds.size());
    }
  }
}

void china_supply(State& s, const Env& env) {
  const auto& p = env.p;
  set_prices(s, p);
  if (p.china.behaviour.capacity == Behaviour::adaptive && s.clock.now.month % 3 == 1) invest(s, env);
  produce(s, env);
  allocate_exports(s, env);
  cloud_supply(s, env);
}

void china_settlement(State& s, const Env& env) {
  const auto& p = env.p;
  auto& ch = s.china;
  const auto& g = s.month.global;
  if (p.china.behaviour.clouds == Behaviour::frozen) return;
  // Rented capacity leaves the free stock; what remains is open next month.
  ch.cloud_pool = std::max(0.0, ch.cloud_pool - g.cn_cloud_used);
  // Shipped hardware goes where requests are expected: host countries by their own
  // requests, and requests from countries without a region to the hosts by host demand.
  const std::size_t n = s.world.countries;
  std::vector<double> where(n, 0.0);
  double remote = 0, host_weight = 0;
  for (std::size_t c = 0; c < n; ++c) {
    if (s.world.cn_cloud_host[c]) {
      where[c] = ch.expected_cloud[c];
      host_weight += s.world.demand_share[c];
    } else {
      remote += ch.expected_cloud[c];
    }
  }
  for (std::size_t c = 0; c < n; ++c) {
    if (s.world.cn_cloud_host[c] && host_weight > 0) where[c] += remote * s.world.demand_share[c] / host_weight;
  }
  const double total = std::accumulate(where.begin(), where.end(), 0.0);
  const double shipped_share = ch.cloud_orders > 0 ? ch.cloud_shipped / ch.cloud_orders : 0.0;
  // Only what was shipped is paid for.
  const double cost = ch.export_price * (1.0 + p.vendors.facility_overhead);
  for (auto& cl : ch.clouds) {
    const double shipped = cl.orders * shipped_share;
    cl.budget = std::max(0.0, cl.budget - shipped * cost);
    for (std::size_t c = 0; c < n; ++c) {
      const double x = total > 0 ? shipped * where[c] / total : 0.0;
      cl.pipeline.back()[c] += x;
      cl.placed[c] += x;
    }
  }
}

void learn_chinese_demand(State& s, const Env& env) {
  const auto& p = env.p;
  auto& ch = s.china;
  const double mu = p.china.chips.demand_memory;
  double domestic = 0, foreign = ch.cloud_orders;
  for (std::size_t c = 0; c < s.world.countries; ++c) {
    const auto& m = s.month.country[c];
    const double chip = m.demand[kCnChip] + m.demand2[kCnChip];
    const double cloud = m.demand[kCnCloud] + m.demand2[kCnCloud];
    if (s.world.china[c]) {
      domestic += chip + cloud;
    } else {
      foreign += chip;
      ch.expected_cloud[c] = (1.0 - mu) * ch.expected_cloud[c] + mu * cloud;
    }
  }
  ch.expected_domestic = (1.0 - mu) * ch.expected_domestic + mu * domestic;
  ch.expected_foreign = (1.0 - mu) * ch.expected_foreign + mu * foreign;
  const double pools = ch.domestic_pool + ch.export_pool;
  const double asked = domestic + foreign;
  ch.scarcity = asked > 0 ? std::max(0.0, asked - pools) / asked : 0.0;
  ch.domestic_scarcity = domestic > 0 ? std::max(0.0, domestic - ch.domestic_pool) / domestic : 0.0;
}

}  // namespace tiersim::models::diffusion
