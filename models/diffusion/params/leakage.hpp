#pragma once
// Parameters of leakage: US compute reaching Tier 3 through Tier 2 (docs/ODD.md s.7.9),
// as chips re-exported (transshipment, smuggling) and as Tier 2 US cloud rented by Tier 3
// firms. No quantitative source exists for either (cal. s9, s10): every rate is an
// assumption with a stated range, anchored on the calibration's 5% of Tier 2 imports.
#include <string>
#include <vector>

#include "sim/config/schema.hpp"

namespace tiersim::models::diffusion {

struct LeakageParams {
  double chips_rate = 0.05;
  double licence_factor = 0.25;
  double veu_factor = 0.0;
  std::vector<std::string> hubs{"SGP", "MYS", "THA"};
  double hub_factor = 2.0;
  double permit_factor = 0.5;
  double cloud_rate = 0.02;
  double uveu_cloud_factor = 0.0;

  template <class V>
  void visit(V& v) {
    v.field("chips_rate", chips_rate,
            {.unit = "1",
             .doc = "share of a Tier 2 country's unlicensed US-chip imports that a month's leakage can carry on to "
                    "Tier 3 (LPP-exempt, compliant, and every import without the rule)",
             .source = "cal. s9 (5% of Tier 2 imports, range 0-20%; no good source)",
             .min = 0.0,
             .max = 1.0});
    v.field("licence_factor", licence_factor,
            {.unit = "1",
             .doc = "leakage of imports under a licence (cap draws) relative to unlicensed imports: licences carry "
                    "end-use checks",
             .source = "assumption (sweep 0-1)",
             .min = 0.0,
             .max = 1.0});
    v.field("veu_factor", veu_factor,
            {.unit = "1",
             .doc = "leakage of imports under NVEU allowances relative to unlicensed imports (VEU security "
                    "conditions)",
             .source = "assumption (sweep 0-0.5)",
             .min = 0.0,
             .max = 1.0});
    v.field("hubs", hubs,
            {.doc = "transit hubs (ISO3): documented 2024-25 diversion cases and responses (Singapore prosecutions, "
                    "Malaysia's permits, the draft US licensing for MYS and THA); default hubs missing from the "
                    "country table are skipped",
             .source = "cal. s5 [S51], s3 [S52]; literature.md (Malaysia and Thailand)"});
    v.field("hub_factor", hub_factor,
            {.unit = "1",
             .doc = "leakage rate of a transit hub relative to other Tier 2 countries",
             .source = "assumption (sweep 1-5)",
             .min = 1.0,
             .max = 20.0});
    v.field("permit_factor", permit_factor,
            {.unit = "1",
             .doc = "leakage rate of a country while its own export and transshipment permit regime is in force "
                    "(event permits_on), relative to before",
             .source = "assumption (sweep 0-1); the regime: cal. s5 [S51] (Malaysia, July 2025)",
             .min = 0.0,
             .max = 1.0});
    v.field("cloud_rate", cloud_rate,
            {.unit = "1/month",
             .doc = "share of a Tier 2 country's free US cloud capacity that Tier 3 firms can rent in a month",
             .source = "assumption (sweep 0-0.1)",
             .min = 0.0,
             .max = 1.0});
    v.field("uveu_cloud_factor", uveu_cloud_factor,
            {.unit = "1",
             .doc = "that share while the rule is in force, relative to without it: the UVEU conditions bar serving "
                    "firms headquartered in Tier 3",
             .source = "assumption (cal. s2: the rule's VEU conditions; sweep 0-0.5)",
             .min = 0.0,
             .max = 1.0});
  }
};

}  // namespace tiersim::models::diffusion
