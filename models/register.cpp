#include "models/register.hpp"

#include "models/bass/bass_model.hpp"
#include "models/diffusion/diffusion_model.hpp"

namespace tiersim::models {

engine::ModelCatalog catalog() {
  engine::ModelCatalog c;
  c.add(bass::model_type());
  c.add(diffusion::model_type());
  return c;
}

}  // namespace tiersim::models
