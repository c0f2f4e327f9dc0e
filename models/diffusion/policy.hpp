#pragma once
// The regulator: policy as data. A timeline of dated events switches the AI Diffusion rule,
// US guidance on Chinese chips and China's minerals ban on and off, grants G2G agreements
// and moves countries between tiers. The cap ledger tracks each Tier 2 country's
// cumulative allocation under the rule.
#include <cstdint>
#include <string>
#include <vector>

#include "models/diffusion/country_table.hpp"
#include "models/diffusion/params.hpp"
#include "sim/time/calendar.hpp"

namespace tiersim::models::diffusion {

struct Event {
  int step = 0;  ///< month the event lands in (may be < 0: before the run, applied at start)
  EventAction action = EventAction::rule_on;
  std::vector<int> countries;  ///< table indices
  int tier = 2;
};

/// Cumulative release of a country's cap (H100e) by month `ym`, before any G2G multiplier.
double cap_released(const RuleParams& rule, const time::YearMonth& ym);

/// NVEU cumulative allowance by month `ym` (linear within each year; after the last listed
/// year it keeps growing at the last year's increment).
double nveu_allowance(const RuleParams& rule, const time::YearMonth& ym);

class Policy {
 public:
  /// `events` carry the step of their month (negative: before the run, applied in the
  /// first month); `g2g_drawn` says which countries concluded a G2G agreement.
  Policy(const PolicyParams& params, const CountryTable& table, std::vector<Event> events, std::vector<bool> g2g_drawn);

  /// Apply the events of `step`. Returns true if the rule was switched on at this step.
  bool apply(int step);

  bool rule_in_force() const { return rule_; }
  bool caps_active() const { return rule_ && params_.rule.caps; }
  bool uveu_limits_active() const { return rule_ && params_.rule.uveu_limits; }
  bool guidance() const { return guidance_; }
  bool retaliation() const { return retaliation_; }
  /// US compliant chips may be sold to China (its buyers may choose US_direct).
  bool china_licence() const { return china_licence_; }
  /// Capped Tier 2 buyers may buy US compliant chips outside the cap (while caps apply).
  bool compliant_tier2() const { return caps_active() && compliant_tier2_; }
  /// Beijing tells its firms not to buy US chips (China's buyers: china_discourage_penalty).
  bool china_discouraged() const { return china_discouraged_; }
  int tier(std::size_t c) const { return tier_[c]; }
  bool g2g(std::size_t c) const { return g2g_[c]; }
  /// Country c's own export and transshipment permit regime is in force (leakage).
  bool permits(std::size_t c) const { return permits_[c]; }

  /// Cap ledger of a country at month `ym`: released so far (with G2G) and used.
  double ledger_released(std::size_t c, const time::YearMonth& ym) const;
  double ledger_used(std::size_t c) const { return used_[c]; }
  double ledger_available(std::size_t c, const time::YearMonth& ym) const;
  void ledger_draw(std::size_t c, double amount);

 private:
  const PolicyParams& params_;
  std::vector<Event> events_;
  std::vector<int> tier_;
  std::vector<bool> g2g_;
  std::vector<bool> permits_;
  std::vector<double> used_;
  bool rule_ = false;
  bool guidance_ = false;
  bool retaliation_ = false;
  bool china_licence_ = false;
  bool compliant_tier2_ = false;
  bool china_discouraged_ = false;
};

}  // namespace tiersim::models::diffusion
