#pragma once
// Time paths of demand and supply: yearly levels with growth factors that decline
// linearly from the first (2025->2026) to the last (2029->2030) and stay there.
#include "models/diffusion/params.hpp"
#include "sim/time/calendar.hpp"

namespace tiersim::models::diffusion {

/// First year of the growth paths: the levels in the parameters are for this year.
inline constexpr int kBaseYear = 2025;
/// Year of the last listed growth factor (2029 -> 2030).
inline constexpr int kLastGrowthYear = 2029;

/// Growth factor from `year` to `year + 1`.
double growth_factor(double first, double last, int year);
/// Level in `year` of a quantity that is `level_base` in kBaseYear.
double path_level(double level_base, double first, double last, int year);

/// US price per H100e before the scarcity markup, falling smoothly month by month.
double us_base_price(const VendorParams& v, const time::YearMonth& ym);

/// A dated yearly path: the listed levels from kBaseYear on, then growing by `growth_after`
/// a year (before kBaseYear: the first level).
double yearly_path(const std::vector<double>& levels, double growth_after, int year);

/// The reference path of Chinese AI-chip output in `year` (frozen capacity), units/year.
double huawei_units(const ChinaParams& c, int year);

}  // namespace tiersim::models::diffusion
