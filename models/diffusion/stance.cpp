#include "models/diffusion/stance.hpp"

#include <algorithm>
#include <cmath>

namespace tiersim::models::diffusion {

std::array<double, kNumStances> stance_probabilities(const StanceParams& p, const StanceInputs& in) {
  const double ally = in.ally ? 1.0 : 0.0;
  const double tier1 = in.tier1 ? 1.0 : 0.0;
  const double pressure = in.guidance ? p.guidance_shift : 0.0;
  const std::array<double, kNumStances> u = {
      p.j_peer * in.bloc_share[0],
      p.h_restrict + p.h_ally_restrict * ally + pressure + p.j_peer * in.bloc_share[1],
      p.h_exclude + p.h_ally_exclude * ally + p.h_tier1_exclude * tier1 + pressure + p.j_peer * in.bloc_share[2]};
  const double top = std::max({u[0], u[1], u[2]});
  std::array<double, kNumStances> e{};
  double sum = 0;
  for (std::size_t s = 0; s < e.size(); ++s) {
    e[s] = std::exp(p.beta * (u[s] - top));
    sum += e[s];
  }
  for (auto& x : e) x /= sum;
  return e;
}

Stance draw_stance(const std::array<double, kNumStances>& prob, double u) {
  if (u < prob[0]) return Stance::open;
  if (u < prob[0] + prob[1]) return Stance::restrict;
  return Stance::exclude;
}

}  // namespace tiersim::models::diffusion
