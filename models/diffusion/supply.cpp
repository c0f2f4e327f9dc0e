#include "models/diffusion/supply.hpp"

#include <cmath>

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

}  // namespace tiersim::models::diffusion
