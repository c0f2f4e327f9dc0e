// What the diffusion model reports about the US vendors' and gatekeepers' decisions
// (docs/ODD.md "Outputs"): vendor capacity, ceilings, investment and revenue by destination,
// gatekeeper orders and capex, US cloud rented in the country and abroad, and the per-run
// summaries of US vendor revenue and of where Tier 2 demand went.
#include <algorithm>
#include <limits>
#include <numeric>
#include <string>

#include "models/diffusion/outputs.hpp"

namespace tiersim::models::diffusion {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
using engine::Reduce;

/// An observable with one value per vendor, copied from a per-vendor vector of the state.
void per_vendor(engine::Registry& reg, const std::vector<double>& from, const char* name, const char* unit,
                const char* doc) {
  reg.add_observable({name, unit, doc, {"vendor"}, Reduce::sum, "", "", [&from](std::span<double> out) {
                        std::copy(from.begin(), from.end(), out.begin());
                      }});
}

/// An observable with one value per gatekeeper.
void per_gatekeeper(engine::Registry& reg, const std::vector<double>& from, const char* name, const char* unit,
                    const char* doc) {
  reg.add_observable({name, unit, doc, {"gatekeeper"}, Reduce::sum, "", "", [&from](std::span<double> out) {
                        std::copy(from.begin(), from.end(), out.begin());
                      }});
}

/// An observable with one value per country.
template <class Get>
void per_country(engine::Registry& reg, const State& s, const char* name, const char* unit, const char* doc, Get get) {
  reg.add_observable({name, unit, doc, {"country"}, Reduce::sum, "", "", [&s, get](std::span<double> out) {
                        for (std::size_t c = 0; c < s.world.countries; ++c) out[c] = get(c);
                      }});
}

/// An observable with one value per US vendor market (MarketIndex).
void per_market(engine::Registry& reg, const MarketArray& from, const char* name, const char* unit, Reduce reduce,
                const char* doc) {
  reg.add_observable({name, unit, doc, {"market"}, reduce, "", "", [&from](std::span<double> out) {
                        std::copy(from.begin(), from.end(), out.begin());
                      }});
}

/// US cloud capacity rented by buyers of country c outside c this month, H100e.
double cloud_remote(const State& s, std::size_t c) {
  return std::max(0.0, s.month.country[c].served[kUsCloud] - s.month.cloud_local_used[c]);
}

void declare_us_observables(engine::Registry& reg, const State& s) {
  const auto& v = s.vendors;
  per_vendor(reg, v.capacity, "vendor_capacity", "H100e/year", "packaging capacity in use");
  per_vendor(reg, v.limit, "vendor_limit", "H100e/year", "the CoWoS ceiling on the vendor's output this year");
  per_vendor(reg, v.investment, "vendor_investment", "H100e/year", "capacity ordered this month");
  reg.add_observable({"vendor_orders",
                      "H100e/month",
                      "orders the vendors were asked to ship (buyers and gatekeepers, after the rules)",
                      {},
                      Reduce::sum,
                      "",
                      "",
                      [&s](std::span<double> out) { out[0] = s.month.global.vendor_orders; }});
  per_market(reg, v.market_price, "vendor_market_price", "USD/H100e", Reduce::mean,
             "price per H100e in each market, with the markup of the market's own scarcity");
  per_market(reg, s.month.global.market_orders, "vendor_market_orders", "H100e/month", Reduce::sum,
             "orders the vendors were asked to ship, by market (both rounds)");
  per_market(reg, s.month.global.market_shipped, "vendor_market_shipped", "H100e/month", Reduce::sum,
             "chips the vendors shipped, by market");
  per_country(reg, s, "vendor_revenue_country", "USD/month",
              "US vendor revenue by destination: chips bought there and gatekeeper builds placed there",
              [&v](std::size_t c) { return v.revenue_by_country[c]; });
  const auto& gk = s.gatekeepers;
  per_gatekeeper(reg, gk.orders, "gatekeeper_orders", "H100e/month", "hardware ordered from the vendors");
  per_gatekeeper(reg, gk.capex, "gatekeeper_capex", "USD/month", "capex: hardware ordered times the build cost");
  per_country(reg, s, "compliant_served", "H100e/month",
              "US compliant chips bought outside the cap by buyers refused on it (in served, US_direct)",
              [&s](std::size_t c) { return s.month.country[c].compliant_served; });
  per_country(reg, s, "us_cloud_local", "H100e/month", "US cloud rented by the country's buyers in the country",
              [&s](std::size_t c) { return s.month.cloud_local_used[c]; });
  per_country(reg, s, "us_cloud_remote", "H100e/month",
              "US cloud rented by the country's buyers elsewhere (in the United States)",
              [&s](std::size_t c) { return cloud_remote(s, c); });
}

/// The sum of a per-year tally from the first year of the run to `year`, NaN if the run
/// does not cover `year`.
template <class Get>
double through(const RunTally& tally, int year, Get get) {
  const int last = tally.year_index(year);
  if (last < 0) return kNaN;
  double total = 0;
  for (int y = 0; y <= last; ++y) total += get(static_cast<std::size_t>(y));
  return total;
}

}  // namespace

void RunTally::record_us(const State& s, std::size_t year) {
  us_revenue_by_year_[year] += s.month.global.vendor_revenue;
  auto& routes = t2_routes_by_year_[year];
  double backlog = 0;
  for (std::size_t c = 0; c < s.world.countries; ++c) {
    if (!s.world.tier2_2025(c)) continue;
    const auto& m = s.month.country[c];
    routes[kT2UsDirect] += m.served[kUsDirect] - m.compliant_served;
    routes[kT2UsCompliant] += m.compliant_served;
    routes[kT2UsCloudLocal] += s.month.cloud_local_used[c];
    routes[kT2UsCloudRemote] += cloud_remote(s, c);
    routes[kT2Cn] += m.served[kCnChip] + m.served[kCnCloud];
    routes[kT2Unmet] += m.abandoned;
    backlog += m.backlog_out;
  }
  if (s.clock.now.month == 12) t2_backlog_at_dec_[year] = backlog;
}

void declare_us_suppliers(engine::Registry& reg, const State& s, const RunTally& tally) {
  declare_us_observables(reg, s);
  for (int year : {2027, 2030}) {
    const std::string ys = std::to_string(year);
    reg.add_summary({"us_vendor_revenue_to_" + ys, "USD",
                     "US vendor revenue from every destination (chips and gatekeeper builds), from the start to " + ys,
                     [&tally, year] {
                       return through(tally, year, [&tally](std::size_t y) { return tally.us_revenue_by_year()[y]; });
                     }});
    for (std::size_t r = 0; r < kNumT2Routes; ++r) {
      const std::string doc =
          r == kT2Unmet
              ? "Tier 2 demand abandoned from the start to " + ys + " plus the backlog then"
              : std::string("Tier 2 demand served by route ") + kT2RouteNames[r] + ", from the start to " + ys;
      reg.add_summary({std::string("t2_") + kT2RouteNames[r] + "_to_" + ys, "H100e", doc, [&tally, year, r] {
                         const double flow = through(
                             tally, year, [&tally, r](std::size_t y) { return tally.t2_routes_by_year()[y][r]; });
                         if (r != kT2Unmet) return flow;
                         const int last = tally.year_index(year);
                         return last < 0 ? kNaN : flow + tally.t2_backlog_at_dec()[static_cast<std::size_t>(last)];
                       }});
    }
  }
}

}  // namespace tiersim::models::diffusion
