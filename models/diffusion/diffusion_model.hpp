#pragma once
// The AI-chip diffusion model (docs/ODD.md): countries, buyers, US vendors, cloud
// gatekeepers, Chinese suppliers and the regulator, stepping monthly through policy,
// supply, allocation, choice, clearing (two rounds: the re-choice of rationed demand is the
// diversion channel), learning and record.
//
// The model owns the run's parameters and state (state.hpp) and wires the phases
// (phases.hpp, free functions over the state) into the engine's schedule.
#include "models/diffusion/outputs.hpp"
#include "models/diffusion/params.hpp"
#include "models/diffusion/state.hpp"
#include "sim/engine/model.hpp"

namespace tiersim::models::diffusion {

class DiffusionModel final : public engine::Model {
 public:
  DiffusionModel(const DiffusionParams& params, const engine::ModelContext& ctx);
  void declare(engine::Registry& registry) override;

  /// Read access for tests and invariant checks.
  const State& state() const { return state_; }
  const DiffusionParams& params() const { return p_; }

 private:
  DiffusionParams p_;
  Env env_;
  State state_;
  RunTally tally_;
};

engine::ModelType model_type();

}  // namespace tiersim::models::diffusion
