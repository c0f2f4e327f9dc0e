#include "models/diffusion/outputs.hpp"

#include <algorithm>
#include <limits>
#include <numeric>
#include <span>
#include <string>

namespace tiersim::models::diffusion {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
using engine::Reduce;

void declare_dimensions(engine::Registry& reg, const State& s, const DiffusionParams& p) {
  const auto& w = s.world;
  std::vector<std::string> iso;
  for (const auto& r : w.table.rows) iso.push_back(r.iso3);
  reg.add_dimension({"country", iso, "country (ISO 3166-1 alpha-3; XKX and CHI are World Bank codes)"});
  reg.add_dimension({"alternative", {kAltNames.begin(), kAltNames.end()}, "buyer's alternative"});
  reg.add_dimension({"stack", {kStackNames.begin(), kStackNames.end()}, "technology stack"});
  reg.add_dimension({"vendor", p.vendors.names, "US chip vendor"});
  std::vector<std::string> gk;
  for (const auto& f : p.gatekeepers.firms) gk.push_back(f.name);
  reg.add_dimension({"gatekeeper", gk, "cloud gatekeeper (UVEU)"});
  reg.add_dimension({"tier", {"1", "2", "3"}, "tier under the January 2025 rule"});
  reg.add_dimension({"market",
                     {"cloud", "tier1", "tier2", "tier3"},
                     "US vendors' market: gatekeepers' builds, buyers' imports by the tier of their country"});

  std::vector<std::size_t> tier_of, region_of, ally_of;
  for (std::size_t c = 0; c < w.countries; ++c) {
    tier_of.push_back(static_cast<std::size_t>(w.table.rows[c].tier_2025 - 1));
    region_of.push_back(static_cast<std::size_t>(w.region_of[c]));
    ally_of.push_back(w.table.rows[c].us_ally ? 0 : 1);
  }
  reg.add_grouping({"country", "tier", {"1", "2", "3"}, tier_of, "tier under the January 2025 rule"});
  reg.add_grouping({"country", "region", w.regions, region_of, "World Bank region"});
  reg.add_grouping({"country", "alliance", {"US ally", "not US ally"}, ally_of, "US treaty ally or MNNA (Jan 2025)"});
}

/// An observable filled with one value per country.
template <class Getter>
std::function<void(std::span<double>)> per_country(const State& s, Getter getter) {
  return [&s, getter](std::span<double> out) {
    for (std::size_t c = 0; c < s.world.countries; ++c) out[c] = getter(c);
  };
}

/// An observable by (country, alternative) from a field of the month's flows.
std::function<void(std::span<double>)> by_alt(const State& s, std::array<double, kNumAlts> CountryMonth::*field) {
  return [&s, field](std::span<double> out) {
    for (std::size_t c = 0; c < s.world.countries; ++c) {
      for (std::size_t k = 0; k < kNumAlts; ++k) out[c * kNumAlts + k] = (s.month.country[c].*field)[k];
    }
  };
}

void declare_flows(engine::Registry& reg, const State& s) {
  const std::vector<std::string> ca{"country", "alternative"};
  const auto& m = s.month.country;
  reg.add_observable({"demand", "H100e/month", "round-1 requests by alternative (Defer: deferred)", ca, Reduce::sum, "",
                      "", by_alt(s, &CountryMonth::demand)});
  reg.add_observable({"served", "H100e/month", "compute served by alternative (both rounds)", ca, Reduce::sum, "", "",
                      by_alt(s, &CountryMonth::served)});
  reg.add_observable({"rationed", "H100e/month", "round-1 requests not served", ca, Reduce::sum, "", "",
                      by_alt(s, &CountryMonth::rationed)});
  reg.add_observable({"backlog", "H100e", "unserved demand carried over, by last alternative chosen", ca, Reduce::sum,
                      "", "", by_alt(s, &CountryMonth::backlog)});
  reg.add_observable({"new_demand",
                      "H100e/month",
                      "new AI-compute demand",
                      {"country"},
                      Reduce::sum,
                      "",
                      "",
                      per_country(s, [&m](std::size_t c) { return m[c].new_demand; })});
  reg.add_observable({"abandoned",
                      "H100e/month",
                      "unserved demand abandoned",
                      {"country"},
                      Reduce::sum,
                      "",
                      "",
                      per_country(s, [&m](std::size_t c) { return m[c].abandoned; })});
  reg.add_observable({"served_cn",
                      "H100e/month",
                      "compute served by Chinese alternatives",
                      {"country"},
                      Reduce::sum,
                      "",
                      "",
                      per_country(s, [&m](std::size_t c) { return m[c].served[kCnChip] + m[c].served[kCnCloud]; })});
  reg.add_observable({"served_total",
                      "H100e/month",
                      "compute served by all alternatives",
                      {"country"},
                      Reduce::sum,
                      "",
                      "",
                      per_country(s, [&m](std::size_t c) {
                        const auto& x = m[c].served;
                        return x[kUsDirect] + x[kUsCloud] + x[kCnChip] + x[kCnCloud];
                      })});
  reg.add_observable({"cn_share_new",
                      "1",
                      "Chinese share of new compute served",
                      {"country"},
                      Reduce::ratio,
                      "served_cn",
                      "served_total",
                      {}});
}

void declare_countries(engine::Registry& reg, const State& s) {
  const auto& k = s.countries;
  reg.add_observable({"installed",
                      "H100e",
                      "installed base by stack",
                      {"country", "stack"},
                      Reduce::sum,
                      "",
                      "",
                      [&s, &k](std::span<double> out) {
                        for (std::size_t c = 0; c < s.world.countries; ++c) {
                          out[c * 2] = k.installed[kStackUs][c];
                          out[c * 2 + 1] = k.installed[kStackCn][c];
                        }
                      }});
  reg.add_observable({"installed_cn",
                      "H100e",
                      "installed base on the Chinese stack",
                      {"country"},
                      Reduce::sum,
                      "",
                      "",
                      per_country(s, [&k](std::size_t c) { return k.installed[kStackCn][c]; })});
  reg.add_observable(
      {"installed_total",
       "H100e",
       "installed base, both stacks",
       {"country"},
       Reduce::sum,
       "",
       "",
       per_country(s, [&k](std::size_t c) { return k.installed[kStackUs][c] + k.installed[kStackCn][c]; })});
  reg.add_observable({"cn_share_installed",
                      "1",
                      "Chinese share of the installed base",
                      {"country"},
                      Reduce::ratio,
                      "installed_cn",
                      "installed_total",
                      {}});
}

void declare_policy_and_expectations(engine::Registry& reg, const State& s) {
  const auto& k = s.countries;
  const Policy& policy = *s.policy;
  reg.add_observable({"cap_used",
                      "H100e",
                      "cumulative draws on the country cap ledger",
                      {"country"},
                      Reduce::sum,
                      "",
                      "",
                      per_country(s, [&policy](std::size_t c) { return policy.ledger_used(c); })});
  reg.add_observable({"cap_remaining",
                      "H100e",
                      "cap released but not used (0 where no cap applies)",
                      {"country"},
                      Reduce::sum,
                      "",
                      "",
                      per_country(s, [&s, &policy](std::size_t c) {
                        return policy.caps_active() && policy.tier(c) == 2 ? policy.ledger_available(c, s.clock.now)
                                                                           : 0.0;
                      })});
  reg.add_observable({"buyers",
                      "buyers",
                      "number of buyer agents",
                      {"country"},
                      Reduce::sum,
                      "",
                      "",
                      per_country(s, [&s](std::size_t c) { return static_cast<double>(s.index.count(c)); })});
  reg.add_observable({"us_availability_sum",
                      "buyers",
                      "sum over buyers of expected US availability",
                      {"country"},
                      Reduce::sum,
                      "",
                      "",
                      per_country(s, [&k](std::size_t c) { return k.a_us_sum[c]; })});
  reg.add_observable({"us_availability_expectation",
                      "1",
                      "mean expected availability of US compute over buyers",
                      {"country"},
                      Reduce::ratio,
                      "us_availability_sum",
                      "buyers",
                      {}});
  reg.add_observable({"stance",
                      "1",
                      "stance toward the Chinese stack: 0 open, 1 restrict, 2 exclude",
                      {"country"},
                      Reduce::mean,
                      "",
                      "",
                      per_country(s, [&k](std::size_t c) { return static_cast<double>(k.stance[c]); })});
}

void declare_suppliers(engine::Registry& reg, const State& s) {
  const auto& gk = s.gatekeepers;
  reg.add_observable({"gatekeeper_capacity",
                      "H100e",
                      "capacity placed (online and under construction)",
                      {"gatekeeper", "country"},
                      Reduce::sum,
                      "",
                      "",
                      [&s, &gk](std::span<double> out) {
                        const std::size_t n = s.world.countries;
                        for (std::size_t k = 0; k < gk.placed.size(); ++k) {
                          for (std::size_t c = 0; c < n; ++c) out[k * n + c] = gk.placed[k][c];
                        }
                      }});
  reg.add_observable({"cloud_free",
                      "H100e",
                      "US cloud capacity online and not rented",
                      {"country"},
                      Reduce::sum,
                      "",
                      "",
                      per_country(s, [&gk](std::size_t c) { return gk.cloud_free[c]; })});
  const auto& v = s.vendors;
  reg.add_observable({"vendor_output",
                      "H100e/month",
                      "US vendor output",
                      {"vendor"},
                      Reduce::sum,
                      "",
                      "",
                      [&v](std::span<double> out) { std::copy(v.output.begin(), v.output.end(), out.begin()); }});
  reg.add_observable(
      {"vendor_price",
       "USD/H100e",
       "price per H100e with the scarcity markup: the mean of the markets' prices over last month's orders",
       {"vendor"},
       Reduce::mean,
       "",
       "",
       [&v](std::span<double> out) { std::fill(out.begin(), out.end(), v.price); }});
  reg.add_observable({"vendor_revenue",
                      "USD/month",
                      "vendor revenue by destination tier (active tiers)",
                      {"vendor", "tier"},
                      Reduce::sum,
                      "",
                      "",
                      [&v](std::span<double> out) {
                        for (std::size_t k = 0; k < v.revenue.size(); ++k) {
                          for (std::size_t t = 0; t < 3; ++t) out[k * 3 + t] = v.revenue[k][t];
                        }
                      }});
  const auto& ch = s.china;
  reg.add_observable({"cn_quality",
                      "1",
                      "effective quality of Chinese compute relative to US",
                      {},
                      Reduce::sum,
                      "",
                      "",
                      [&ch](std::span<double> out) { out[0] = ch.quality; }});
  reg.add_observable({"cn_export_capacity",
                      "H100e/month",
                      "Chinese chips available for export",
                      {},
                      Reduce::sum,
                      "",
                      "",
                      [&ch](std::span<double> out) { out[0] = ch.export_pool; }});
  const Policy& policy = *s.policy;
  reg.add_observable({"rule_in_force",
                      "1",
                      "1 while the AI Diffusion rule is in force",
                      {},
                      Reduce::sum,
                      "",
                      "",
                      [&policy](std::span<double> out) { out[0] = policy.rule_in_force() ? 1.0 : 0.0; }});
}

using ByYear = std::vector<std::vector<std::array<double, kNumStacks>>>;

/// Chinese share of Tier 2 compute in a year, from per-year, per-country stack amounts
/// (flows served during the year, or the installed base at its end). Tier 2 is the
/// January 2025 Tier 2, the same countries in every scenario, so that paired differences
/// compare like with like.
double t2_share(const State& s, const RunTally& tally, const ByYear& data, int year) {
  const int y = tally.year_index(year);
  if (y < 0) return kNaN;
  double cn = 0, all = 0;
  for (std::size_t c = 0; c < s.world.countries; ++c) {
    if (!s.world.tier2_2025(c)) continue;
    const auto& x = data[static_cast<std::size_t>(y)][c];
    cn += x[kStackCn];
    all += x[kStackUs] + x[kStackCn];
  }
  return all > 0 ? cn / all : kNaN;
}

/// Tier 2 countries where the Chinese stack took more than half of a year's new compute.
double tipped(const State& s, const RunTally& tally, int year) {
  const int y = tally.year_index(year);
  if (y < 0) return kNaN;
  double n = 0;
  for (std::size_t c = 0; c < s.world.countries; ++c) {
    if (!s.world.tier2_2025(c)) continue;
    const auto& x = tally.served_by_year()[static_cast<std::size_t>(y)][c];
    if (x[kStackCn] > 0.5 * (x[kStackUs] + x[kStackCn])) n += 1;
  }
  return n;
}

double world_share_installed(const RunTally& tally, int year) {
  const int y = tally.year_index(year);
  if (y < 0) return kNaN;
  double cn = 0, all = 0;
  for (const auto& x : tally.installed_at_dec()[static_cast<std::size_t>(y)]) {
    cn += x[kStackCn];
    all += x[kStackUs] + x[kStackCn];
  }
  return cn / all;
}

double t2_cn_served(const State& s, const RunTally& tally, int year) {
  const int y = tally.year_index(year);
  if (y < 0) return kNaN;
  double total = 0;
  for (std::size_t c = 0; c < s.world.countries; ++c) {
    if (s.world.tier2_2025(c)) total += tally.served_by_year()[static_cast<std::size_t>(y)][c][kStackCn];
  }
  return total;
}

/// A per-year tally's value in `year`, NaN if the run does not cover it.
double in_year(const RunTally& tally, const std::vector<double>& v, int year) {
  const int y = tally.year_index(year);
  return y < 0 ? kNaN : v[static_cast<std::size_t>(y)];
}

/// Share of countries `which` (by ISO3 flag) in stack `st` of compute served over years.
double stack_share(const State& s, const RunTally& tally, const std::vector<bool>& which, int st, int from, int to) {
  double part = 0, all = 0;
  for (int year = from; year <= to; ++year) {
    const int y = tally.year_index(year);
    if (y < 0) return kNaN;
    for (std::size_t c = 0; c < s.world.countries; ++c) {
      if (!which[c]) continue;
      const auto& x = tally.served_by_year()[static_cast<std::size_t>(y)][c];
      part += x[static_cast<std::size_t>(st)];
      all += x[kStackUs] + x[kStackCn];
    }
  }
  return all > 0 ? part / all : kNaN;
}

/// The quantities the 2025 record checks (docs/validation.md), per run.
void declare_check_summaries(engine::Registry& reg, const State& s, const DiffusionParams& p, const RunTally& tally) {
  const double unit = p.china.export_h100e_per_unit;
  reg.add_summary({"cn_chip_units_t2_2025", "units", "Chinese chips (910B class) served to Tier 2 in 2025",
                   [&tally, unit] { return in_year(tally, tally.t2_cn_chip_by_year(), 2025) / unit; }});
  reg.add_summary({"china_share_world_2026", "1",
                   "China's (CHN, HKG, MAC) share of world installed compute, end of 2026", [&s, &tally] {
                     const int y = tally.year_index(2026);
                     if (y < 0) return kNaN;
                     double china = 0, all = 0;
                     for (std::size_t c = 0; c < s.world.countries; ++c) {
                       const auto& x = tally.installed_at_dec()[static_cast<std::size_t>(y)][c];
                       all += x[kStackUs] + x[kStackCn];
                       if (s.world.china[c]) china += x[kStackUs] + x[kStackCn];
                     }
                     return china / all;
                   }});
  reg.add_summary({"max_cn_share_notable_t2_2025", "1",
                   "largest Chinese share of 2025 compute among Tier 2 countries with notable demand", [&s, &tally] {
                     double worst = 0;
                     for (std::size_t c = 0; c < s.world.countries; ++c) {
                       if (!s.world.tier2_2025(c) || !s.world.table.rows[c].notable_ai_demand) continue;
                       std::vector<bool> one(s.world.countries, false);
                       one[c] = true;
                       const double sh = stack_share(s, tally, one, kStackCn, 2025, 2025);
                       if (sh > worst) worst = sh;
                     }
                     return tally.year_index(2025) < 0 ? kNaN : worst;
                   }});
  reg.add_summary({"gulf_us_share_2025_26", "1", "US share of compute served to ARE and SAU, 2025-26", [&s, &tally] {
                     std::vector<bool> gulf(s.world.countries, false);
                     for (std::size_t c = 0; c < s.world.countries; ++c) {
                       const auto& iso = s.world.table.rows[c].iso3;
                       gulf[c] = iso == "ARE" || iso == "SAU";
                     }
                     return stack_share(s, tally, gulf, kStackUs, 2025, 2026);
                   }});
  for (int year : {2025, 2026}) {
    reg.add_summary({"cn_first_firm_units_" + std::to_string(year), "units",
                     "output of the first Chinese chip firm (Huawei) in " + std::to_string(year),
                     [&tally, year] { return in_year(tally, tally.first_firm_output_by_year(), year); }});
  }
  for (int year : {2025, 2026}) {
    reg.add_summary({"cn_cloud_abroad_" + std::to_string(year), "H100e",
                     "Chinese cloud capacity placed abroad, end of " + std::to_string(year),
                     [&tally, year] { return in_year(tally, tally.cloud_abroad_at_dec(), year); }});
  }
}

void declare_summaries(engine::Registry& reg, const State& s, const DiffusionParams& p, const RunTally& tally) {
  for (int year : {2025, 2026, 2027, 2030}) {
    const std::string ys = std::to_string(year);
    reg.add_summary({"cn_share_new_t2_" + ys, "1", "Chinese share of Tier 2 new compute in " + ys,
                     [&s, &tally, year] { return t2_share(s, tally, tally.served_by_year(), year); }});
    reg.add_summary({"cn_share_installed_t2_" + ys, "1", "Chinese share of Tier 2 installed compute, end of " + ys,
                     [&s, &tally, year] { return t2_share(s, tally, tally.installed_at_dec(), year); }});
    reg.add_summary({"tipped_t2_" + ys, "countries",
                     "Tier 2 countries where the Chinese stack took > 50% of new compute in " + ys,
                     [&s, &tally, year] { return tipped(s, tally, year); }});
  }
  reg.add_summary({"us_vendor_revenue_t2", "USD", "US vendor revenue from Tier 2 (chips and gatekeeper builds)",
                   [&tally] { return tally.t2_us_revenue(); }});
  reg.add_summary({"unmet_t2", "H100e", "Tier 2 demand abandoned plus backlog at the end", [&s, &tally] {
                     double total = 0;
                     for (std::size_t c = 0; c < s.world.countries; ++c) {
                       if (s.world.tier2_2025(c)) total += tally.abandoned_total(c) + s.month.country[c].backlog_out;
                     }
                     return total;
                   }});
  reg.add_summary({"cn_share_installed_world_2026", "1", "Chinese-stack share of world installed compute, end of 2026",
                   [&tally] { return world_share_installed(tally, 2026); }});
  reg.add_summary({"cn_exports_t2_2025", "H100e", "Chinese chips served to Tier 2 in 2025",
                   [&s, &tally] { return t2_cn_served(s, tally, 2025); }});
  declare_check_summaries(reg, s, p, tally);
}

}  // namespace

