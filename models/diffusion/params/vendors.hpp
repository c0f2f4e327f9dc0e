#pragma once
// Parameters of the US chip vendors (docs/ODD.md s.3, supply).
#include <string>
#include <vector>

#include "models/diffusion/params/us_supply.hpp"
#include "sim/config/schema.hpp"
#include "sim/core/error.hpp"

namespace tiersim::models::diffusion {

/// How the vendors share out scarce output across markets (docs/ODD.md s.7.8): the
/// gatekeepers' builds and buyers' imports into Tier 1, 2 and 3 countries. Each market's
/// price carries its own scarcity markup; when orders exceed output, a market's fill is in
/// proportion to its weight, priority x (market price / base price)^margin_elasticity.
struct VendorAllocationParams {
  Behaviour behaviour = Behaviour::adaptive;
  double priority_cloud = 1.0;
  double priority_tier1 = 1.0;
  double priority_tier2 = 1.0;
  double priority_tier3 = 1.0;
  double margin_elasticity = 1.0;

  template <class V>
  void visit(V& v) {
    behaviour_choice(v, "behaviour", behaviour,
                     "allocation: by market, each market priced by its own scarcity (adaptive), or one world price "
                     "and the same fill for every order (frozen: the v1 rule)");
    auto priority = [&v](const char* key, double& value, const char* doc) {
      v.field(key, value,
              {.unit = "1",
               .doc = doc,
               .source = "assumption (no published allocation rule; sweep 0.5-4)",
               .min = 0.01,
               .max = 100.0});
    };
    priority("priority_cloud", priority_cloud,
             "allocation weight of the gatekeepers' builds (US cloud, any country) when output is short");
    priority("priority_tier1", priority_tier1,
             "allocation weight of buyers' imports into Tier 1 countries (the US included)");
    priority("priority_tier2", priority_tier2,
             "allocation weight of buyers' imports into Tier 2 countries (cap grants, exemptions, compliant chips)");
    priority("priority_tier3", priority_tier3,
             "allocation weight of orders from Tier 3 countries (China while US compliant chips may be sold there)");
    v.field("margin_elasticity", margin_elasticity,
            {.unit = "1",
             .doc = "how strongly scarce output goes to the markets whose scarcity markup is higher (0: by priority "
                    "only)",
             .source = "assumption (sweep 0-4)",
             .min = 0.0,
             .max = 20.0});
  }

  /// Weight of market m (MarketIndex) before the price term.
  double priority(std::size_t m) const {
    const double by_market[] = {priority_cloud, priority_tier1, priority_tier2, priority_tier3};
    return by_market[m];
  }
};

struct VendorParams {
  std::vector<std::string> names{"Nvidia", "AMD"};
  std::vector<double> output_2025{9.6e6, 0.8e6};
  double growth_first = 2.2;
  double growth_last = 1.5;
  double price_2025 = 15400.0;
  double price_change = -0.25;
  double kappa = 0.5;
  double facility_overhead = 1.0;
  VendorCapacityParams capacity;
  VendorAllocationParams allocation;

  template <class V>
  void visit(V& v) {
    v.section("capacity", capacity, "packaging capacity: decisions and the dated CoWoS ceiling");
    v.section("allocation", allocation, "scarce output and prices by market");
    v.field("names", names, {.doc = "US chip vendors", .source = "cal. s3"});
    v.field("output_2025", output_2025,
            {.unit = "H100e/year",
             .doc = "each vendor's output in 2025",
             .source = "assumption from cal. s3/s8 (~11M new H100e in 2025; Nvidia ~92% [S19,S31])",
             .min = 0.0});
    v.field("growth_first", growth_first,
            {.unit = "1/year",
             .doc = "reference path (frozen capacity): output growth 2025->2026",
             .source = "cal. s8/s9 (x2.2, sweep 1.8-2.6)",
             .min = 0.5,
             .max = 5.0});
    v.field("growth_last", growth_last,
            {.unit = "1/year",
             .doc = "reference path (frozen capacity): output growth 2029->2030 (linear in between)",
             .source = "assumption",
             .min = 0.5,
             .max = 5.0});
    v.field("price_2025", price_2025,
            {.unit = "USD/H100e",
             .doc = "chip price per H100e in 2025",
             .source = "cal. s8 (B200 $35k / 2.27)",
             .min = 1.0});
    v.field("price_change", price_change,
            {.unit = "1/year",
             .doc = "yearly change in price per H100e",
             .source = "cal. s8 (-20..-30%/yr)",
             .min = -0.9,
             .max = 1.0});
    v.field("kappa", kappa,
            {.unit = "1",
             .doc = "scarcity markup per unit of excess-demand share (of the market's orders, or of all orders when "
                    "allocation is frozen)",
             .source = "assumption",
             .min = 0.0});
    v.field("facility_overhead", facility_overhead,
            {.unit = "1",
             .doc = "data-centre cost per H100e relative to the chip price (all-in = chip x (1+this))",
             .source = "cal. s3 (~$29B/GW, 1.5 kW and ~$35k per accelerator)",
             .min = 0.0});
  }

  void check(const config::Node& where, const std::string& prefix) const {
    if (names.empty() || names.size() != output_2025.size()) {
      throw InputError(where.origin().describe() + ": key '" + prefix +
                       ".output_2025': needs one value per vendor in '" + prefix + ".names'");
    }
    if (capacity.cowos_share.size() != names.size()) {
      throw InputError(where.origin().describe() + ": key '" + prefix +
                       ".capacity.cowos_share': needs one value per vendor in '" + prefix + ".names'");
    }
    if (capacity.cowos_wpm.empty()) {
      throw InputError(where.origin().describe() + ": key '" + prefix +
                       ".capacity.cowos_wpm': needs at least one year");
    }
  }
};

}  // namespace tiersim::models::diffusion
