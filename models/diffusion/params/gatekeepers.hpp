#pragma once
// Parameters of the cloud gatekeepers, the UVEU cloud providers (docs/ODD.md s.7.4).
#include <string>
#include <vector>

#include "models/diffusion/params/us_supply.hpp"
#include "sim/config/schema.hpp"

namespace tiersim::models::diffusion {

struct GatekeeperSpec {
  std::string name;
  std::string hq = "USA";
  double capex_2025 = 0.0;
  double initial_capacity = 0.0;

  template <class V>
  void visit(V& v) {
    v.field("name", name, {.doc = "gatekeeper (UVEU cloud provider)"});
    v.field("hq", hq, {.doc = "ISO3 of the headquarters"});
    v.field("capex_2025", capex_2025,
            {.unit = "USD/year", .doc = "AI data-centre capex in 2025", .source = "cal. s3 [S32,S33]", .min = 0.0});
    v.field("initial_capacity", initial_capacity,
            {.unit = "H100e", .doc = "AI capacity at the start", .source = "assumption (cal. s3 [S24])", .min = 0.0});
  }
};

struct GatekeeperParams {
  std::vector<GatekeeperSpec> firms{{"Microsoft", "USA", 80.0e9, 1.2e6},
                                    {"Google", "USA", 91.0e9, 1.5e6},
                                    {"AWS", "USA", 125.0e9, 1.4e6},
                                    {"Oracle", "USA", 35.0e9, 0.3e6}};
  double capex_growth = 1.3;
  double ai_share_of_capex = 0.6;
  int build_lag_months = 6;
  double initial_home_share = 0.65;
  double initial_tier1_share = 0.25;
  double home_bias = 0.5;
  double cloud_markup = 0.3;
  double uveu_surcharge = 0.03;
  bool remote_allowed = true;
  GatekeeperCapexParams capex;

  template <class V>
  void visit(V& v) {
    v.section("capex", capex, "capex: the decision rule and the announced plans");
    v.list("firms", firms, "gatekeepers: Microsoft, Google, AWS, Oracle");
    v.field("capex_growth", capex_growth,
            {.unit = "1/year",
             .doc = "reference path (frozen capex): yearly growth of capex after 2025",
             .source = "assumption (cal. s3: 2024->2025 capex grew ~1.5x)",
             .min = 0.5,
             .max = 5.0});
    v.field("ai_share_of_capex", ai_share_of_capex,
            {.unit = "1",
             .doc = "share of capex that becomes AI compute capacity",
             .source = "assumption",
             .min = 0.0,
             .max = 1.0});
    v.field("build_lag_months", build_lag_months,
            {.unit = "month",
             .doc = "months from chip purchase to capacity online",
             .source = "assumption",
             .min = 0.0,
             .max = 60.0});
    v.field("initial_home_share", initial_home_share,
            {.unit = "1",
             .doc = "share of initial capacity in the home country",
             .source = "cal. s3 [S32] (> half in US)",
             .min = 0.0,
             .max = 1.0});
    v.field("initial_tier1_share", initial_tier1_share,
            {.unit = "1",
             .doc = "share of initial capacity in other Tier 1 countries",
             .source = "assumption",
             .min = 0.0,
             .max = 1.0});
    v.field("home_bias", home_bias,
            {.unit = "1",
             .doc = "extra weight on home-country demand when placing capacity",
             .source = "assumption",
             .min = 0.0});
    v.field("cloud_markup", cloud_markup,
            {.unit = "1",
             .doc = "cloud price over the all-in cost of owning",
             .source = "assumption (cal. s3 rental rates)",
             .min = 0.0});
    v.field("uveu_surcharge", uveu_surcharge,
            {.unit = "1",
             .doc = "compliance cost of UVEU status, share of the cloud price, while the rule is in force",
             .source = "assumption (BACKGROUND: reporting on customers, cybersecurity)",
             .min = 0.0,
             .max = 1.0});
    v.field(
        "remote_allowed", remote_allowed,
        {.doc = "US cloud demand a country cannot get locally may be served from US capacity", .source = "assumption"});
  }
};

}  // namespace tiersim::models::diffusion