RunTally::RunTally(std::size_t countries, const time::Calendar& calendar) : calendar_(calendar) {
  const int years = calendar.end().year - calendar.start().year + 1;
  served_by_year_.assign(static_cast<std::size_t>(years),
                         std::vector<std::array<double, kNumStacks>>(countries, {0.0, 0.0}));
  installed_at_dec_.assign(static_cast<std::size_t>(years),
                           std::vector<std::array<double, kNumStacks>>(countries, {kNaN, kNaN}));
  abandoned_total_.assign(countries, 0.0);
  t2_cn_chip_by_year_.assign(static_cast<std::size_t>(years), 0.0);
  first_firm_output_by_year_.assign(static_cast<std::size_t>(years), 0.0);
  cloud_abroad_at_dec_.assign(static_cast<std::size_t>(years), kNaN);
  us_revenue_by_year_.assign(static_cast<std::size_t>(years), 0.0);
  t2_backlog_at_dec_.assign(static_cast<std::size_t>(years), kNaN);
  t2_routes_by_year_.assign(static_cast<std::size_t>(years), std::array<double, kNumT2Routes>{});
  china_leak_at_dec_.assign(static_cast<std::size_t>(years), LeakArray{kNaN, kNaN});
}

int RunTally::year_index(int year) const {
  const int y = year - calendar_.start().year;
  const bool covered = y >= 0 && static_cast<std::size_t>(y) < served_by_year_.size() && calendar_.end().year >= year &&
                       (year < calendar_.end().year || calendar_.end().month == 12);
  return covered ? y : -1;
}

