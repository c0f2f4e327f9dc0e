#pragma once
// Agent-based Bass diffusion: each month every non-adopter adopts with probability
// 1 - exp(-(p + q F) dt), F being its market's adopter share at the start of the month.
#include <cstdint>
#include <vector>

#include "models/bass/bass_params.hpp"
#include "sim/engine/model.hpp"
#include "sim/rng/stream.hpp"

namespace tiersim::models::bass {

class BassModel final : public engine::Model {
 public:
  BassModel(const BassParams& params, const engine::ModelContext& ctx);
  void declare(engine::Registry& registry) override;

  /// Adopter share of each market (for tests).
  const std::vector<double>& shares() const { return share_; }

 private:
  void adopt(const engine::StepContext& s);
  void tally(const engine::StepContext& s);

  BassParams params_;
  const engine::Executor& executor_;
  rng::Stream stream_;
  std::size_t n_agents_;
  // Agent state, structure-of-arrays; agents of market m are [m*N, (m+1)*N).
  std::vector<std::uint8_t> adopted_;
  std::vector<std::uint8_t> adopted_now_;
  // Market state.
  std::vector<double> adopters_, new_adopters_, population_, share_;
  std::vector<double> world_share_history_;
};

engine::ModelType model_type();

}  // namespace tiersim::models::bass
