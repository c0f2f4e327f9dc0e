#include "models/diffusion/invariants.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <sstream>

namespace tiersim::models::diffusion {
namespace {

constexpr double kTol = kInvariantTolerance;

/// x <= limit, allowing for rounding in sums (or, with tol, in storing).
bool within(double x, double limit, double tol = kTol) { return x <= limit * (1 + tol) + tol; }

std::string at(const State& s, std::size_t c, const std::string& what) {
  return s.clock.now.to_string() + ", " + s.world.table.rows[c].iso3 + ": " + what;
}

std::string country_violation(const State& s, std::size_t c) {
  const auto& m = s.month.country[c];
  const double in = m.new_demand + m.backlog_in;
  const double served = std::accumulate(m.served.begin(), m.served.end(), 0.0);
  const double out = served + m.backlog_out + m.abandoned;
  if (!(std::fabs(in - out) <= kTol * std::max(1.0, in))) {
    std::ostringstream msg;
    msg.precision(17);
    msg << "demand not conserved (new + backlog in = " << in << ", served + backlog out + abandoned = " << out << ")";
    return at(s, c, msg.str());
  }
  if (m.served[kDefer] != 0.0) return at(s, c, "Defer was served");
  if (std::any_of(m.served.begin(), m.served.end(), [](double x) { return !(x >= 0.0); })) {
    return at(s, c, "negative or non-finite compute served");
  }
  const Policy& policy = *s.policy;
  if (policy.tier(c) == 2 && !within(policy.ledger_used(c), policy.ledger_released(c, s.clock.now))) {
    return at(s, c, "cap ledger drawn beyond what was released");
  }
  if (us_barred(policy, s.world.china, c) && (m.served[kUsDirect] != 0.0 || m.served[kUsCloud] != 0.0)) {
    return at(s, c, "US compute served where it is barred");
  }
  if (!within(s.month.cloud_local_used[c], s.month.cloud_free_before[c])) {
    return at(s, c, "gatekeeper capacity in the country over-used");
  }
  if (m.compliant_served != 0.0 && !(policy.compliant_tier2() && policy.tier(c) == 2)) {
    return at(s, c, "compliant chips served where they are not open");
  }
  if (!(m.compliant_served >= 0.0) || !within(m.compliant_served, m.served[kUsDirect])) {
    return at(s, c, "compliant chips served beyond US_direct served");
  }
  return {};
}

/// The Chinese firms: output within capacity and (when decided) within the input limits,
/// exports within output, no negative cloud capacity.
std::string china_violation(const State& s, const DiffusionParams& p) {
  const auto& ch = s.china;
  const std::string when = s.clock.now.to_string() + ": ";
  const bool limited = p.china.behaviour.capacity == Behaviour::adaptive;
  for (const auto& f : ch.firms) {
    const double yearly = f.output * time::kMonthsPerYear;
    if (!within(yearly, f.capacity)) return when + "a Chinese firm's output beyond its capacity";
    if (limited && !within(yearly, f.limit)) return when + "a Chinese firm's output beyond its input limit";
    if (!within(f.exports, f.output)) return when + "a Chinese firm exported more than it made";
  }
  if (!(ch.cloud_pool >= 0.0)) return when + "negative Chinese cloud capacity abroad";
  return {};
}

std::string global_violation(const State& s) {
  const auto& g = s.month.global;
  const std::string when = s.clock.now.to_string() + ": ";
  if (!within(g.vendor_shipped, g.vendor_output)) return when + "vendors shipped more than their output";
  if (!within(g.cn_export_used, g.cn_export_capacity)) return when + "Chinese exports beyond export capacity";
  if (!within(g.cn_domestic_used, g.cn_domestic_capacity)) return when + "Chinese domestic supply exceeded";
  if (!within(g.cn_cloud_used, g.cn_cloud_capacity)) return when + "Chinese cloud capacity abroad exceeded";
  if (!(g.us_cloud_remote_used >= 0.0)) return when + "negative remote US cloud use";
  return {};
}

/// The US vendors: money in equals money out (the revenue by destination country, by tier
/// and in all equal each market's price times what clearing shipped to it), no market gets
/// more than it ordered nor all of them more than the output, and output within the CoWoS
/// ceiling when capacity is decided.
std::string us_vendor_violation(const State& s, const DiffusionParams& p) {
  const auto& v = s.vendors;
  const auto& g = s.month.global;
  const std::string when = s.clock.now.to_string() + ": ";
  double money = 0, shipped = 0;
  for (std::size_t m = 0; m < kNumMarkets; ++m) {
    if (!within(g.market_shipped[m], g.market_orders[m])) return when + "a US vendor market shipped beyond its orders";
    money += v.market_price[m] * g.market_shipped[m];
    shipped += g.market_shipped[m];
  }
  if (!within(shipped, g.vendor_output)) return when + "US vendors shipped beyond their output";
  if (std::fabs(g.vendor_revenue - money) > kTol * std::max(1.0, money)) {
    return when + "US vendor revenue by destination differs from the markets' prices x chips shipped";
  }
  double by_tier = 0;
  for (const auto& r : v.revenue) by_tier += r[0] + r[1] + r[2];
  const double by_country = std::accumulate(v.revenue_by_country.begin(), v.revenue_by_country.end(), 0.0);
  const auto same = [money](double x) { return std::fabs(x - money) <= kTol * std::max(1.0, money); };
  if (!same(by_tier)) return when + "US vendor revenue by tier differs from price x chips shipped";
  if (!same(by_country)) return when + "US vendor revenue by destination differs from price x chips shipped";
  if (p.vendors.capacity.behaviour == Behaviour::adaptive) {
    for (std::size_t k = 0; k < v.output.size(); ++k) {
      const double yearly = v.output[k] * time::kMonthsPerYear;
      if (!within(yearly, v.limit[k])) return when + "a US vendor's output beyond its CoWoS ceiling";
      if (!within(yearly, v.capacity[k])) return when + "a US vendor's output beyond its capacity";
    }
  }
  return {};
}

std::string buyer_violation(const State& s, const DiffusionParams& p) {
  const auto& b = s.buyers;
  const double lpp = p.policy.rule.lpp_h100e_per_year;
  const double nveu = nveu_allowance(p.policy.rule, s.clock.now);
  for (std::size_t c = 0; c < s.world.countries; ++c) {
    for (std::size_t i = s.index.begin[c]; i < s.index.begin[c + 1]; ++i) {
      const double consignees = s.world.consignees(i, c);
      if (!within(b.lpp_used[i], lpp * consignees)) return at(s, c, "a buyer's LPP exemption exceeded");
      if (!within(static_cast<double>(b.nveu_used[i]), nveu * consignees, kStoredTolerance)) {
        return at(s, c, "a buyer's NVEU allowance exceeded");
      }
    }
  }
  return {};
}

std::string uveu_violation(const State& s, const DiffusionParams& p) {
  const Policy& policy = *s.policy;
  if (!policy.uveu_limits_active()) return {};
  const auto& rule = p.policy.rule;
  for (std::size_t k = 0; k < s.gatekeepers.placed.size(); ++k) {
    const auto& placed = s.gatekeepers.placed[k];
    const double total = std::accumulate(placed.begin(), placed.end(), 0.0);
    const std::string firm = s.clock.now.to_string() + ": " + p.gatekeepers.firms[k].name + ": ";
    double t1 = 0;
    for (std::size_t c = 0; c < placed.size(); ++c) {
      if (policy.tier(c) == 1) t1 += placed[c];
      if (policy.tier(c) == 2 && placed[c] > rule.uveu_max_tier2_share * total * (1 + kTol)) {
        return firm + "UVEU limit per Tier 2 country exceeded in " + s.world.table.rows[c].iso3;
      }
      if (policy.tier(c) == 3 && placed[c] != 0.0) return firm + "capacity in Tier 3 " + s.world.table.rows[c].iso3;
    }
    if (t1 < rule.uveu_min_tier1_share * total * (1 - kTol)) return firm + "UVEU Tier 1 share below its minimum";
    const bool us_hq = s.gatekeepers.home[k] == static_cast<int>(s.world.usa);
    if (us_hq && placed[s.world.usa] < rule.uveu_min_home_share * total * (1 - kTol)) {
      return firm + "UVEU US share below its minimum";
    }
  }
  return {};
}

/// Leakage: out of Tier 2 and into Tier 3 only; what leaves equals what arrives, by
/// channel; no more than Tier 3's unserved requests; chips re-exported no more than the
/// country imported; cloud rented no more than was free.
std::string leakage_violation(const State& s) {
  const auto& leak = s.leakage;
  LeakArray out{}, in{};
  for (std::size_t c = 0; c < s.world.countries; ++c) {
    for (std::size_t ch = 0; ch < kNumLeakChannels; ++ch) {
      if (!(leak.out[c][ch] >= 0.0) || !(leak.in[c][ch] >= 0.0)) return at(s, c, "negative or non-finite leakage");
      if (leak.out[c][ch] > 0.0 && s.policy->tier(c) != 2) return at(s, c, "leakage out of a country not in Tier 2");
      if (leak.in[c][ch] > 0.0 && s.policy->tier(c) != 3) return at(s, c, "leakage into a country not in Tier 3");
      out[ch] += leak.out[c][ch];
      in[ch] += leak.in[c][ch];
    }
    if (!within(leak.out[c][kLeakChips], s.month.country[c].served[kUsDirect])) {
      return at(s, c, "more chips re-exported than imported");
    }
    if (!(s.gatekeepers.cloud_free[c] >= -kTol * std::max(1.0, leak.out[c][kLeakCloud]))) {
      return at(s, c, "more US cloud rented to Tier 3 than was free");
    }
  }
  const std::string when = s.clock.now.to_string() + ": ";
  for (std::size_t ch = 0; ch < kNumLeakChannels; ++ch) {
    if (std::fabs(out[ch] - in[ch]) > kTol * std::max(1.0, out[ch])) return when + "leakage not conserved";
  }
  if (!within(in[kLeakChips] + in[kLeakCloud], leak.demand)) return when + "leakage beyond Tier 3's unserved requests";
  return {};
}

}  // namespace

std::string first_violation(const State& s, const DiffusionParams& p) {
  for (std::size_t c = 0; c < s.world.countries; ++c) {
    if (auto v = country_violation(s, c); !v.empty()) return v;
  }
  if (auto v = global_violation(s); !v.empty()) return v;
  if (auto v = us_vendor_violation(s, p); !v.empty()) return v;
  if (auto v = china_violation(s, p); !v.empty()) return v;
  if (auto v = buyer_violation(s, p); !v.empty()) return v;
  if (auto v = leakage_violation(s); !v.empty()) return v;
  return uveu_violation(s, p);
}

}  // namespace tiersim::models::diffusion
