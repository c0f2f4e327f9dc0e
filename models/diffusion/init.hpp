#pragma once
// Initialization of the diffusion model's state (docs/ODD.md s.5).
#include "models/diffusion/state.hpp"
#include "sim/engine/model.hpp"

namespace tiersim::models::diffusion {

/// Build the initial state from the parameters and the country table. InputError, naming
/// the file, line and key, on data that does not fit the parameters.
State init_state(const Env& env, const engine::ModelContext& ctx);

}  // namespace tiersim::models::diffusion
