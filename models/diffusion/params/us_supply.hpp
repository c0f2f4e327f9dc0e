#pragma once
// Parameters of the US side's decisions (docs/ODD.md s.7.8): the vendors' packaging
// capacity and its dated ceiling, the gatekeepers' capex rule, and the share of demand
// that must be served in the buyer's own country. Each decision can be frozen to the v1
// reference path (`vendors.growth_*`, `gatekeepers.capex_growth`) for knock-outs.
#include <string>
#include <vector>

#include "models/diffusion/params/china_supply.hpp"
#include "sim/config/schema.hpp"

namespace tiersim::models::diffusion {

/// The vendors' packaging capacity: what they decide and the ceiling the dated CoWoS
/// supply puts on it.
struct VendorCapacityParams {
  Behaviour behaviour = Behaviour::adaptive;
  std::vector<double> cowos_wpm{56.5e3, 86.5e3, 107.5e3};
  double cowos_growth_after = 1.2;
  std::vector<double> cowos_share{0.63, 0.06};
  double cowos_scale = 1.0;
  double h100e_per_wafer = 22.5;
  double h100e_per_wafer_growth = 1.5;
  int build_lag_months = 9;
  double reserve = 0.1;
  double order_memory = 0.3;
  double margin_elasticity = 1.0;

  template <class V>
  void visit(V& v) {
    behaviour_choice(v, "behaviour", behaviour,
                     "capacity: grows toward expected orders (adaptive) or the v1 output path of `vendors.growth_*` "
                     "(frozen)");
    v.field("cowos_wpm", cowos_wpm,
            {.unit = "wafers/month",
             .doc = "TSMC CoWoS capacity, yearly mean, 2025, 2026, 2027 (means of the end-of-year figures)",
             .source = "cal. s3/s8 [S26] (35k/78k/95k/120k wpm at the ends of 2024-27)",
             .min = 0.0});
    v.field("cowos_growth_after", cowos_growth_after,
            {.unit = "1/year",
             .doc = "growth of CoWoS capacity after the last listed year",
             .source = "assumption (2026-27: x1.24/yr, cal. s3)",
             .min = 0.5,
             .max = 5.0});
    v.field("cowos_share", cowos_share,
            {.unit = "1",
             .doc = "each vendor's share of CoWoS capacity",
             .source = "cal. s3 [S26] (Nvidia ~60-63%: 0.63); AMD: assumption (0.06: its 2025 output relative to "
                       "Nvidia's, 0.8M vs 9.6M H100e, x 0.63, rounded up)",
             .min = 0.0,
             .max = 1.0});
    v.field("cowos_scale", cowos_scale,
            {.unit = "1",
             .doc = "multiplier on the packaging ceiling (for sweeps)",
             .source = "cal. s9 (CoWoS/HBM constraints -20%/+30%)",
             .min = 0.0,
             .max = 100.0});
    v.field(
        "h100e_per_wafer", h100e_per_wafer,
        {.unit = "H100e/wafer",
         .doc = "compute per CoWoS wafer in 2025",
         .source =
             "derived: the 2025 supply (10.4M H100e, `vendors.output_2025`) over the vendors' 69% of 56.5k wpm x 12 "
             "(22.2), rounded up so that 2025 output is supply-limited only at the margin",
         .min = 0.0});
    v.field("h100e_per_wafer_growth", h100e_per_wafer_growth,
            {.unit = "1/year",
             .doc = "yearly growth of compute per CoWoS wafer (denser chips and packages)",
             .source = "derived: cal. s8 supply path (x2.2, x2.0) over the CoWoS path 2025-27 (x1.53, x1.24)",
             .min = 0.5,
             .max = 5.0});
    v.field("build_lag_months", build_lag_months,
            {.unit = "month",
             .doc = "months from a capacity decision to packaging capacity in use",
             .source = "assumption (a CoWoS line: 9-12 months)",
             .min = 1.0,
             .max = 36.0});
    v.field("reserve", reserve,
            {.unit = "1",
             .doc = "capacity the vendors hold above expected orders",
             .source = "assumption",
             .min = 0.0,
             .max = 2.0});
    v.field("order_memory", order_memory,
            {.unit = "1",
             .doc = "weight of the latest month in the vendors' expected orders",
             .source = "assumption",
             .min = 0.0,
             .max = 1.0});
    v.field("margin_elasticity", margin_elasticity,
            {.unit = "1",
             .doc = "elasticity of the capacity target to the price over the base price (the scarcity margin)",
             .source = "assumption",
             .min = 0.0,
             .max = 10.0});
  }
};

/// The gatekeepers' capex rule: order capacity to serve the expected requests for US cloud
/// with a buffer, counting what is free and what is being built.
struct GatekeeperCapexParams {
  Behaviour behaviour = Behaviour::adaptive;
  int committed_months = 12;
  double buffer_months = 1.0;
  double request_memory = 0.3;
  double max_capex_multiple = 2.0;

  template <class V>
  void visit(V& v) {
    behaviour_choice(v, "behaviour", behaviour,
                     "capex: ordered to serve expected requests (adaptive) or the announced path growing by "
                     "`gatekeepers.capex_growth` (frozen)");
    v.field("committed_months", committed_months,
            {.unit = "month",
             .doc = "months from the start in which capex follows the announced plans (firms' `capex_2025`)",
             .source = "cal. s3 [S32,S33] (2025 plans announced)",
             .min = 0.0,
             .max = 120.0});
    v.field("buffer_months", buffer_months,
            {.unit = "month",
             .doc = "free capacity the gatekeepers want when new capacity arrives, in months of expected requests",
             .source = "assumption",
             .min = 0.0,
             .max = 24.0});
    v.field("request_memory", request_memory,
            {.unit = "1",
             .doc = "weight of the latest month in the expected requests for US cloud",
             .source = "assumption",
             .min = 0.0,
             .max = 1.0});
    v.field("max_capex_multiple", max_capex_multiple,
            {.unit = "1",
             .doc = "ceiling on a firm's capex, as a multiple of its announced path (what it can finance)",
             .source = "assumption",
             .min = 0.0,
             .max = 100.0});
  }
};

/// Demand that must be served in the buyer's own country (data residency, sovereignty,
/// latency-critical inference): it cannot go to remote US cloud.
struct ResidencyParams {
  double buyers = 0.3;
  double projects = 0.8;

  template <class V>
  void visit(V& v) {
    v.field("buyers", buyers,
            {.unit = "1",
             .doc = "share of an ordinary buyer's US cloud demand that must be served in its country",
             .source = "assumption (swept 0-0.6: residency rules, regulated sectors, inference latency)",
             .min = 0.0,
             .max = 1.0});
    v.field("projects", projects,
            {.unit = "1",
             .doc = "... of a national project's (sovereign buyer)",
             .source = "assumption (swept 0.5-1: sovereign AI plans want in-country capacity, cal. s5)",
             .min = 0.0,
             .max = 1.0});
  }
};

}  // namespace tiersim::models::diffusion
