#pragma once
// Parameters of countries' stance toward the Chinese stack (docs/ODD.md s.7.7).
#include "models/diffusion/params/china_supply.hpp"
#include "sim/config/schema.hpp"

namespace tiersim::models::diffusion {

struct StanceParams {
  Behaviour behaviour = Behaviour::adaptive;
  double beta = 1.0;
  double j_peer = 1.5;
  double h_restrict = -0.13;
  double h_exclude = -0.13;
  double h_ally_restrict = 0.57;
  double h_ally_exclude = 0.57;
  double h_tier1_exclude = 1.69;
  double guidance_shift = 0.5;
  double update_probability = 0.25;
  double h_stay = 2.2;
  double h_capped = 0.5;
  double h_binding = 1.0;
  double h_dependence = 2.0;

  template <class V>
  void visit(V& v) {
    behaviour_choice(v, "behaviour", behaviour,
                     "stances: with state dependence and a response to the caps and to dependence on Chinese "
                     "compute (adaptive), or memoryless and blind to the AI market (frozen: the v1 process)");
    v.field("beta", beta,
            {.unit = "1",
             .doc = "intensity of choice of country stance (scale normalisation)",
             .source = "normalisation",
             .min = 0.0});
    v.field(
        "j_peer", j_peer,
        {.unit = "utils",
         .doc = "peer effect: weight on the share of the bloc holding a stance (J)",
         .source = "assumption: not identified by the 5G cross-section nor by the decision panel (docs/validation.md)",
         .min = 0.0});
    v.field("h_restrict", h_restrict,
            {.unit = "utils",
             .doc = "base utility of restrict (open = 0)",
             .source = "MSM fit to the 5G decision panel with h_stay, tied to h_exclude (docs/validation.md, "
                       "Panel fit; s.e. 0.45)"});
    v.field("h_exclude", h_exclude,
            {.unit = "utils",
             .doc = "base utility of exclude",
             .source = "MSM fit to the 5G decision panel with h_stay (docs/validation.md, Panel fit; s.e. 0.45)"});
    v.field("h_ally_restrict", h_ally_restrict,
            {.unit = "utils",
             .doc = "added utility of restrict for US allies",
             .source = "MSM fit to the 5G decision panel, tied to h_ally_exclude (docs/validation.md, Panel fit; "
                       "s.e. 0.71)"});
    v.field("h_ally_exclude", h_ally_exclude,
            {.unit = "utils",
             .doc = "added utility of exclude for US allies",
             .source = "MSM fit to the 5G decision panel (docs/validation.md, Panel fit; s.e. 0.71)"});
    v.field("h_tier1_exclude", h_tier1_exclude,
            {.unit = "utils",
             .doc = "added utility of exclude for Tier 1 partners",
             .source = "MSM fit to the 5G decision panel (docs/validation.md, Panel fit; s.e. 0.74)"});
    v.field("guidance_shift", guidance_shift,
            {.unit = "utils",
             .doc = "US pressure: added to restrict and exclude while guidance is active",
             .source = "assumption (MODEL s.6)"});
    v.field("update_probability", update_probability,
            {.unit = "1/quarter",
             .doc = "chance a country revisits its stance each quarter",
             .source = "assumption (asynchronous updating, Blume & Durlauf)",
             .min = 0.0,
             .max = 1.0});
    v.field("h_stay", h_stay,
            {.unit = "utils",
             .doc = "state dependence: added utility of the stance a country holds (the cost of reversing a "
                    "procurement or security decision)",
             .source = "MSM fit to the 5G decision panel at J 1.5 and update probability 0.25 (docs/validation.md, "
                       "Panel fit; s.e. 0.30; 1.35-2.86 as the update probability goes 0.125-0.5); sweep 0-3",
             .min = 0.0});
    v.field("h_capped", h_capped,
            {.unit = "utils",
             .doc = "added utility of open for a country the rule's caps apply to (Tier 2 while they are in force)",
             .source = "assumption (the claim: caps push Tier 2 toward the Chinese stack; sweep 0-2)",
             .min = 0.0});
    v.field("h_binding", h_binding,
            {.unit = "utils",
             .doc = "added utility of open per unit share of the quarter's months in which the country's cap bound",
             .source = "assumption (sweep 0-3)",
             .min = 0.0});
    v.field("h_dependence", h_dependence,
            {.unit = "utils",
             .doc = "added utility of open per unit Chinese share of the country's installed compute (dependence "
                    "makes restriction costly, as with Huawei in 5G networks)",
             .source = "assumption (cal. s6: EU members 'heavily dependent' on Chinese kit restricted late; sweep 0-5)",
             .min = 0.0});
  }
};

}  // namespace tiersim::models::diffusion
