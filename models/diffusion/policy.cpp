#include "models/diffusion/policy.hpp"

#include <algorithm>

#include "models/diffusion/phases.hpp"

namespace tiersim::models::diffusion {

std::string_view event_action_name(EventAction a) {
  switch (a) {
    case EventAction::unset: return "(none)";
    case EventAction::rule_on: return "rule_on";
    case EventAction::rule_off: return "rule_off";
    case EventAction::guidance_on: return "guidance_on";
    case EventAction::guidance_off: return "guidance_off";
    case EventAction::china_licence_on: return "china_licence_on";
    case EventAction::china_licence_off: return "china_licence_off";
    case EventAction::compliant_tier2_on: return "compliant_tier2_on";
    case EventAction::compliant_tier2_off: return "compliant_tier2_off";
    case EventAction::permits_on: return "permits_on";
    case EventAction::permits_off: return "permits_off";
    case EventAction::china_discourage_on: return "china_discourage_on";
    case EventAction::china_discourage_off: return "china_discourage_off";
    case EventAction::retaliation_on: return "retaliation_on";
    case EventAction::retaliation_off: return "retaliation_off";
    case EventAction::g2g: return "g2g";
    case EventAction::tier: return "tier";
  }
  return "?";
}

double cap_released(const RuleParams& rule, const time::YearMonth& ym) {
  const std::int64_t since = ym.linear() - rule.release_start.linear();
  if (since < 0) return 0.0;
  const std::int64_t period = rule.release_months;
  double in_period = 0.0;
  if (rule.release == CapRelease::front_loaded) {
    in_period = rule.cap_h100e;
  } else {
    in_period =
        rule.cap_h100e * static_cast<double>(std::min<std::int64_t>(since + 1, period)) / static_cast<double>(period);
  }
  const std::int64_t after = std::max<std::int64_t>(0, since + 1 - period);
  return in_period + rule.annual_release_after * static_cast<double>(after) / time::kMonthsPerYear;
}

double nveu_allowance(const RuleParams& rule, const time::YearMonth& ym) {
  const auto& cum = rule.nveu_cumulative;
  if (cum.empty()) return 0.0;
  // Year k of the list ends in December of release_start.year + k.
  const int first_year = rule.release_start.year;
  const double months_in = static_cast<double>(ym.month);
  const int k = ym.year - first_year;
  if (k < 0) return 0.0;
  auto at_end_of = [&](int year_index) {
    if (year_index < 0) return 0.0;
    const auto n = static_cast<int>(cum.size());
    if (year_index < n) return cum[static_cast<std::size_t>(year_index)];
    const double last_increment = n >= 2 ? cum[cum.size() - 1] - cum[cum.size() - 2] : cum.back();
    return cum.back() + last_increment * (year_index - n + 1);
  };
  const double start = at_end_of(k - 1);
  return start + (at_end_of(k) - start) * months_in / time::kMonthsPerYear;
}

Policy::Policy(const PolicyParams& params, const CountryTable& table, std::vector<Event> events,
               std::vector<bool> g2g_drawn)
    : params_(params),
      events_(std::move(events)),
      g2g_(std::move(g2g_drawn)),
      permits_(table.rows.size(), false),
      used_(table.rows.size(), 0.0) {
  for (const auto& r : table.rows) tier_.push_back(r.tier_2025);
  china_licence_ = params.china_licence_at_start;
  compliant_tier2_ = params.compliant_tier2_at_start;
  // Same-month events keep their listed order (stable sort by month).
  std::stable_sort(events_.begin(), events_.end(), [](const Event& a, const Event& b) { return a.step < b.step; });
}

bool Policy::apply(int step) {
  bool switched_on = false;
  for (const auto& e : events_) {
    // Events before the run are applied in the first month, in date order.
    const int at = std::max(e.step, 0);
    if (at != step) continue;
    switch (e.action) {
      case EventAction::rule_on:
        switched_on = switched_on || !rule_;
        rule_ = true;
        break;
      case EventAction::rule_off: rule_ = false; break;
      case EventAction::guidance_on: guidance_ = true; break;
      case EventAction::guidance_off: guidance_ = false; break;
      case EventAction::china_licence_on: china_licence_ = true; break;
      case EventAction::china_licence_off: china_licence_ = false; break;
      case EventAction::compliant_tier2_on: compliant_tier2_ = true; break;
      case EventAction::compliant_tier2_off: compliant_tier2_ = false; break;
      case EventAction::china_discourage_on: china_discouraged_ = true; break;
      case EventAction::china_discourage_off: china_discouraged_ = false; break;
      case EventAction::retaliation_on: retaliation_ = true; break;
      case EventAction::retaliation_off: retaliation_ = false; break;
      case EventAction::g2g:
        for (int c : e.countries) g2g_[static_cast<std::size_t>(c)] = true;
        break;
      case EventAction::tier:
        for (int c : e.countries) tier_[static_cast<std::size_t>(c)] = e.tier;
        break;
      case EventAction::permits_on:
      case EventAction::permits_off:
        for (int c : e.countries) permits_[static_cast<std::size_t>(c)] = e.action == EventAction::permits_on;
        break;
      case EventAction::unset: break;  // refused when the parameters are checked
    }
  }
  return switched_on;
}

double Policy::ledger_released(std::size_t c, const time::YearMonth& ym) const {
  return cap_released(params_.rule, ym) * (g2g_[c] ? params_.rule.g2g_multiplier : 1.0);
}

double Policy::ledger_available(std::size_t c, const time::YearMonth& ym) const {
  return std::max(0.0, ledger_released(c, ym) - used_[c]);
}

void Policy::ledger_draw(std::size_t c, double amount) { used_[c] += amount; }

void policy_phase(State& s, const Env& env) {
  const bool switched_on = s.policy->apply(s.clock.step);
  auto& b = s.buyers;
  if (s.clock.now.month == 1) {
    // A new calendar year: every consignee's LPP exemption is whole again.
    std::fill(b.lpp_used.begin(), b.lpp_used.end(), 0.0);
    std::fill(b.lpp_requested.begin(), b.lpp_requested.end(), 0.0);
  }
  if (switched_on && s.policy->caps_active() && env.p.expectations.announce_shock > 0) {
    // Microsoft's "customer confidence" channel: Tier 2 buyers expect less US supply at once.
    const auto keep = static_cast<float>(1.0 - env.p.expectations.announce_shock);
    for (std::size_t c = 0; c < s.world.countries; ++c) {
      if (s.policy->tier(c) != 2) continue;
      for (std::size_t i = s.index.begin[c]; i < s.index.begin[c + 1]; ++i) b.a_us[i] *= keep;
    }
  }
}

}  // namespace tiersim::models::diffusion
