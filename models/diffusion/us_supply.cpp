// The US side's decisions (docs/ODD.md s.7.8).
#include "models/diffusion/us_supply.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "models/diffusion/gatekeepers.hpp"
#include "models/diffusion/supply.hpp"

namespace tiersim::models::diffusion {
namespace {

constexpr double kMonths = time::kMonthsPerYear;

/// Move a pipeline one month on; returns what arrives now.
double advance(std::vector<double>& pipeline) {
  if (pipeline.empty()) return 0.0;
  const double now = pipeline.front();
  std::rotate(pipeline.begin(), pipeline.begin() + 1, pipeline.end());
  pipeline.back() = 0.0;
  return now;
}

/// World demand in the year of `later` relative to the year of `now` (the public forecast
/// every firm plans with: the demand path of docs/ODD.md s.7.2).
double demand_ratio(const DemandParams& d, const time::YearMonth& now, const time::YearMonth& later) {
  return path_level(1.0, d.growth_first, d.growth_last, later.year) /
         path_level(1.0, d.growth_first, d.growth_last, now.year);
}

/// The month's capacity decision of every vendor: the target is its share of expected
/// orders when the capacity would arrive, with a reserve, scaled by the scarcity margin,
/// within that year's ceiling; it orders what it does not already hold or have coming.
void invest_vendors(State& s, const Env& env) {
  const auto& c = env.p.vendors.capacity;
  auto& v = s.vendors;
  const time::YearMonth arrival = s.clock.now.plus_months(c.build_lag_months);
  const double total = std::accumulate(v.capacity.begin(), v.capacity.end(), 0.0);
  const double margin = std::pow(v.price / v.base_price, c.margin_elasticity);
  const double expected = v.expected_orders * kMonths * demand_ratio(env.p.demand, s.clock.now, arrival);
  for (std::size_t k = 0; k < v.capacity.size(); ++k) {
    const double share = total > 0 ? v.capacity[k] / total : 1.0 / static_cast<double>(v.capacity.size());
    const double target = std::min(vendor_ceiling(c, k, arrival.year), share * expected * (1.0 + c.reserve) * margin);
    const double held = v.capacity[k] + std::accumulate(v.pipeline[k].begin(), v.pipeline[k].end(), 0.0);
    v.investment[k] = std::max(0.0, target - held);
    v.pipeline[k].back() += v.investment[k];
  }
}

/// Water-filling, one step: the fill per unit weight that ships `left` to the open markets.
double fill_rate(const std::array<bool, kNumMarkets>& open, const MarketArray& orders, const MarketArray& weight,
                 double left) {
  double weighted = 0;
  for (std::size_t m = 0; m < kNumMarkets; ++m) weighted += open[m] ? weight[m] * orders[m] : 0.0;
  return weighted > 0 ? std::max(0.0, left) / weighted : 0.0;
}

/// Water-filling, the other step: close the open markets that `lambda` fills in full and
/// take their orders off `left`; whether any was closed.
bool close_saturated(std::array<bool, kNumMarkets>& open, const MarketArray& orders, const MarketArray& weight,
                     double lambda, double& left) {
  bool closed = false;
  for (std::size_t m = 0; m < kNumMarkets; ++m) {
    if (open[m] && lambda * weight[m] >= 1.0) {
      open[m] = false;
      left -= orders[m];
      closed = true;
    }
  }
  return closed;
}

}  // namespace

double vendor_ceiling(const VendorCapacityParams& c, std::size_t vendor, int year) {
  const double wpm = c.cowos_scale * yearly_path(c.cowos_wpm, c.cowos_growth_after, year);
  const double per_wafer = c.h100e_per_wafer * std::pow(c.h100e_per_wafer_growth, year - kBaseYear);
  return wpm * kMonths * c.cowos_share[vendor] * per_wafer;
}

double vendor_reference_output(const VendorParams& v, std::size_t vendor, int year) {
  return path_level(v.output_2025[vendor], v.growth_first, v.growth_last, year);
}

void init_vendors(State& s, const DiffusionParams& p) {
  const std::size_t n = p.vendors.names.size();
  auto& v = s.vendors;
  v.output.assign(n, 0.0);
  v.revenue.assign(n, {0.0, 0.0, 0.0});
  v.revenue_by_country.assign(s.world.countries, 0.0);
  v.capacity = p.vendors.output_2025;
  v.limit.assign(n, 0.0);
  v.investment.assign(n, 0.0);
  v.pipeline.assign(n, std::vector<double>(static_cast<std::size_t>(p.vendors.capacity.build_lag_months), 0.0));
  v.expected_orders = std::accumulate(p.vendors.output_2025.begin(), p.vendors.output_2025.end(), 0.0) / kMonths;
}

void vendor_supply(State& s, const Env& env) {
  const auto& p = env.p;
  auto& v = s.vendors;
  const int year = s.clock.now.year;
  const bool frozen = p.vendors.capacity.behaviour == Behaviour::frozen;
  for (std::size_t k = 0; k < v.output.size(); ++k) {
    v.limit[k] = vendor_ceiling(p.vendors.capacity, k, year);
    if (frozen) {
      v.capacity[k] = vendor_reference_output(p.vendors, k, year);
      v.output[k] = v.capacity[k] / kMonths;
    } else {
      v.capacity[k] += advance(v.pipeline[k]);
      v.output[k] = std::min(v.capacity[k], v.limit[k]) / kMonths;
    }
  }
  v.base_price = us_base_price(p.vendors, s.clock.now);
  v.price = v.base_price * (1.0 + p.vendors.kappa * v.excess_share);
  if (p.vendors.allocation.behaviour == Behaviour::frozen) {
    v.market_price.fill(v.price);
  } else {
    // Each market's markup from its own scarcity; the vendors' mean price weights the
    // markets by last month's orders (the world markup while there were none).
    double orders = 0, paid = 0;
    for (std::size_t m = 0; m < kNumMarkets; ++m) {
      v.market_price[m] = v.base_price * (1.0 + p.vendors.kappa * v.market_excess[m]);
      orders += v.market_orders_last[m];
      paid += v.market_orders_last[m] * v.market_price[m];
    }
    if (orders > 0) v.price = paid / orders;
  }
  if (!frozen) invest_vendors(s, env);
}

MarketArray allocate_output(double output, const MarketArray& orders, const MarketArray& weight) {
  MarketArray fill;
  fill.fill(1.0);
  if (std::accumulate(orders.begin(), orders.end(), 0.0) <= output) return fill;
  // Water-filling: markets whose weighted share would exceed their orders are filled in
  // full and leave the loop; the rest share what is left in proportion to weight x orders.
  std::array<bool, kNumMarkets> open{};
  for (std::size_t m = 0; m < kNumMarkets; ++m) open[m] = orders[m] > 0;
  double left = output;
  double lambda = 0;
  do {
    lambda = fill_rate(open, orders, weight, left);
  } while (close_saturated(open, orders, weight, lambda, left));
  for (std::size_t m = 0; m < kNumMarkets; ++m) {
    if (open[m]) fill[m] = lambda * weight[m];
  }
  return fill;
}

MarketArray allocation_weights(const Vendors& v, const VendorAllocationParams& a) {
  MarketArray w{};
  for (std::size_t m = 0; m < kNumMarkets; ++m) {
    const double markup = v.base_price > 0 ? v.market_price[m] / v.base_price : 1.0;
    w[m] = a.priority(m) * std::pow(markup, a.margin_elasticity);
  }
  return w;
}

void learn_market_scarcity(State& s) {
  const auto& g = s.month.global;
  auto& v = s.vendors;
  for (std::size_t m = 0; m < kNumMarkets; ++m) {
    const double o = g.market_orders[m];
    v.market_excess[m] = o > 0 ? std::max(0.0, o - g.market_shipped[m]) / o : 0.0;
  }
  v.market_orders_last = g.market_orders;
}

void learn_vendor_orders(State& s, const Env& env) {
  const double m = env.p.vendors.capacity.order_memory;
  s.vendors.expected_orders = (1.0 - m) * s.vendors.expected_orders + m * s.month.global.vendor_orders;
}

void decide_gatekeeper_capex(State& s, const Env& env) {
  const auto& p = env.p;
  auto& gk = s.gatekeepers;
  const auto lag = static_cast<int>(gk.pipeline.size()) - 1;
  // Expected requests j months on, H100e/month.
  auto expected = [&](int j) {
    return gk.expected_requests * demand_ratio(p.demand, s.clock.now, s.clock.now.plus_months(j));
  };
  double free_now = std::accumulate(gk.cloud_free.begin(), gk.cloud_free.end(), 0.0);
  double coming = 0;
  for (const auto& slot : gk.pipeline) coming += std::accumulate(slot.begin(), slot.end(), 0.0);
  double rented_before = 0;
  for (int j = 0; j < lag; ++j) rented_before += expected(j);
  // Free capacity when this quarter's orders arrive, and what the quarter then needs.
  const double projected = std::max(0.0, free_now + coming - rented_before);
  double need = p.gatekeepers.capex.buffer_months * expected(lag + 2);
  for (int j = lag; j < lag + 3; ++j) need += expected(j);
  const double order = std::max(0.0, need - projected);
  double capex_total = 0;
  for (const auto& f : p.gatekeepers.firms) capex_total += f.capex_2025;
  for (std::size_t k = 0; k < gk.plan.size(); ++k) {
    const auto& firm = p.gatekeepers.firms[k];
    double reference = 0;
    for (int m = 0; m < 3; ++m) reference += gatekeeper_orders(p, *s.policy, firm, s.clock.now.plus_months(m));
    const double share = capex_total > 0 ? firm.capex_2025 / capex_total : 0.0;
    gk.plan[k] = std::min(share * order, p.gatekeepers.capex.max_capex_multiple * reference) / 3.0;
  }
}

double gatekeeper_month_orders(const State& s, const Env& env, std::size_t k, const time::YearMonth& ym) {
  const auto& c = env.p.gatekeepers.capex;
  const auto months_in = ym.linear() - env.calendar.start().linear();
  if (c.behaviour == Behaviour::frozen || months_in < c.committed_months) {
    return gatekeeper_orders(env.p, *s.policy, env.p.gatekeepers.firms[k], ym);
  }
  return s.gatekeepers.plan[k];
}

void learn_cloud_requests(State& s, const Env& env) {
  double requests = 0;
  for (const auto& m : s.month.country) requests += m.demand[kUsCloud] + m.demand2[kUsCloud];
  // Tier 3 firms renting Tier 2 capacity (leakage) are customers too.
  for (const auto& out : s.leakage.out) requests += out[kLeakCloud];
  const double w = env.p.gatekeepers.capex.request_memory;
  s.gatekeepers.expected_requests = (1.0 - w) * s.gatekeepers.expected_requests + w * requests;
}

}  // namespace tiersim::models::diffusion
