#include "models/diffusion/supply.hpp"

#include <cmath>

#include "models/diffusion/china_supply.hpp"
#include "models/diffusion/phases.hpp"
#include "models/diffusion/us_supply.hpp"

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

double yearly_path(const std::vector<double>& levels, double growth_after, int year) {
  if (levels.empty()) return 0.0;
  const int k = year - kBaseYear;
  const auto n = static_cast<int>(levels.size());
  if (k < 0) return levels.front();
  if (k < n) return levels[static_cast<std::size_t>(k)];
  return levels.back() * std::pow(growth_after, k - n + 1);
}

double huawei_units(const ChinaParams& c, int year) {
  return c.output_scale * yearly_path(c.output_units, c.output_growth_after, year);
}

void supply_phase(State& s, const Env& env) {
  const auto& p = env.p;
  const int year = s.clock.now.year;
  s.demand.index = path_level(1.0, p.demand.growth_first, p.demand.growth_last, year);
  vendor_supply(s, env);
  china_supply(s, env);
}

}  // namespace tiersim::models::diffusion
