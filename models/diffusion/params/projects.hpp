#pragma once
// Parameters of the national projects' procurement (docs/ODD.md s.7.11): tenders awarding
// multi-year contracts, and the political veto of an award to a Chinese offer under US
// pressure.
#include "models/diffusion/params/china_supply.hpp"
#include "sim/config/schema.hpp"

namespace tiersim::models::diffusion {

struct ProjectParams {
  Behaviour behaviour = Behaviour::adaptive;
  int contract_months = 36;
  double veto_probability = 0.5;
  double retender_fill = 0.5;
  double cn_veto_probability = 0.0;
  double cn_leverage_share = 0.2;

  template <class V>
  void visit(V& v) {
    behaviour_choice(v, "behaviour", behaviour,
                     "national projects: tenders award multi-year contracts, with political vetoes (adaptive), or "
                     "one logit draw a month like any buyer (frozen: the v1 rule)");
    v.field("contract_months", contract_months,
            {.unit = "months",
             .doc = "length of a national project's supply contract: its requests go to the awarded offer until "
                    "then",
             .source = "assumption (cal. s5: G42/Stargate UAE, Humain and IndiaAI procure by multi-year deals and "
                       "tenders; sweep 12-60)",
             .min = 1.0,
             .max = 240.0});
    v.field("veto_probability", veto_probability,
            {.unit = "1",
             .doc = "chance that an award to a Chinese offer is withdrawn while US pressure applies (GP10 guidance "
                    "in force, or the country's stance is restrict)",
             .source = "assumption (cal. s4: the Malaysia announcement of May 2025 retracted within 24 h; sweep 0-1)",
             .min = 0.0,
             .max = 1.0});
    v.field("retender_fill", retender_fill,
            {.unit = "1",
             .doc = "a contract whose expected delivery (the project's expected fill rate of the awarded offer) falls "
                    "below this is ended, and the project tenders again",
             .source = "assumption (a supplier that cannot deliver loses the contract; sweep 0.2-0.8)",
             .min = 0.0,
             .max = 1.0});
    v.field("cn_veto_probability", cn_veto_probability,
            {.unit = "1",
             .doc = "chance that an award to a US offer is withdrawn while Chinese pressure applies (the Chinese "
                    "stack holds at least cn_leverage_share of the country's installed compute)",
             .source = "assumption (no documented case in AI procurement, hence 0; sweep 0-0.5)",
             .min = 0.0,
             .max = 1.0});
    v.field("cn_leverage_share", cn_leverage_share,
            {.unit = "1",
             .doc = "Chinese share of a country's installed AI compute from which China can press its national "
                    "project against US offers",
             .source = "assumption (cal. s6b: countries heavily dependent on Chinese 5G kit, e.g. Germany with 59% "
                       "Chinese RAN, restricted late or not at all; sweep 0.1-0.5)",
             .min = 0.0,
             .max = 1.0});
  }
};

}  // namespace tiersim::models::diffusion
