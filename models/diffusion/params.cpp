// Cross-field rules of the diffusion model's parameters (the per-field types and ranges
// are checked by the schema as they are decoded).
#include "models/diffusion/params.hpp"

#include <string>

#include "sim/core/error.hpp"

namespace tiersim::models::diffusion {

void DiffusionParams::check(const config::Node& where) const {
  vendors.check(where, "params.vendors");
  if (gatekeepers.firms.empty()) {
    throw InputError(where.origin().describe() + ": key 'params.gatekeepers.firms': at least one gatekeeper is needed");
  }
  if (china.output_units.empty()) {
    throw InputError(where.origin().describe() + ": key 'params.china.output_units': needs at least one year");
  }
  for (std::size_t i = 0; i < policy.events.size(); ++i) {
    if (policy.events[i].action == EventAction::unset) {
      throw InputError(where.origin().describe() + ": key 'params.policy.events[" + std::to_string(i) +
                       "].action': every event needs an action (rule_on, rule_off, guidance_on, guidance_off, "
                       "retaliation_on, retaliation_off, g2g, tier, china_licence_on, china_licence_off, "
                       "compliant_tier2_on, compliant_tier2_off, permits_on, permits_off, china_discourage_on or "
                       "china_discourage_off)");
    }
  }
}

}  // namespace tiersim::models::diffusion
