#pragma once
// What the diffusion model reports (docs/ODD.md "Outputs"): dimensions, groupings and
// observables read from the state each month, and the per-run summaries, fed by a tally of
// the few quantities that exist only for them.
#include <array>
#include <vector>

#include "models/diffusion/state.hpp"
#include "sim/engine/registry.hpp"

namespace tiersim::models::diffusion {

/// Accumulators for the per-run summaries, updated once a month in the record phase
/// (before the engine's recorders).
/// Where Tier 2 demand went: US chips bought (controlled chips, or compliant chips outside
/// the cap), US cloud rented in the country or abroad, the Chinese stack (chips or cloud),
/// or nowhere (abandoned).
enum T2Route : std::size_t {
  kT2UsDirect,
  kT2UsCompliant,
  kT2UsCloudLocal,
  kT2UsCloudRemote,
  kT2Cn,
  kT2Unmet,
  kNumT2Routes
};
inline constexpr std::array<const char*, kNumT2Routes> kT2RouteNames{
    "us_direct", "us_compliant", "us_cloud_local", "us_cloud_remote", "cn", "unmet"};

class RunTally {
 public:
  RunTally(std::size_t countries, const time::Calendar& calendar);
  void record(const State& s);

  /// Index of `year` in the tallies, or -1 if the run does not cover all of it.
  int year_index(int year) const;
  /// Per year, per country: compute served by stack during the year, H100e.
  const std::vector<std::vector<std::array<double, kNumStacks>>>& served_by_year() const { return served_by_year_; }
  /// Per year, per country: installed base by stack at its end (NaN until December).
  const std::vector<std::vector<std::array<double, kNumStacks>>>& installed_at_dec() const { return installed_at_dec_; }
  double abandoned_total(std::size_t c) const { return abandoned_total_[c]; }
  double t2_us_revenue() const { return t2_us_revenue_; }
  /// Per year: CN_chip served to (January 2025) Tier 2, H100e; output of the first Chinese
  /// firm (Huawei), units; Chinese cloud capacity placed abroad at the year's end, H100e.
  const std::vector<double>& t2_cn_chip_by_year() const { return t2_cn_chip_by_year_; }
  const std::vector<double>& first_firm_output_by_year() const { return first_firm_output_by_year_; }
  const std::vector<double>& cloud_abroad_at_dec() const { return cloud_abroad_at_dec_; }
  /// Per year: US vendor revenue from every destination, USD.
  const std::vector<double>& us_revenue_by_year() const { return us_revenue_by_year_; }
  /// Per year: where (January 2025) Tier 2 demand went, H100e, by T2Route; kT2Unmet counts
  /// the demand abandoned during the year.
  const std::vector<std::array<double, kNumT2Routes>>& t2_routes_by_year() const { return t2_routes_by_year_; }
  /// Per year: Tier 2 backlog at its end, H100e (NaN until December).
  const std::vector<double>& t2_backlog_at_dec() const { return t2_backlog_at_dec_; }
  /// Per year: US compute that reached China (CHN, HKG, MAC) through Tier 2 since the
  /// start of the run, at the year's end, by leakage channel, H100e (NaN until December).
  const std::vector<LeakArray>& china_leak_at_dec() const { return china_leak_at_dec_; }

 private:
  const time::Calendar& calendar_;
  std::vector<std::vector<std::array<double, kNumStacks>>> served_by_year_;
  std::vector<std::vector<std::array<double, kNumStacks>>> installed_at_dec_;
  std::vector<double> abandoned_total_;
  double t2_us_revenue_ = 0.0;
  std::vector<double> t2_cn_chip_by_year_, first_firm_output_by_year_, cloud_abroad_at_dec_;
  std::vector<double> us_revenue_by_year_, t2_backlog_at_dec_;
  std::vector<std::array<double, kNumT2Routes>> t2_routes_by_year_;
  std::vector<LeakArray> china_leak_at_dec_;
  void record_us(const State& s, std::size_t year);       // outputs_us.cpp
  void record_leakage(const State& s, std::size_t year);  // outputs_leakage.cpp
};

/// National projects' contracts and vetoes (outputs_projects.cpp).
void declare_projects(engine::Registry& reg, const State& s);

/// Leakage to Tier 3: its dimension, observables and summaries (outputs_leakage.cpp).
void declare_leakage(engine::Registry& reg, const State& s, const RunTally& tally);

/// The Chinese suppliers' dimensions and observables (outputs_china.cpp).
void declare_chinese_suppliers(engine::Registry& reg, const State& s, const DiffusionParams& p);

/// The US vendors' and gatekeepers' observables and summaries (outputs_us.cpp).
void declare_us_suppliers(engine::Registry& reg, const State& s, const RunTally& tally);

/// Register the model's dimensions, groupings, observables and summaries.
void declare_outputs(engine::Registry& reg, const State& s, const DiffusionParams& p, const RunTally& tally);

}  // namespace tiersim::models::diffusion
