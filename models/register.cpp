#include "models/register.hpp"

#include "models/arthur/arthur_model.hpp"
#include "models/bass/bass_model.hpp"
#include "models/brock_durlauf/brock_durlauf_model.hpp"
#include "models/diffusion/diffusion_model.hpp"
#include "models/diffusion/stance_model.hpp"

namespace tiersim::models {

engine::ModelCatalog catalog() {
  engine::ModelCatalog c;
  c.add(bass::model_type());
  c.add(diffusion::model_type());
  c.add(diffusion::stance_model_type());
  c.add(arthur::model_type());
  c.add(brock_durlauf::model_type());
  return c;
}

}  // namespace tiersim::models
