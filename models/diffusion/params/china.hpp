#pragma once
// Parameters of the Chinese suppliers (docs/ODD.md s.7.5): the reference paths (Huawei's
// output, the export share, the price ratio, cloud capacity as a share of host demand) that
// a frozen behaviour follows, quality and learning, and the decisions of the chip firms and
// clouds (china_supply.hpp).
#include <vector>

#include "models/diffusion/params/china_supply.hpp"
#include "sim/config/schema.hpp"

namespace tiersim::models::diffusion {

struct ChinaParams {
  std::vector<double> output_units{4.0e5, 6.0e5, 1.0e6};
  double output_scale = 1.0;
  double output_growth_after = 1.5;
  double h100e_per_unit = 0.6;
  double export_h100e_per_unit = 0.3;
  double export_share = 0.01;
  double quality_0 = 0.6;
  double learning_exponent = 0.15;
  double price_ratio = 1.3;
  double cloud_share_of_host_demand = 0.01;
  std::vector<double> cloud_host_tiers{2.0};
  bool cloud_remote_allowed = true;
  ChinaBehaviour behaviour;
  ChinaChipParams chips;
  ChinaCloudParams clouds;

  template <class V>
  void visit(V& v) {
    v.section("behaviour", behaviour, "which Chinese behaviours respond (adaptive) or follow the reference paths");
    v.section("chips", chips, "Chinese chip firms: capacity, output, exports, price");
    v.section("clouds", clouds, "Chinese clouds: capacity abroad");
    v.field("output_units", output_units,
            {.unit = "units/year",
             .doc = "reference path: Chinese AI-chip output, 2025, 2026, 2027 (frozen capacity)",
             .source = "cal. s8 (0.4M/0.6M/1.0M; ranges 0.2-0.8M, 0.3-1.0M, 0.5-2.0M)",
             .min = 0.0});
    v.field("output_scale", output_scale,
            {.unit = "1",
             .doc = "multiplier on the whole output path (for sweeps)",
             .source = "cal. s9 (2025: 0.2-0.8M around 0.4M, i.e. x0.5-2)",
             .min = 0.0,
             .max = 100.0});
    v.field("output_growth_after", output_growth_after,
            {.unit = "1/year",
             .doc = "output growth after the last listed year",
             .source = "assumption",
             .min = 0.5,
             .max = 5.0});
    v.field("h100e_per_unit", h100e_per_unit,
            {.unit = "H100e/unit",
             .doc = "compute per domestic unit (910C class)",
             .source = "cal. s8 (0.6 inference)",
             .min = 0.0,
             .max = 5.0});
    v.field("export_h100e_per_unit", export_h100e_per_unit,
            {.unit = "H100e/unit",
             .doc = "compute per exported unit (910B class)",
             .source = "cal. s8 (only 910B-class exported before 2027: 0.3)",
             .min = 0.0,
             .max = 5.0});
    v.field("export_share", export_share,
            {.unit = "1",
             .doc = "reference: share of Chinese output exported (frozen exports)",
             .source = "cal. s8/s9 (1%, range 0-10%)",
             .min = 0.0,
             .max = 1.0});
    v.field("quality_0", quality_0,
            {.unit = "1",
             .doc = "effective quality of Chinese compute relative to US at the start (Q_CN,0)",
             .source = "cal. s4 [S35] (910C ~60% of H100 in inference; sweep 0.4-0.8)",
             .min = 0.01,
             .max = 1.0});
    v.field("learning_exponent", learning_exponent,
            {.unit = "1",
             .doc = "Q_CN grows as (cumulative deployment ratio)^exponent",
             .source = "assumption",
             .min = 0.0,
             .max = 2.0});
    v.field("price_ratio", price_ratio,
            {.unit = "1",
             .doc = "price per effective H100e, Chinese / US, in 2025 (and throughout with frozen price)",
             .source = "cal. s9 (1.3, sweep 0.6-2.0)",
             .min = 0.01,
             .max = 100.0});
    v.field("cloud_share_of_host_demand", cloud_share_of_host_demand,
            {.unit = "1",
             .doc = "reference: Chinese cloud AI capacity abroad per month, as share of host countries' demand (frozen "
                    "clouds)",
             .source = "cal. s8/s9 (<= 1%, sweep 0-10%)",
             .min = 0.0,
             .max = 1.0});
    v.field("cloud_host_tiers", cloud_host_tiers,
            {.unit = "1",
             .doc = "tiers (January 2025) whose Chinese cloud regions host AI capacity",
             .source = "cal. s8 (host regions listed are all Tier 2)",
             .min = 1.0,
             .max = 3.0});
    v.field("cloud_remote_allowed", cloud_remote_allowed,
            {.doc = "countries without a Chinese cloud region may rent remotely", .source = "assumption"});
  }
};

}  // namespace tiersim::models::diffusion