void RunTally::record(const State& s) {
  const auto y = static_cast<std::size_t>(s.clock.now.year - calendar_.start().year);
  for (std::size_t c = 0; c < s.world.countries; ++c) {
    const auto& m = s.month.country[c];
    abandoned_total_[c] += m.abandoned;
    if (s.world.tier2_2025(c)) t2_us_revenue_ += s.vendors.revenue_by_country[c];
    if (s.world.tier2_2025(c)) t2_cn_chip_by_year_[y] += m.served[kCnChip];
    served_by_year_[y][c][kStackUs] += m.served[kUsDirect] + m.served[kUsCloud];
    served_by_year_[y][c][kStackCn] += m.served[kCnChip] + m.served[kCnCloud];
    if (s.clock.now.month == 12) {
      installed_at_dec_[y][c] = {s.countries.installed[kStackUs][c], s.countries.installed[kStackCn][c]};
    }
  }
  if (!s.china.firms.empty()) first_firm_output_by_year_[y] += s.china.firms.front().output;
  if (s.clock.now.month == 12) {
    double placed = 0;
    for (const auto& cl : s.china.clouds) placed += std::accumulate(cl.placed.begin(), cl.placed.end(), 0.0);
    cloud_abroad_at_dec_[y] = placed;
  }
  record_us(s, y);
  record_leakage(s, y);
}

void declare_outputs(engine::Registry& reg, const State& s, const DiffusionParams& p, const RunTally& tally) {
  declare_dimensions(reg, s, p);
  declare_flows(reg, s);
  declare_countries(reg, s);
  declare_policy_and_expectations(reg, s);
  declare_suppliers(reg, s);
  declare_chinese_suppliers(reg, s, p);
  declare_us_suppliers(reg, s, tally);
  declare_leakage(reg, s, tally);
  declare_projects(reg, s);
  declare_summaries(reg, s, p, tally);
}

}  // namespace tiersim::models::diffusion
