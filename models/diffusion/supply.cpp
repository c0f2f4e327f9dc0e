#include "models/diffusion/supply.hpp"

#include <cmath>

#include "models/diffusion/phases.hpp"

namespace tiersim::models::diffusion {

double growth_factor(double first, double last, int year) {
  if (year <= kBaseYear) return first;
  if (year >= kLastGrowthYear) return last;
  const double t = static_cast<double>(year - kBaseYear) / static_cast<double>(kLastGrowthYear - kBaseYear);
  return first + (last - first) * t;
}

double path_level(double level_base, double first, double last, int year) {
  double level = level_base;
  for (int y = kBaseYear; y < year; ++y) level *= growth_factor(first, last, y);
  for (int y = kBaseYear; y > year; --y) level /= growth_factor(first, last, y - 1);
  return level;
}

double us_base_price(const VendorParams& v, const time::YearMonth& ym) {
  const double years = static_cast<double>(ym.linear() - time::YearMonth{kBaseYear, 1}.linear()) / time::kMonthsPerYear;
  return v.price_2025 * std::pow(1.0 + v.price_change, years);
}

double huawei_units(const ChinaParams& c, int year) {
  if (c.output_units.empty()) return 0.0;
  const int k = year - kBaseYear;
  const auto n = static_cast<int>(c.output_units.size());
  double units = 0.0;
  if (k < 0) {
    units = c.output_units.front();
  } else if (k < n) {
    units = c.output_units[static_cast<std::size_t>(k)];
  } else {
    units = c.output_units.back() * std::pow(c.output_growth_after, k - n + 1);
  }
  return c.output_scale * units;
}

void supply_phase(State& s, const Env& env) {
  const auto& p = env.p;
  const int year = s.clock.now.year;
  s.demand.index = path_level(1.0, p.demand.growth_first, p.demand.growth_last, year);
  auto& v = s.vendors;
  for (std::size_t k = 0; k < v.output.size(); ++k) {
    v.output[k] = path_level(p.vendors.output_2025[k], p.vendors.growth_first, p.vendors.growth_last, year) /
                  time::kMonthsPerYear;
  }
  v.base_price = us_base_price(p.vendors, s.clock.now);
  v.price = v.base_price * (1.0 + p.vendors.kappa * v.excess_share);
  // Domestic demand is served first: only export_share of the output is exported, as
  // 910B-class units.
  const double units = huawei_units(p.china, year) / time::kMonthsPerYear;
  s.china.domestic_pool = (1.0 - p.china.export_share) * units * p.china.h100e_per_unit;
  s.china.export_pool = p.china.export_share * units * p.china.export_h100e_per_unit;
  double host = 0;
  for (std::size_t c = 0; c < s.world.countries; ++c) {
    if (s.world.cn_cloud_host[c]) {
      host += s.world.demand_share[c] * p.demand.world_2025 * s.demand.index / time::kMonthsPerYear;
    }
  }
  s.china.cloud_pool = p.china.cloud_share_of_host_demand * host;
}

}  // namespace tiersim::models::diffusion
