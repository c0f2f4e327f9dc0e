#pragma once
// Parameters of the US chip vendors (docs/ODD.md s.3, supply).
#include <string>
#include <vector>

#include "models/diffusion/params/us_supply.hpp"
#include "sim/config/schema.hpp"
#include "sim/core/error.hpp"

namespace tiersim::models::diffusion {

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

  template <class V>
  void visit(V& v) {
    v.section("capacity", capacity, "packaging capacity: decisions and the dated CoWoS ceiling");
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
    v.field(
        "kappa", kappa,
        {.unit = "1", .doc = "scarcity markup per unit of excess-demand share", .source = "assumption", .min = 0.0});
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
