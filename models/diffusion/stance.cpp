#include "models/diffusion/stance.hpp"

#include <algorithm>
#include <cmath>

namespace tiersim::models::diffusion {

std::array<double, kNumStances> stance_probabilities(const StanceParams& p, const StanceInputs& in) {
  const double ally = in.ally ? 1.0 : 0.0;
  const double tier1 = in.tier1 ? 1.0 : 0.0;
  const double pressure = in.guidance ? p.guidance_shift : 0.0;
  const double market = (in.capped ? p.h_capped : 0.0) + p.h_binding * in.binding + p.h_dependence * in.dependence;
  std::array<double, kNumStances> u = {
      p.j_peer * in.bloc_share[0] + market,
      p.h_restrict + p.h_ally_restrict * ally + pressure + p.j_peer * in.bloc_share[1],
      p.h_exclude + p.h_ally_exclude * ally + p.h_tier1_exclude * tier1 + pressure + p.j_peer * in.bloc_share[2]};
  if (in.current >= 0 && in.current < kNumStances) u[static_cast<std::size_t>(in.current)] += p.h_stay;
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

void StanceWorld::finish() {
  membership = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(blocs), static_cast<Eigen::Index>(bloc.size()));
  for (std::size_t c = 0; c < bloc.size(); ++c) membership(bloc[c], static_cast<Eigen::Index>(c)) = 1.0;
}

Eigen::MatrixXd bloc_shares(const StanceWorld& world, const std::vector<Stance>& stance) {
  Eigen::MatrixXd held = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(stance.size()), kNumStances);
  for (std::size_t c = 0; c < stance.size(); ++c) held(static_cast<Eigen::Index>(c), static_cast<int>(stance[c])) = 1.0;
  Eigen::MatrixXd share = world.membership * held;
  const Eigen::VectorXd members = world.membership.rowwise().sum();
  for (Eigen::Index r = 0; r < share.rows(); ++r) {
    if (members(r) > 0) share.row(r) /= members(r);
  }
  return share;
}

void revise_stances(std::vector<Stance>& stance, const StanceWorld& world, const StanceParams& params, bool guidance,
                    const StanceSignals* signals, const rng::Stream& stream, std::uint64_t step,
                    std::uint64_t entity_offset) {
  const Eigen::MatrixXd share = bloc_shares(world, stance);
  for (std::size_t c = 0; c < stance.size(); ++c) {
    if (world.fixed[c]) continue;
    const std::uint64_t entity = entity_offset + c;
    if (stream.uniform(entity, step, 0) >= params.update_probability) continue;
    const Eigen::Index r = world.bloc[c];
    StanceInputs in{world.ally[c], world.tier1[c], guidance, {share(r, 0), share(r, 1), share(r, 2)}};
    if (signals != nullptr) {
      in.current = static_cast<int>(stance[c]);
      in.capped = signals->capped[c];
      in.binding = signals->binding[c];
      in.dependence = signals->dependence[c];
    }
    stance[c] = draw_stance(stance_probabilities(params, in), stream.uniform(entity, step, 1));
  }
}

}  // namespace tiersim::models::diffusion
