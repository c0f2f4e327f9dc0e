#pragma once
// Cloud gatekeepers, the UVEU cloud providers (docs/ODD.md s.7.4): initial capacity, monthly
// orders (announced or decided capex, us_supply.hpp), the quarterly placement over countries, the build pipeline.
#include "models/diffusion/state.hpp"
#include "sim/engine/model.hpp"

namespace tiersim::models::diffusion {

/// Initial placement, and the capacity ordered before the start that arrives in the first
/// months. InputError if a gatekeeper's headquarters is not in the country table.
Gatekeepers init_gatekeepers(const World& world, const DiffusionParams& p, const engine::ModelContext& ctx);

/// Capacity gatekeeper `firm` orders in month ym: its AI capex over the build cost per H100e.
double gatekeeper_orders(const DiffusionParams& p, const Policy& policy, const GatekeeperSpec& firm,
                         const time::YearMonth& ym);

/// All-in cost of a unit of gatekeeper capacity in month ym (chip and facility), USD/H100e.
double gatekeeper_build_cost(const DiffusionParams& p, const Policy& policy, const time::YearMonth& ym);

}  // namespace tiersim::models::diffusion
