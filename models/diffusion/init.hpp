#pragma once
// Initialization of the diffusion model's state (docs/ODD.md s.5).
#include <filesystem>
#include <string>

#include "models/diffusion/state.hpp"
#include "sim/engine/model.hpp"

namespace tiersim::models::diffusion {

/// Build the initial state from the parameters and the country table. InputError, naming
/// the file, line and key, on data that does not fit the parameters.
State init_state(const Env& env, const engine::ModelContext& ctx);

/// Where a parameter was written, for error messages ("file:line:col: key 'params.x'").
std::string param_where(const engine::ModelContext& ctx, const std::string& dotted);

/// A data file named by parameter `key`: relative paths are relative to the file that
/// wrote the key (which may be a `base:`), else to the config's folder.
std::filesystem::path param_data_file(const engine::ModelContext& ctx, const std::string& key,
                                      const std::string& value);

}  // namespace tiersim::models::diffusion
