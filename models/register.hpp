#pragma once
#include "sim/engine/model.hpp"

namespace tiersim::models {
/// Every model this build of tiersim provides.
engine::ModelCatalog catalog();
}  // namespace tiersim::models
